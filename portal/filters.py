"""Filters of the portal's cadre list (django-filter), always on the user's scoped rows."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs.models import Placement, Program

from .selectors import placement_relations


class PlacementFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(field_name="cadre__name", lookup_expr="icontains", label=_("姓名包含"))
    status = django_filters.ChoiceFilter(choices=Placement.Status.choices, label=_("状态"), empty_label=_("全部状态"))
    program = django_filters.ModelChoiceFilter(queryset=Program.objects.none(), label=_("挂职项目"), empty_label=_("全部项目"))
    relation = django_filters.ChoiceFilter(method="filter_relation", label=_("范围"), empty_label=_("全部"))

    class Meta:
        model = Placement
        fields = ("name", "status", "program", "relation")

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Choices come from the user's own rows: another unit's programs never appear.
        self.filters["program"].queryset = Program.objects.filter(
            pk__in=self.queryset.values("program_id")
        ).order_by("-year", "name")
        self._relations = {relation.key: relation for relation in placement_relations(user)}
        if len(self._relations) > 1:
            self.filters["relation"].extra["choices"] = [(key, r.title) for key, r in self._relations.items()]
        else:
            del self.filters["relation"]

    def filter_relation(self, queryset, name, value):
        relation = self._relations.get(value)
        return queryset.filter(relation.condition if relation else Q(pk__in=[]))
