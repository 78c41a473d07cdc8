"""Candidate import (报名人选, R7 step 2): staff register the paper applications and unit
recommendations of ONE selection, chosen on the import form, from a spreadsheet.

- A row is matched by (selection, 身份证号): a cadre already registered with the same values is
  skipped, so re-importing a file changes nothing; a row that differs from the registered
  application is refused (the import never changes an application; the admin's steps do).
- The cadre is looked up by ID number among the cadres the user manages (one query); 姓名 is
  checked against the cadre record.
- New rows are checked by ``services.application_refusals``, the rules of ``application_create``
  (stage, window, mode, reach, post, written application), each refusal against its column.
"""

import datetime as dt
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.imports import ChoiceWidget, DateWidget, ServiceResource, TextWidget, _text, column
from core.spreadsheets import SpreadsheetRefused
from programs import services as program_services
from programs.idnumber import id_number_normalize, validate_id_number
from programs.imports.resources import IdNumberWidget
from programs.models import Cadre, HostPost

from .. import selectors, services
from ..models import Application, Selection

NO_PREFERENCE = "服从组织安排"
# The column a refusal of ``application_refusals`` is reported against; the stage is the file's.
_REFUSAL_FIELDS = {name: name for name in ("cadre", "source", "applied_on", "preferred_post", "statement")}
_SPACES = re.compile(r"\s+")


def _compact(text: str) -> str:
    return _SPACES.sub("", text)


class CadreByIdNumberWidget(IdNumberWidget):
    """The cadre a 身份证号 names, among the cadres the user manages (``index``, built by the
    resource with one query). Unknown and unmanaged read alike (D6)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.index: dict[str, Cadre] = {}

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            raise ValueError(_("不能为空。"))
        try:
            validate_id_number(text)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
        cadre = self.index.get(text)
        if cadre is None:
            raise ValueError(
                _("找不到身份证号为“%(value)s”的干部，或您无权管理该干部；请先在“干部”中登记。") % {"value": text}
            )
        return cadre

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.id_number


class HostPostWidget(TextWidget):
    """志愿岗位 as "挂职单位/岗位" (or separated by a space, or run together); blank or
    "服从组织安排" means no preference. Only the selected program's posts (``index``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.index: dict[str, HostPost] = {}

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text or text == NO_PREFERENCE:
            return None
        post = self.index.get(_compact(text.replace("/", "").replace("/", "")))
        if post is None:
            raise ValueError(
                _("本项目没有岗位“%(value)s”，请写作“挂职单位/岗位名称”，或留空表示服从组织安排。") % {"value": text}
            )
        return post

    def render(self, value, obj=None, **kwargs):
        return NO_PREFERENCE if value is None else f"{value.host_unit.name}/{value.title}"


A = Application


