"""Admin mixins for spreadsheet import and export, shared by every app.

``SpreadsheetImportAdminMixin`` is django-import-export's ``ImportMixin`` (upload → preview
of a dry run → confirm) with: the hostile-file checks on the upload form, one format (.xlsx
or .csv told apart by content), every problem listed as "第 N 行“列名”:原因", nothing
written unless every row passes, a template workbook to download, and a background import
for files over the web row limit. ``SpreadsheetExportAdminMixin`` adds an "导出 Excel" button
that exports the filtered changelist through ``xlsx_build``.

Permissions: the codes of ``IMPORT_EXPORT_IMPORT_PERMISSION_CODE`` / ``…EXPORT…`` ("import",
"export") give ``<app>.import_<model>`` and ``<app>.export_<model>``; the roles module
creates them and hands them out (programs.roles).

The confirm step never takes a file name from the browser: django-import-export posts back the
name of the preview's file in the temporary folder, which it would read, import and delete
whatever the name. Here the preview hands out a signed token naming the file, the user and the
model instead; the confirm step accepts only such a token, of this user's own preview of this
list, while its file is still there — anything else gets a Chinese message and nothing is read
or deleted.
"""

import os

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_permission_codename
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportMixin
from import_export.forms import ImportForm
from import_export.tmp_storages import TempFolderStorage

from .imports import import_job_create, import_summary
from .spreadsheets import SafeSpreadsheet, SpreadsheetRefused, spreadsheet_check, xlsx_response


