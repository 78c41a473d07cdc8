"""Portal forms of the selection procedure: a cadre's application, a sending unit's nomination
and recommendation. Business rules stay in ``selection.services``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_document_upload
from programs.models import Cadre, HostPost, Unit

from .models import Application


class DocumentField(forms.FileField):
    default_validators = [validate_document_upload]


class ApplyForm(forms.Form):
    """R7 step 2: the written application."""

    preferred_post = forms.ModelChoiceField(
        label=_("志愿岗位"), queryset=HostPost.objects.none(), required=False, empty_label=_("服从组织安排")
    )
    statement = forms.CharField(
        label=_("申请书"), widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=5000,
        help_text=_("写明本人基本情况、到基层锻炼服务的志向和对挂职岗位的认识。"),
    )
    attachment = DocumentField(label=_("书面申请（可选）"), required=False, help_text=_("PDF、Word 或图片，不超过 10 MB。"))

    def __init__(self, *args, selection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_post"].queryset = HostPost.objects.filter(program=selection.program).select_related("host_unit")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("statement", "").strip() or cleaned.get("attachment")):
            raise forms.ValidationError(_("请填写申请书或上传书面申请。"))
        return cleaned


class NominateForm(forms.Form):
    """R7 step 2 by unit recommendation: the sending unit puts one of its cadres forward."""

    cadre = forms.ModelChoiceField(label=_("推荐干部"), queryset=Cadre.objects.none())
    preferred_post = forms.ModelChoiceField(
        label=_("推荐岗位"), queryset=HostPost.objects.none(), required=False, empty_label=_("服从组织安排")
    )

    def __init__(self, *args, selection, unit_ids, **kwargs):
        super().__init__(*args, **kwargs)
        already = Application.objects.filter(selection=selection).values("cadre_id")
        self.fields["cadre"].queryset = (
            Cadre.objects.filter(sending_unit_id__in=unit_ids).exclude(pk__in=already).order_by("name")
        )
        self.fields["preferred_post"].queryset = HostPost.objects.filter(program=selection.program).select_related("host_unit")


class RecommendationForm(forms.Form):
    """R7 step 3: the sending unit's leadership meeting and its written report."""

    meeting_on = forms.DateField(label=_("党委（党组）会议日期"))
    report_text = forms.CharField(label=_("推荐报告"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    report_file = DocumentField(label=_("推荐报告文件"), required=False)
    recommended = forms.ModelMultipleChoiceField(
        label=_("推荐"), queryset=Application.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    not_recommended = forms.ModelMultipleChoiceField(
        label=_("不推荐"), queryset=Application.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("recommended", "not_recommended"):
            self.fields[name].queryset = applications
            self.fields[name].label_from_instance = lambda application: application.cadre.name

    def clean_meeting_on(self):
        day = self.cleaned_data["meeting_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("会议日期不能晚于今天。"))
        return day

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("recommended") or ()) & set(cleaned.get("not_recommended") or ())
        if both:
            raise forms.ValidationError(
                _("同一人不能既推荐又不推荐：%(names)s") % {"names": "、".join(a.cadre.name for a in both)}
            )
        if not (cleaned.get("report_text", "").strip() or cleaned.get("report_file")):
            raise forms.ValidationError(_("请填写推荐报告或上传推荐报告文件。"))
        return cleaned


class DemandRequestForm(forms.Form):
    """R7 step 0 (江东): a host unit states a post it needs."""

    host_unit = forms.ModelChoiceField(label=_("需求单位"), queryset=Unit.objects.none())
    post_title = forms.CharField(label=_("岗位名称"), max_length=100)
    duties = forms.CharField(label=_("岗位职责"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    wanted_background = forms.CharField(
        label=_("人选专业背景要求"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    places = forms.IntegerField(label=_("需求人数"), min_value=1, max_value=20, initial=1)
    term_months = forms.IntegerField(label=_("挂职期限（月）"), min_value=1, max_value=120, required=False,
                                     help_text=_("留空则按项目政策的期限。"))

    def __init__(self, *args, unit_ids, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(pk__in=unit_ids).order_by("name")
        self.fields["host_unit"].queryset = units
        if len(unit_ids) == 1:
            self.fields["host_unit"].initial = next(iter(unit_ids))
