"""The spreadsheet import framework every app builds on (cadres, units; candidates later).

A ``ServiceResource`` is a django-import-export resource that never writes by itself:

1. every row is cleaned by the column widgets (Chinese labels → stored values, Excel
   ``datetime`` → ``date``, numeric ID cells refused) and then checked by the app's service
   rule function (``row_errors``): the same rules as the one-by-one service, returning
   ``{field: message}``, so each bad row is reported as "第 N 行“列名”:原因";
2. existing rows are matched by the resource's natural key from one prefetch query
   (``existing_index``) — never a query per row — and an unchanged row is skipped
   (``skip_unchanged`` works with ``skip_diff``: we keep our own snapshot of the values);
3. only when every row is valid and it is not a dry run, ``persist`` hands all new and
   changed instances to the app's bulk service in one transaction (all-or-nothing), which
   writes the history and a summary audit row.

Why not the library's defaults: they load each instance by a query, deep-copy it for the
diff and save row by row (36 s for 10,000 cadres on this machine); this path's confirm step
takes 3.3–4.2 s including reading the file and writing (docs/PERFORMANCE.md).
"""

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.fields import NOT_PROVIDED
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from .exceptions import ApplicationError
from .spreadsheets import SpreadsheetRefused

# --- widgets: one value of a cell → a model value -------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERNS = (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月?$"))