def _upload_bytes(upload) -> bytes:
    limit = int(getattr(settings, "SPREADSHEET_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
    if upload.size > limit:
        # Refused before reading it into memory.
        raise forms.ValidationError(
            _("文件大小 %(size).1f MB，超过上限 %(limit).1f MB。")
            % {"size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    data = upload.read()
    upload.seek(0)
    return data


def upload_check(upload) -> None:
    """Form-level check of an upload: size, type by extension and content, bombs, DTDs, macros."""
    data = _upload_bytes(upload)
    try:
        spreadsheet_check(name=upload.name, data=data)
    except SpreadsheetRefused as exc:
        raise forms.ValidationError(exc.message) from None


class SpreadsheetImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].label = gettext_lazy("Excel 或 CSV 文件")
        self.fields["import_file"].help_text = gettext_lazy(
            "接受 .xlsx 和 .csv（UTF-8 或 GB18030 编码）；不接受含宏的工作簿。请使用下载的导入模板，身份证号列设为文本。"
        )
        self.fields["import_file"].widget.attrs["accept"] = ".xlsx,.csv"

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        upload_check(upload)
        return upload


class BackgroundImportForm(forms.Form):
    import_file = forms.FileField(label=gettext_lazy("Excel 或 CSV 文件"))

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        upload_check(upload)
        return upload


IMPORT_TOKEN_SALT = "core.import_admin.confirm"
IMPORT_TOKEN_MAX_AGE = 12 * 3600  # a preview waits half a day for its confirmation


def import_token_make(*, user, model, file_name: str) -> str:
    return signing.dumps(
        {"file": os.path.basename(file_name), "user": user.pk, "model": model._meta.label_lower}, salt=IMPORT_TOKEN_SALT
    )


class ImportTokenFormMixin:
    """The confirm form's ``import_file_name`` is a token (``import_token_make``); cleaning it
    gives the file's name only for the user and model the admin set on the class, and only
    while the file is still there (``import_file_exists``)."""

    import_token_user = None
    import_token_model = None
    import_file_exists = None
    REFUSED = gettext_lazy("预览已失效或不属于您，请重新上传文件。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file_name"].error_messages["required"] = self.REFUSED

    def clean_import_file_name(self):
        refused = forms.ValidationError(self.REFUSED, code="import_token")
        try:
            token = signing.loads(self.cleaned_data["import_file_name"], salt=IMPORT_TOKEN_SALT, max_age=IMPORT_TOKEN_MAX_AGE)
        except signing.BadSignature:  # forged, altered or expired
            raise refused from None
        if (
            not isinstance(token, dict)
            or token.get("user") != self.import_token_user.pk
            or token.get("model") != self.import_token_model._meta.label_lower
            or not token.get("file")
            or not self.import_file_exists(token["file"])  # confirmed already
        ):
            raise refused
        return token["file"]


def _has_permission(request, opts, setting: str, default: str) -> bool:
    code = getattr(settings, setting, default)
    if code is None:
        return request.user.is_active and request.user.is_staff
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(code, opts)}")


class SpreadsheetImportAdminMixin(ImportMixin):
    """Mix in before ``admin.ModelAdmin``; set ``resource_classes = [SomeServiceResource]``."""

    import_formats = [SafeSpreadsheet]
    import_form_class = SpreadsheetImportForm
    import_template_name = "admin/spreadsheets/import.html"
    import_export_change_list_template = "admin/spreadsheets/change_list.html"
    skip_admin_log = True  # one summary audit row per import instead of a log entry per row

    def has_import_permission(self, request):
        return _has_permission(request, self.opts, "IMPORT_EXPORT_IMPORT_PERMISSION_CODE", "import")

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"acting_user": request.user}

    # --- the confirm step: a token for this user's own preview, never a file name ------------

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["import_file_name"] = import_token_make(
                user=request.user, model=self.model, file_name=initial["import_file_name"]
            )
        return initial

    def get_confirm_form_class(self, request):
        form_class = super().get_confirm_form_class(request)
        attrs = {
            "import_token_user": request.user, "import_token_model": self.model,
            "import_file_exists": staticmethod(self._import_file_exists),
        }
        return type(form_class.__name__, (ImportTokenFormMixin, form_class), attrs)

    def _import_file_exists(self, name: str) -> bool:
        storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())
        if isinstance(storage, TempFolderStorage):
            return os.path.isfile(storage.get_full_path())
        return True

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            confirm_form = self.create_confirm_form(request)
            if not confirm_form.is_valid() and "import_file_name" in confirm_form.errors:
                # Nothing read, nothing deleted: back to the upload with the reason.
                messages.error(request, confirm_form.errors["import_file_name"][0])
                info = self.get_model_info()
                return HttpResponseRedirect(reverse("admin:%s_%s_import" % info, current_app=self.admin_site.name))
        return super().process_import(request, **kwargs)

    def get_urls(self):
        info = self.get_model_info()
        return [
            path("import/template/", self.admin_site.admin_view(self.import_template_view), name="%s_%s_import_template" % info),
            path("import/background/", self.admin_site.admin_view(self.import_background_view), name="%s_%s_import_background" % info),
        ] + super().get_urls()

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetRefused):
            message = e.message
            if e.extra.get("code") == "too_many_rows":
                message = _("%(message)s 请改用“后台导入”。") % {"message": message}
            form.add_error("import_file", message)
            return
        form.add_error("import_file", _("无法读取该文件，请确认是 .xlsx 或 .csv 文件。"))

    def _import_context(self, request, **extra):
        opts = self.model._meta
        info = self.get_model_info()
        return {
            **self.admin_site.each_context(request),
            "opts": opts,
            "template_url": reverse("admin:%s_%s_import_template" % info, current_app=self.admin_site.name),
            "background_url": reverse("admin:%s_%s_import_background" % info, current_app=self.admin_site.name),
            "web_row_limit": int(getattr(settings, "SPREADSHEET_IMPORT_MAX_ROWS", 20000)),
            **extra,
        }

    def get_import_context_data(self, **kwargs):
        return {"spreadsheet_import": True}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and not response.is_rendered:
            response.context_data.update(self._import_context(request, title=_("导入%(name)s") % {"name": self.opts.verbose_name}))
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirm: nothing was written.
            messages.error(request, _("导入未完成，没有写入任何数据："))
            context = self._import_context(request, title=_("导入%(name)s") % {"name": self.opts.verbose_name})
            context.update({"result": result, "form": None, "import_error_display": self.import_error_display})
            return TemplateResponse(request, [self.import_template_name], context)
        summary = import_summary(result)
        messages.success(
            request,
            _("导入完成：新增 %(new)d 条，更新 %(update)d 条，未变化跳过 %(skip)d 条。") % summary,
        )
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        pass  # process_result says it in Chinese with the counts

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0](acting_user=request.user)
        title = _("%(name)s导入模板") % {"name": self.opts.verbose_name}
        return xlsx_response(filename=f"{title}.xlsx", content=resource.template_workbook(title))

    def import_background_view(self, request):
        """Files over the web row limit: stored and imported by a background job."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = BackgroundImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            resource_class = self.get_import_resource_classes(request)[0]
            job = import_job_create(
                acting_user=request.user,
                importer=f"{resource_class.__module__}.{resource_class.__qualname__}",
                title=str(self.opts.verbose_name),
                upload=form.cleaned_data["import_file"],
            )
            messages.success(request, _("文件已提交后台导入，本页显示进度。"))
            return HttpResponseRedirect(reverse("admin:core_importjob_change", args=[job.pk], current_app=self.admin_site.name))
        context = self._import_context(
            request, title=_("后台导入%(name)s") % {"name": self.opts.verbose_name}, form=form,
            job_row_limit=int(getattr(settings, "SPREADSHEET_IMPORT_JOB_MAX_ROWS", 200000)),
        )
        return TemplateResponse(request, "admin/spreadsheets/background_import.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_import_permission(request):
            info = self.get_model_info()
            extra_context["import_template_url"] = reverse("admin:%s_%s_import_template" % info, current_app=self.admin_site.name)
        return super().changelist_view(request, extra_context)


class SpreadsheetExportAdminMixin:
    """An "导出 Excel" button exporting the filtered changelist. Set ``export_builder`` to a
    function ``(user=, queryset=) -> bytes`` and ``export_stem`` to the file name stem."""

    export_builder = None
    export_stem = ""
    change_list_template = "admin/spreadsheets/change_list.html"

    def has_export_permission(self, request):
        return _has_permission(request, self.opts, "IMPORT_EXPORT_EXPORT_PERMISSION_CODE", "export")

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "export/xlsx/", self.admin_site.admin_view(self.export_xlsx_view),
                name=f"{opts.app_label}_{opts.model_name}_export_xlsx",
            ),
        ] + super().get_urls()

    def export_queryset(self, request):
        """The changelist's rows with its filters and search: the scoped queryset narrowed."""
        try:
            return self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return self.get_queryset(request)

    def export_xlsx_view(self, request):
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        from django.utils import timezone

        content = type(self).export_builder(user=request.user, queryset=self.export_queryset(request))
        stem = self.export_stem or str(self.opts.verbose_name)
        return xlsx_response(filename=f"{stem}-{timezone.localdate():%Y%m%d}.xlsx", content=content)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_export_permission(request):
            opts = self.model._meta
            query = request.GET.urlencode()
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export_xlsx", current_app=self.admin_site.name)
            extra_context["export_xlsx_url"] = f"{url}?{query}" if query else url
        return super().changelist_view(request, extra_context)
