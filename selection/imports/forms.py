"""The candidate import's forms: the upload form and the confirm step carry the selection."""

from django import forms
from django.utils.translation import gettext_lazy
from import_export.forms import ConfirmImportForm

from core.import_admin import SpreadsheetImportForm


class _SelectionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.program)


class ApplicationImportForm(SpreadsheetImportForm):
    """Upload form with the selection the rows belong to: only selections the user manages
    that have been announced (``selections``, from the admin)."""

    selection = _SelectionField(
        label=gettext_lazy("选派工作"), queryset=None,
        help_text=gettext_lazy("只列出您管理的、已发布预告的选派工作；文件中的人选都登记到该选派工作。"),
    )
    field_order = ["selection", "resource", "import_file", "format"]

    def __init__(self, formats, resources, *, selections, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["selection"].queryset = selections
        self.order_fields(self.field_order)


class ApplicationConfirmImportForm(ConfirmImportForm):
    selection = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput())

    def __init__(self, *args, selections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selection"].queryset = selections
