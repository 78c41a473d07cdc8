"""Filters of the portal's report list (django-filter), always on the user's scoped rows."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DeadlineState, Report


def deadline_state_filter(state: str, today) -> Q:
    """The rows whose ``Report.deadline_state(today)`` is ``state`` (R12), as a query."""
    not_cancelled = ~Q(status=Report.Status.CANCELLED)
    never = Q(first_submitted_at__isnull=True)
    conditions = {
        DeadlineState.DUE: never & Q(due_date__gte=today),
        DeadlineState.MISSING: never & Q(due_date__lt=today),
        DeadlineState.ON_TIME: Q(first_submitted_at__date__lte=F("due_date")),
        DeadlineState.LATE: Q(first_submitted_at__date__gt=F("due_date")),
    }
    return not_cancelled & conditions[state]


class ReportFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Report.Kind.choices, empty_label=_("全部类型"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Report.Status.choices, empty_label=_("全部状态"))
    deadline = django_filters.ChoiceFilter(
        label=_("提交情况"), choices=DeadlineState.choices, empty_label=_("全部"), method="filter_deadline",
    )
    name = django_filters.CharFilter(label=_("干部姓名"), field_name="placement__cadre__name", lookup_expr="contains")

    class Meta:
        model = Report
        fields = ["kind", "status", "deadline", "name"]

    def filter_deadline(self, queryset, name, value):
        return queryset.filter(deadline_state_filter(value, timezone.localdate())) if value else queryset
