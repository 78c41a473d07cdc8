"""Filters of the reports list (feedback cards and early warnings) in the portal. The querysets
they narrow come from the scoped selectors; the unit choices are the units the user reaches."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs.models import Unit
from programs.roles import user_scope
from programs.selectors import units_visible_to

from .models import EarlyWarning, FeedbackCard


class _DateInput(forms.DateInput):
    input_type = "date"


class ReportFilter(django_filters.FilterSet):
    """Shared by both report kinds: the village/host unit, the cadre, a date range and "pending"."""

    KIND_CHOICES = (("", _("全部")), ("card", _("信息反馈卡")), ("warning", _("苗头性事件")))

    kind = django_filters.ChoiceFilter(label=_("类别"), choices=KIND_CHOICES[1:], empty_label=_("全部"),
                                       method="filter_kind")
    unit = django_filters.ModelChoiceFilter(label=_("挂职单位"), queryset=Unit.objects.none(),
                                            field_name="placement__host_post__host_unit", empty_label=_("全部"))
    cadre = django_filters.CharFilter(label=_("干部姓名"), field_name="placement__cadre__name", lookup_expr="icontains")
    date_from = django_filters.DateFilter(label=_("起始日期"), method="filter_date_from", widget=_DateInput)
    date_to = django_filters.DateFilter(label=_("截止日期"), method="filter_date_to", widget=_DateInput)
    pending = django_filters.BooleanFilter(label=_("只看待签收"), method="filter_pending",
                                           widget=forms.CheckboxInput)

    date_field = ""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["unit"].queryset = units_visible_to(user).filter(host_posts__isnull=False).distinct().order_by("name")

    def filter_kind(self, queryset, name, value):
        return queryset  # chooses which table the view shows

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})

    def filter_pending(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(self.pending_condition(user_scope(self.user)))


class FeedbackCardFilter(ReportFilter):
    date_field = "decided_on"

    class Meta:
        model = FeedbackCard
        fields = []

    def pending_condition(self, scope) -> Q:
        return Q(acknowledged_at__isnull=True)


class EarlyWarningFilter(ReportFilter):
    date_field = "occurred_on"

    class Meta:
        model = EarlyWarning
        fields = []

    def pending_condition(self, scope) -> Q:
        # "Pending" is what waits for the user's own role; others see what nobody has signed yet.
        if scope.township_unit_ids and not scope.is_org_staff:
            return Q(township_acknowledged_at__isnull=True)
        if scope.is_org_staff and not scope.township_unit_ids:
            return Q(staff_acknowledged_at__isnull=True)
        return Q(township_acknowledged_at__isnull=True) | Q(staff_acknowledged_at__isnull=True)
