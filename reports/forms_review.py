"""Forms of the reviews: the comment of the host unit or the mentor (portal) and the staff's
opinion on accepting and reason for returning a report (admin action pages). Plain text only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services.review import REVIEW_TEXT_MAX_LENGTH


class ReviewCommentForm(forms.Form):
    text = forms.CharField(
        label=_("评阅意见"), max_length=REVIEW_TEXT_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("意见随报告版本保存，报告人可见，并作为平时考核的参考。"),
        error_messages={"required": _("请填写评阅意见。")},
    )


class ReportAcceptForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见"), max_length=REVIEW_TEXT_MAX_LENGTH, strip=True, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("可不填；填写的意见随报告版本保存，报告人可见。"),
    )


class ReportReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"), max_length=REVIEW_TEXT_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("退回原因将通知报告人，报告人修改后可再次提交。"),
        error_messages={"required": _("退回时请填写退回原因。")},
    )
