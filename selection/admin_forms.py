"""The small forms the admin's step actions ask for (R7): dates, document numbers and reasons.
They validate input; the services decide and write (STYLE 2)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import application_eligibility


def _text(label, *, required=True, rows=3, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}))


class AnnounceForm(forms.Form):
    """R7 step 1: the announcement (预告)."""

    announced_on = forms.DateField(label=_("发布日期"))
    announcement_number = forms.CharField(label=_("预告文号"), max_length=100, required=False)
    apply_from = forms.DateField(label=_("报名开始日期"))
    apply_until = forms.DateField(label=_("报名截止日期"))
    scope_text = _text(_("选派范围"))
    standards = _text(_("选派条件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["announced_on"].initial = timezone.localdate()


class StepForm(forms.Form):
    """A step with a date and a note only (closing the demand survey)."""

    effective_date = forms.DateField(label=_("日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = timezone.localdate()


class NoticeForm(forms.Form):
    """R7 step 6: the public notice; the end defaults to the policy's working days (D3)."""

    start = forms.DateField(label=_("公示开始日期"))
    end = forms.DateField(
        label=_("公示结束日期"), required=False, help_text=_("留空则按项目政策的公示期（工作日，扣除节假日）计算。")
    )


class RecommendForm(forms.Form):
    """R7 step 3: the sending unit's leadership meeting and its report."""

    meeting_on = forms.DateField(label=_("党委（党组）会议日期"))
    report_text = _text(_("推荐报告"), rows=4)


class ShortlistForm(forms.Form):
    """R7 step 4 (D7): the department's meeting; a reason per ineligible candidate (R5) and,
    when too few eligible candidates exist, a reason for the shortfall."""

    meeting_on = forms.DateField(label=_("部务会日期"))
    document_number = forms.CharField(label=_("文号"), max_length=100)
    shortfall_reason = _text(
        _("人选不足的原因"), required=False, help_text=_("符合条件的人选少于差额比例要求时填写。")
    )

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.override_fields = {}
        for application in applications:
            failures = application_eligibility(application)
            if failures:
                name = f"override_{application.pk}"
                self.fields[name] = _text(
                    _("%(cadre)s 不符合：%(reasons)s。列为初步人选的理由") % {
                        "cadre": application.cadre.name, "reasons": "；".join(f.message for f in failures)},
                    required=False, rows=2,
                )
                self.override_fields[application.pk] = name

    def overrides(self) -> dict:
        return {pk: self.cleaned_data.get(name, "") for pk, name in self.override_fields.items()}


class DecideForm(forms.Form):
    """R7 step 5: the standing committee's decision, a post per chosen candidate."""

    meeting_on = forms.DateField(label=_("常委会日期"))
    document_number = forms.CharField(label=_("决定文号"), max_length=100)

    def __init__(self, *args, applications=(), posts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.post_fields = {}
        for application in applications:
            name = f"post_{application.pk}"
            self.fields[name] = forms.ModelChoiceField(
                label=_("%(cadre)s 的拟任岗位") % {"cadre": application.cadre.name},
                queryset=posts.filter(program_id=application.selection.program_id),
                initial=application.preferred_post_id,
            )
            self.post_fields[application.pk] = name

    def choices(self, applications) -> list:
        return [(a, self.cleaned_data[self.post_fields[a.pk]]) for a in applications]
