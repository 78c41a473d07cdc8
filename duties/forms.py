"""Portal forms of the duties area. Business rules stay in ``duties.services``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _today():
    return timezone.localdate()


class DateInput(forms.DateInput):
    input_type = "date"


class DutiesForm(forms.Form):
    """R10: the host unit's division of work and targets."""

    division_of_work = forms.CharField(label=_("工作分工"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                       max_length=5000)
    work_targets = forms.CharField(label=_("工作目标任务"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                   max_length=5000)


class CaseOpenForm(forms.Form):
    """R14 (江东): a case handed to the cadre to own to the end."""

    title = forms.CharField(label=_("案件名称"), max_length=200)
    opened_on = forms.DateField(label=_("包案日期"), initial=_today, widget=DateInput)
    description = forms.CharField(label=_("案情"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)


class CaseProgressForm(forms.Form):
    date = forms.DateField(label=_("日期"), initial=_today, widget=DateInput)
    note = forms.CharField(label=_("办理进展"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class CaseCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("办结日期"), initial=_today, widget=DateInput)
    outcome = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class FeedbackCardForm(forms.Form):
    """R14 (淮上): a major village decision, reported to the township on a feedback card."""

    matter = forms.CharField(label=_("决策事项"), max_length=200)
    decided_on = forms.DateField(label=_("决策会议日期"), initial=_today, widget=DateInput)
    content = forms.CharField(label=_("会议记录及决策内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)


class EarlyWarningForm(forms.Form):
    """R14 (淮上): an early warning sign, reported at once."""

    occurred_on = forms.DateField(label=_("发现日期"), initial=_today, widget=DateInput)
    content = forms.CharField(label=_("事件情况"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000,
                              help_text=_("写明时间、地点、涉及人员、起因和已采取的措施。"))


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class UndertakingConfirmForm(forms.Form):
    agree = forms.BooleanField(label=_("本人已阅读并郑重承诺遵守以上内容"), required=True)
