"""Forms of supervision: the host unit's portal pages (attendance, violations) and the admin's
action pages (complete or cancel an inspection, solve a problem). Rules stay in the services."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Placement

from .models import InspectionCheck, Violation


class DateInput(forms.DateInput):
    input_type = "date"


class AttendanceConfirmForm(forms.Form):
    """The host unit confirms a month (D6): business trips and a note; the rest is computed."""

    business_trip_days = forms.DecimalField(
        label=_("出差天数"), min_value=Decimal(0), max_digits=4, decimal_places=1, initial=0,
        widget=forms.NumberInput(attrs={"step": "0.5"}), help_text=_("计入出勤，可填半天（0.5）。"),
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ViolationForm(forms.Form):
    """The host unit records unauthorised absence (擅自离岗, R11) of one of its cadres."""

    placement = forms.ModelChoiceField(label=_("挂职干部"), queryset=Placement.objects.none())
    kind = forms.ChoiceField(label=_("类别"), choices=Violation.Kind.choices, initial=Violation.Kind.UNAUTHORISED_ABSENCE)
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput)
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput)
    description = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements.select_related("cadre", "host_post__host_unit")
        self.fields["placement"].label_from_instance = lambda p: f"{p.cadre.name}（{p.host_post.host_unit.name} {p.host_post.title}）"


# --- admin action pages --------------------------------------------------------------------------


class InspectionCompleteForm(forms.Form):
    notes = forms.CharField(label=_("情况记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InspectionCancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class ProblemSolveForm(forms.Form):
    solution = forms.CharField(label=_("解决情况"), widget=forms.Textarea(attrs={"rows": 4}))
    solved_on = forms.DateField(label=_("解决日期"), initial=timezone.localdate, widget=DateInput)


class InspectionAdminForm(forms.ModelForm):
    """Adds the choice between a planned visit and one that took place (the services differ)."""

    planned = forms.BooleanField(
        label=_("仅作计划"), required=False, help_text=_("勾选表示巡查尚未进行，状态为“已计划”；不勾选表示已进行，状态为“已完成”。"),
    )


class InspectionCheckInlineForm(forms.ModelForm):
    """One check; 请假中 is derived from approved leave (R13), 擅自离岗 creates a violation (R11)."""

    unauthorised = forms.BooleanField(
        label=_("认定擅自离岗"), required=False, help_text=_("不在岗且无正当理由的，保存后自动生成违规记录。"),
    )

    class Meta:
        model = InspectionCheck
        fields = ["placement", "result", "absence_reason", "notes"]

    def save(self, commit=True):
        obj = super().save(commit=commit)
        # The service hook reads it: the inline saves through inspection_check_record.
        obj._unauthorised = bool(self.cleaned_data.get("unauthorised"))
        return obj


def month_choices(first: dt.date, last: dt.date) -> list[tuple[str, str]]:
    choices, month = [], last.replace(day=1)
    while month >= first.replace(day=1):
        choices.append((f"{month:%Y-%m}", f"{month.year}年{month.month}月"))
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return choices
