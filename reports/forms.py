"""Forms of the cadre's writing pages. They only shape the input: the rules (which sections,
lengths, states, file types) are the writing service's, so the autosave and the form agree."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Report
from .services.writing import SECTION_MAX_LENGTH, TITLE_MAX_LENGTH


class ReportDraftForm(forms.Form):
    """The title, the term-end form (term-end reports only) and one textarea per section."""

    title = forms.CharField(
        label=_("标题"), required=False, strip=True,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH, "data-autosave": "title", "autocomplete": "off"}),
        help_text=_("可不填；调研报告请写明题目。"),
    )
    term_end_form = forms.ChoiceField(
        label=_("报告形式"), required=False,
        choices=[("", _("请选择")), *Report.TermEndForm.choices],
        widget=forms.Select(attrs={"data-autosave": "term_end_form"}),
    )

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        if report.kind != Report.Kind.TERM_END:
            del self.fields["term_end_form"]
        for key, heading in report.sections:
            self.fields[f"section_{key}"] = forms.CharField(
                label=heading, required=False, strip=False,
                widget=forms.Textarea(attrs={
                    "rows": 10, "maxlength": SECTION_MAX_LENGTH, "data-autosave": f"sections.{key}",
                }),
            )
        for field in self.fields.values():
            # The service cleans control characters (NUL included) and checks lengths with a
            # message naming the section; the form's own validators would refuse first, less clearly.
            field.validators = []

    @classmethod
    def initial_for(cls, report: Report) -> dict:
        draft = report.draft or {}
        initial = {"title": report.title, "term_end_form": report.term_end_form}
        initial.update({f"section_{key}": draft.get(key, "") for key, _heading in report.sections})
        return initial

    @property
    def section_fields(self):
        return [self[f"section_{key}"] for key, _heading in self.report.sections]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "sections": {key: data.get(f"section_{key}", "") for key, _heading in self.report.sections},
            "title": data.get("title", ""),
        }
        if "term_end_form" in self.fields:
            kwargs["term_end_form"] = data.get("term_end_form", "")
        return kwargs


class ReportAttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("附件"), max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.jpg,.jpeg,.png"}),
        help_text=_("PDF、Word（.doc/.docx）或图片（.jpg/.png）。"),
        error_messages={"required": _("请选择要上传的文件。")},
    )
