"""The host unit's attendance list filter (month, cadre, confirmed)."""

import datetime as dt

import django_filters
from django.utils.translation import gettext_lazy as _

from programs.models import Cadre

from .models import AttendanceMonth


class AttendanceMonthFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(label=_("月份"), method="filter_month", help_text=_("如 2026-05"))
    cadre = django_filters.ModelChoiceFilter(label=_("干部"), field_name="placement__cadre", queryset=Cadre.objects.none())
    confirmed = django_filters.BooleanFilter(label=_("已确认"), method="filter_confirmed")

    class Meta:
        model = AttendanceMonth
        fields = ["month", "cadre", "confirmed"]

    def __init__(self, data=None, queryset=None, *, cadres, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["cadre"].queryset = cadres
        self.form.fields["month"].widget.input_type = "month"

    @staticmethod
    def parse_month(value) -> dt.date | None:
        try:
            return dt.datetime.strptime((value or "").strip(), "%Y-%m").date()
        except ValueError:
            return None

    def filter_month(self, queryset, name, value):
        month = self.parse_month(value)
        return queryset.filter(month=month) if month else queryset.none()

    def filter_confirmed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(confirmed_at__isnull=not value)
