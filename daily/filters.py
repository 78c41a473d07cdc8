"""List filters of the leave pages (django-filter)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LeaveRequest
from .selectors import leave_requests_awaiting, leave_requests_overdue


class LeaveRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=LeaveRequest.Status.choices, empty_label=_("全部状态"))
    kind = django_filters.ChoiceFilter(label=_("假别"), choices=LeaveRequest.Kind.choices, empty_label=_("全部假别"))
    placement = django_filters.NumberFilter(label=_("挂职安排"), field_name="placement_id", widget=django_filters.widgets.forms.HiddenInput)
    name = django_filters.CharFilter(label=_("干部姓名"), field_name="placement__cadre__name", lookup_expr="contains")
    start_from = django_filters.DateFilter(
        label=_("开始日期不早于"), field_name="start_date", lookup_expr="gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    start_until = django_filters.DateFilter(
        label=_("开始日期不晚于"), field_name="start_date", lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    waiting = django_filters.BooleanFilter(label=_("只看待我审批"), method="filter_waiting",
                                           widget=django_filters.widgets.forms.CheckboxInput)
    overdue = django_filters.BooleanFilter(label=_("只看超期未销假"), method="filter_overdue",
                                           widget=django_filters.widgets.forms.CheckboxInput)
    backdated = django_filters.BooleanFilter(label=_("只看补假"), method="filter_backdated",
                                             widget=django_filters.widgets.forms.CheckboxInput)

    class Meta:
        model = LeaveRequest
        fields = ["placement", "status", "kind", "name", "start_from", "start_until", "waiting", "overdue", "backdated"]

    def filter_waiting(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=leave_requests_awaiting(self.request.user).values("pk"))

    def filter_overdue(self, queryset, name, value):
        return leave_requests_overdue(queryset, timezone.localdate()) if value else queryset

    def filter_backdated(self, queryset, name, value):
        return queryset.filter(is_backdated=True) if value else queryset
