"""Portal forms of leave (R11). They check the shape of the input; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LeaveRequest

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LeaveRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("假别"), choices=LeaveRequest.Kind.choices)
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    start_afternoon = forms.BooleanField(label=_("开始日从下午起（半天）"), required=False)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)
    end_noon = forms.BooleanField(label=_("结束日到中午止（半天）"), required=False)
    reason = forms.CharField(label=_("事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    late_reason = forms.CharField(
        label=_("补假原因"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("开始日期早于今天的请假为补假，须说明未能事先请假的原因。"),
    )
    # Set when the cadre has read that the request joins others (D3) and submits it as it is.
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        return data

    def period_key(self) -> str:
        """The period as the confirmation names it: a changed period needs confirming again."""
        data = self.cleaned_data
        return "{}{}-{}{}".format(
            data["start_date"].isoformat(), "pm" if data["start_afternoon"] else "am",
            data["end_date"].isoformat(), "am" if data["end_noon"] else "pm",
        )


class LeaveDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批意见"), choices=[("approve", _("同意")), ("reject", _("不同意"))], widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不同意时必须填写。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("不同意时请填写意见。"))
        return data


class LeaveOpinionForm(forms.Form):
    opinion = forms.CharField(label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LeaveReturnForm(forms.Form):
    actual_return_date = forms.DateField(label=_("实际返岗日期"), widget=DATE)
    actual_return_afternoon = forms.BooleanField(label=_("当天下午返岗"), required=False)