def _text(value) -> str:
    """A cell as text: numbers typed into a text column (phone numbers) lose the ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value).strip()


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DateWidget(widgets.Widget):
    """openpyxl gives a ``datetime`` for a date cell; the model holds a ``date``. Normalising
    here is what lets an unchanged re-import skip every row. Text dates are read in the ways
    Chinese users write them (2024-03-01, 2024/3/1, 2024.03.01, 2024年3月1日, 20240301, and
    2024.03 for the first of the month as résumés write it)."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # A date cell that lost its date format: Excel's serial day number.
            if 1 <= value < 2958466:
                from openpyxl.utils.datetime import from_excel

                return from_excel(value).date()
        text = _text(value)
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    return dt.date(*(int(part) for part in match.groups()))
                except ValueError:
                    break
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    return dt.date(int(match.group(1)), int(match.group(2)), 1)
                except ValueError:
                    break
        raise ValueError(_("“%(value)s”不是有效日期，请写作 2024-03-01。") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value


class ChoiceWidget(widgets.Widget):
    """A choice by its Chinese label (男, 本科, 副乡科级); the stored value is accepted too."""

    def __init__(self, choices, *, required: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.by_label = {str(label): value for value, label in choices}
        self.by_value = {str(value): value for value, _label in choices}
        self.labels = {value: str(label) for value, label in choices}
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError(_("不能为空。"))
            return None
        if text in self.by_label:
            return self.by_label[text]
        if text in self.by_value:
            return self.by_value[text]
        raise ValueError(
            _("“%(value)s”不是可选的值，应为：%(choices)s。") % {"value": text, "choices": "、".join(self.by_label)}
        )

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, "" if value is None else str(value))


class YesNoWidget(widgets.Widget):
    TRUE = {"是", "有", "√", "✓", "y", "yes", "true", "1"}
    FALSE = {"否", "无", "×", "n", "no", "false", "0"}

    def __init__(self, *, default: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if not text:
            return self.default
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("“%(value)s”应填“是”或“否”。") % {"value": _text(value)})

    def render(self, value, obj=None, **kwargs):
        return _("是") if value else _("否")


class CountWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or _text(value) == "":
            return 0
        try:
            number = Decimal(_text(value))
        except InvalidOperation:
            raise ValueError(_("“%(value)s”应为整数。") % {"value": _text(value)}) from None
        if number != number.to_integral_value() or number < 0:
            raise ValueError(_("“%(value)s”应为不小于 0 的整数。") % {"value": _text(value)})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class CachedLookupWidget(widgets.Widget):
    """A foreign key by name, looked up in a dictionary built by one query per import (the
    scoped rows the user may use). ``index(acting_user)`` returns ``{name: [objects]}``; a name
    that several objects share must be written as ``地区/名称``."""

    def __init__(self, *, index: Callable, not_found: str, required: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.index_builder = index
        self.not_found = not_found
        self.required = required
        self._index = None
        self.acting_user = None

    def bind(self, acting_user) -> None:
        self.acting_user = acting_user
        self._index = None

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError(_("不能为空。"))
            return None
        if self._index is None:
            self._index = self.index_builder(self.acting_user)
        found = self._index.get(text, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValueError(_("有多个名为“%(value)s”的单位，请写作“地区/名称”。") % {"value": text})
        raise ValueError(self.not_found % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def column(attribute: str, header: str, widget=None, **kwargs) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, widget=widget or TextWidget(), **kwargs)


# --- the resource ------------------------------------------------------------------------


def row_error_line(row_number: int, column_name: str, message: str) -> str:
    if column_name:
        return _("第 %(row)d 行“%(column)s”：%(message)s") % {"row": row_number, "column": column_name, "message": message}
    return _("第 %(row)d 行：%(message)s") % {"row": row_number, "message": message}


class ServiceResource(resources.ModelResource):
    """Base of every spreadsheet import. Subclasses declare their columns and implement
    ``key_of_row``, ``key_of_instance``, ``existing_index``, ``row_errors`` and ``persist``.

    Construct with ``acting_user``; ``progress`` (optional) is called as
    ``progress(done, total)`` every ``progress_every`` rows (background imports).
    """

    required_columns: tuple[str, ...] = ()
    key_column: str = ""
    progress_every = 500

    class Meta:
        use_bulk = True
        batch_size = None  # nothing is written row by row: persist() writes once, at the end
        skip_diff = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False
        use_transactions = True

    def __init__(self, *, acting_user=None, progress: Callable | None = None, **kwargs):
        super().__init__(**kwargs)
        self.acting_user = acting_user
        self.progress = progress
        for field in self.fields.values():
            if isinstance(field.widget, CachedLookupWidget):
                field.widget.bind(acting_user)
        self._existing: dict = {}
        self._snapshots: dict[int, tuple] = {}
        self._seen: dict = {}
        self._creates: list = []
        self._updates: list = []
        self._row_numbers: list[int] = []
        self._total = 0
        self.persisted: dict = {}

    # --- subclass hooks ------------------------------------------------------------------

    def key_of_row(self, row: dict):
        raise NotImplementedError

    def key_of_instance(self, instance):
        raise NotImplementedError

    def existing_index(self, keys: set) -> dict:
        """The existing rows with these keys, ``{key: instance}``, in one query."""
        raise NotImplementedError

    def row_errors(self, instance, *, is_new: bool, skip: set) -> dict[str, str]:
        """The service's rules for one row: ``{field name: Chinese message}``. ``skip`` names
        the fields whose cells already failed to read."""
        return {}

    def persist(self, *, creates: list, updates: list, file_name: str) -> dict:
        """Write everything through the app's bulk service; returns counts."""
        raise NotImplementedError

    # --- the flow ------------------------------------------------------------------------

    def snapshot_fields(self) -> list[str]:
        names = []
        for field in self.get_import_fields():
            if field.attribute and not field.readonly:
                model_field = self._meta.model._meta.get_field(field.attribute)
                names.append(model_field.attname)
        return names

    def column_of(self, attribute: str) -> str:
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        if attribute == NON_FIELD_ERRORS:
            return ""
        try:
            return str(self._meta.model._meta.get_field(attribute).verbose_name)
        except Exception:
            return attribute

    def sheet_row(self, index: int) -> int:
        """The row's number in the sheet (the header is row 1) from the dataset row index."""
        if 0 < index <= len(self._row_numbers):
            return self._row_numbers[index - 1]
        return index + 1

    def before_import(self, dataset, **kwargs):
        headers = [str(header or "").strip() for header in dataset.headers or []]
        missing = [name for name in self.required_columns if name not in headers]
        if missing:
            raise SpreadsheetRefused(_("缺少必填列：%(columns)s。请使用下载的导入模板。") % {"columns": "、".join(missing)})
        self._row_numbers = list(getattr(dataset, "row_numbers", None) or range(2, len(dataset) + 2))
        self._total = len(dataset)
        keys = set()
        for values in dataset:
            key = self.key_of_row(dict(zip(dataset.headers, values)))
            if key:
                keys.add(key)
        self._existing = self.existing_index(keys)
        self._snapshot_names = self.snapshot_fields()

    def get_or_init_instance(self, instance_loader, row):
        key = self.key_of_row(row)
        if key and key in self._seen:
            raise ValidationError(
                {self.key_field(): _("与第 %(row)d 行重复。") % {"row": self._seen[key]}}
            )
        instance = self._existing.get(key) if key else None
        if instance is not None:
            return instance, False
        return self.init_instance(row), True

    def key_field(self) -> str:
        for name, field in self.fields.items():
            if field.column_name == self.key_column:
                return field.attribute
        return NON_FIELD_ERRORS

    def after_init_instance(self, instance, new, row, **kwargs):
        key = self.key_of_row(row)
        if key:
            self._seen[key] = self.sheet_row(kwargs.get("row_number", 0))
        if not new:
            self._snapshots[id(instance)] = tuple(getattr(instance, name) for name in self._snapshot_names)

    def get_import_fields(self):
        # The library recomputes the list for every row; it never changes within an import.
        cached = self.__dict__.get("_import_fields")
        if cached is None:
            cached = self.__dict__["_import_fields"] = super().get_import_fields()
        return cached

    def import_instance(self, instance, row, **kwargs):
        """The library's field-by-field import, without its per-cell indirections (this loop
        runs for every cell of every row)."""
        errors: dict[str, list] = {}
        for field in self.get_import_fields():
            column_name = field.column_name
            if field.readonly or not field.attribute or column_name not in row:
                continue
            try:
                value = field.widget.clean(row[column_name], row=row)
            except ValueError as exc:
                errors[field.attribute] = [str(exc)]
                continue
            if value in field.empty_values and field.default is not NOT_PROVIDED:
                value = field.default() if callable(field.default) else field.default
            setattr(instance, field.attribute, value)
        is_new = id(instance) not in self._snapshots
        # The service's rules see only fields that were read cleanly.
        for name, message in self.row_errors(instance, is_new=is_new, skip=set(errors)).items():
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        snapshot = self._snapshots.get(id(instance))
        if snapshot is None:
            return False
        return snapshot == tuple(getattr(instance, name) for name in self._snapshot_names)

    def save_instance(self, instance, is_create, row, **kwargs):
        (self._creates if is_create else self._updates).append(instance)

    # The library's batch writes: nothing to do, persist() writes at the end.
    def bulk_create(self, *args, **kwargs):
        pass

    def bulk_update(self, *args, **kwargs):
        pass

    def bulk_delete(self, *args, **kwargs):
        pass

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number", 0)
        if self.progress and number % self.progress_every == 0:
            self.progress(number, self._total)

    def after_import(self, dataset, result, **kwargs):
        result.sheet_row_numbers = self._row_numbers
        result.error_lines = self.error_lines(result)
        if result.has_errors() or result.has_validation_errors():
            return  # all-or-nothing: one bad row and nothing is written
        if kwargs.get("dry_run"):
            return
        if self.progress:
            self.progress(self._total, self._total)
        self.persisted = self.persist(creates=self._creates, updates=self._updates, file_name=kwargs.get("file_name") or "")

    def error_lines(self, result) -> list[str]:
        """Every problem as one Chinese line: "第 5 行“身份证号”:…"."""
        lines = []
        for error in result.base_errors:
            exc = error.error
            lines.append(exc.message if isinstance(exc, ApplicationError) else str(exc))
        for index, errors in result.row_errors():
            for error in errors:
                exc = error.error
                message = exc.message if isinstance(exc, ApplicationError) else _("系统错误：%(error)s") % {"error": exc}
                lines.append(row_error_line(self.sheet_row(index), "", message))
        for invalid in result.invalid_rows:
            number = self.sheet_row(invalid.number)
            for name, messages in invalid.error_dict.items():
                for message in messages:
                    lines.append(row_error_line(number, self.column_of(name), str(message)))
        return lines

    # --- the template workbook -----------------------------------------------------------

    example_row: dict = {}
    text_columns: tuple[str, ...] = ()
    date_columns: tuple[str, ...] = ()

    def template_columns(self):
        from .spreadsheets import Column

        columns = []
        for field in self.get_import_fields():
            header = field.column_name
            kind = "text" if header in self.text_columns else "date" if header in self.date_columns else "auto"
            label = f"{header}*" if header in self.required_columns else header
            columns.append(Column(label, (lambda row, header=header: row.get(header)), kind=kind, width=max(12, len(header) * 3)))
        return columns

    def template_workbook(self, title: str) -> bytes:
        from .spreadsheets import xlsx_build

        return xlsx_build(title=title, columns=self.template_columns(), rows=[self.example_row])


def import_summary(result) -> dict:
    totals = result.totals
    return {
        "new": totals.get("new", 0),
        "update": totals.get("update", 0),
        "skip": totals.get("skip", 0),
        "invalid": totals.get("invalid", 0),
        "error": totals.get("error", 0),
        "total": result.total_rows,
    }


def web_row_limit() -> int:
    return int(getattr(settings, "SPREADSHEET_IMPORT_MAX_ROWS", 20000))


# --- background imports (ImportJob) --------------------------------------------------------


def _resource_class(importer: str):
    from django.utils.module_loading import import_string

    resource_class = import_string(importer)
    if not (isinstance(resource_class, type) and issubclass(resource_class, ServiceResource)):
        raise ValueError(f"{importer} is not a ServiceResource")
    return resource_class


def import_job_create(*, acting_user, importer: str, title: str, upload) -> "ImportJob":  # noqa: F821
    """Store an upload (already checked) and request its import through the job outbox."""
    from django.db import transaction

    from .audit import audit_record
    from .jobs import job_enqueue
    from .models import ImportJob

    _resource_class(importer)
    with transaction.atomic():
        job = ImportJob(importer=importer, title=title, original_name=upload.name[:255], created_by=acting_user)
        job.file.save(upload.name, upload, save=False)
        job.save()
        job_enqueue("core.spreadsheet_import", kwargs={"import_job_id": job.pk})
        audit_record(actor=acting_user, action="import_job_create", target=job, data={"file": job.original_name})
    return job


def import_job_run(*, import_job_id: int) -> None:
    """Run a stored import. Idempotent: a finished job is not run again; a job interrupted
    while running is run again from the start, which is safe because nothing is written
    until every row has passed and the write is one transaction (and an unchanged row is
    skipped anyway)."""
    from django.utils import timezone

    from .models import ImportJob
    from .spreadsheets import spreadsheet_read

    job = ImportJob.objects.select_related("created_by").filter(pk=import_job_id).first()
    if job is None or job.status in ImportJob.FINISHED:
        return
    jobs = ImportJob.objects.filter(pk=job.pk)
    jobs.update(status=ImportJob.Status.RUNNING, started_at=timezone.now(), processed_rows=0, errors=[])

    def finish(status, **values):
        jobs.update(status=status, finished_at=timezone.now(), **values)
        if job.file:
            job.file.delete(save=False)  # personal data: not kept once imported
            jobs.update(file="")

    try:
        with job.file.open("rb") as stream:
            data = stream.read()
        dataset = spreadsheet_read(
            name=job.original_name, data=data, max_rows=int(getattr(settings, "SPREADSHEET_IMPORT_JOB_MAX_ROWS", 200000))
        )
    except SpreadsheetRefused as exc:
        finish(ImportJob.Status.FAILED, errors=[str(exc.message)])
        return
    jobs.update(total_rows=len(dataset))

    def progress(done, total):
        jobs.update(processed_rows=done, total_rows=total)

    resource = _resource_class(job.importer)(acting_user=job.created_by, progress=progress)
    # No outer transaction: the progress updates are seen by the admin page as they happen;
    # the resource writes nothing until persist(), which is itself one transaction.
    result = resource.import_data(dataset, dry_run=False, use_transactions=False, file_name=job.original_name)
    summary = import_summary(result)
    if result.has_errors() or result.has_validation_errors():
        finish(ImportJob.Status.FAILED, processed_rows=len(dataset), errors=list(result.error_lines)[:2000],
               skipped_count=0)
        return
    finish(
        ImportJob.Status.DONE, processed_rows=len(dataset), created_count=summary["new"],
        updated_count=summary["update"], skipped_count=summary["skip"],
    )
