"""Reads of assessments, scoped like the placements they grade (D1, D6)."""

from django.db.models import QuerySet

from programs.roles import user_scope
from programs.selectors import placement_filter

from .models import Assessment


def assessments_visible_to(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(placement_filter(user_scope(user), "placement__"))