class ApplicationResource(ServiceResource):
    """报名人选导入. Construct with ``acting_user`` and ``selection`` (one the user manages);
    ``today`` only for tests."""

    cadre = column("cadre", "身份证号", CadreByIdNumberWidget())
    cadre_name = column("cadre_name", "姓名", readonly=True)
    source = column(
        "source", "报名方式", ChoiceWidget([(s, s.label) for s in services.application_import_sources()], required=False),
        default=A.Source.STAFF,
    )
    preferred_post = column("preferred_post", "志愿岗位", HostPostWidget())
    applied_on = column("applied_on", "报名日期", DateWidget())
    statement = column("statement", "申请书")

    required_columns = ("身份证号", "姓名")
    key_column = "身份证号"
    text_columns = ("身份证号",)
    date_columns = ("报名日期",)
    example_row = {
        "身份证号": "140525199006010012", "姓名": "张三", "报名方式": str(A.Source.STAFF.label),
        "志愿岗位": NO_PREFERENCE, "报名日期": None, "申请书": "本人自愿报名参加挂职锻炼……",
    }

    class Meta(ServiceResource.Meta):
        model = Application
        name = _("报名人选")
        fields = ("cadre", "cadre_name", "source", "preferred_post", "applied_on", "statement")
        import_order = fields
        export_order = fields

    def __init__(self, *, selection: Selection | None = None, today: dt.date | None = None, **kwargs):
        super().__init__(**kwargs)
        self.today = today or timezone.localdate()
        self.selection = None
        if selection is not None:
            self.selection = (
                selectors.selections_managed_by(self.acting_user)
                .select_related("program__organising_department", "program__policy")
                .filter(pk=selection.pk)
                .first()
            )
        self._row: dict = {}
        self._originals: dict[int, dt.date] = {}

    # --- matching -------------------------------------------------------------------------

    def key_of_row(self, row):
        value = row.get("身份证号")
        if value is None or isinstance(value, (int, float)):
            return None  # a number cell is refused anyway; never match on it
        return id_number_normalize(str(value)) or None

    def before_import(self, dataset, **kwargs):
        if self.selection is None:
            raise SpreadsheetRefused(_("请选择要导入报名人选的选派工作（须为您管理的、已发布预告的选派工作）。"))
        super().before_import(dataset, **kwargs)

    def existing_index(self, keys):
        keys = {key for key in keys if key}
        cadres = Cadre.objects.filter(id_number__in=keys).select_related("managing_department", "sending_unit__department")
        self.fields["cadre"].widget.index = {
            cadre.id_number: cadre for cadre in cadres if program_services.cadre_manageable_by(self.acting_user, cadre)
        }
        posts = HostPost.objects.filter(program=self.selection.program_id).select_related("host_unit")
        self.fields["preferred_post"].widget.index = {
            _compact(f"{post.host_unit.name}{post.title}"): post for post in posts
        }
        applications = Application.objects.filter(selection=self.selection, cadre__id_number__in=keys).select_related("cadre")
        return {application.cadre.id_number: application for application in applications}

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if not new:
            self._originals[id(instance)] = instance.applied_on

    def import_instance(self, instance, row, **kwargs):
        self._row = row
        super().import_instance(instance, row, **kwargs)

    # --- the rules ------------------------------------------------------------------------

    def row_errors(self, instance, *, is_new, skip):
        errors: dict[str, str] = {}
        cadre = instance.cadre if "cadre" not in skip and instance.cadre_id else None
        if cadre is not None:
            name = _text(self._row.get("姓名"))
            if not name:
                errors["cadre_name"] = _("不能为空。")
            elif _compact(name) != _compact(cadre.name):
                errors["cadre_name"] = _("“%(name)s”与该身份证号登记的干部姓名“%(cadre)s”不一致。") % {
                    "name": name, "cadre": cadre.name
                }
        if not is_new:
            return errors | self._existing_differences(instance, skip)
        if cadre is None or "source" in skip:
            return errors
        applied_on, refusals = services.application_refusals(
            acting_user=self.acting_user, selection=self.selection, cadre=cadre, source=instance.source,
            statement=instance.statement or "", preferred_post=instance.preferred_post,
            applied_on=instance.applied_on, today=self.today,
        )
        if "applied_on" not in skip:
            instance.applied_on = applied_on
        for name, error in refusals:
            if name in skip:
                continue
            errors.setdefault(_REFUSAL_FIELDS.get(name, NON_FIELD_ERRORS), str(error.message))
        return errors

    def _existing_differences(self, instance, skip) -> dict[str, str]:
        """An already registered cadre: the row must say what is registered (then it is skipped)."""
        original = self._originals[id(instance)]
        if instance.source == A.Source.UNIT or instance.applied_on is None or "applied_on" in skip:
            instance.applied_on = original  # a recommendation counts from its registration day
        snapshot = dict(zip(self._snapshot_names, self._snapshots[id(instance)]))
        changed = [
            self.column_of(field.attribute)
            for field in self.get_import_fields()
            if field.attribute and not field.readonly and field.attribute not in skip
            and snapshot[instance._meta.get_field(field.attribute).attname]
            != getattr(instance, instance._meta.get_field(field.attribute).attname)
        ]
        if not changed:
            return {}
        return {"cadre": _(
            "干部“%(cadre)s”已报名本次选派，本行的%(columns)s与已登记的报名不同；导入不修改已有报名，请在“报名人选”中办理。"
        ) % {"cadre": instance.cadre.name, "columns": "、".join(f"“{c}”" for c in changed)}}

    def persist(self, *, creates, updates, file_name):
        return services.applications_import(
            acting_user=self.acting_user, selection=self.selection, applications=creates, file_name=file_name,
            today=self.today,
        )
