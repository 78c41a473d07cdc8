"""Import resources: Chinese column headers, matched by natural key, checked by the services.

- Cadres (R3, D1) are matched by 身份证号; units (R2) by 地区 + 名称.
- A 派出单位 / 上级单位 / 所属组织部 is looked up by name among the rows the user manages
  (one query per import); anything else reads as "找不到…或无权管理".
"""

from django.utils.translation import gettext as _

from core.imports import (
    CachedLookupWidget,
    ChoiceWidget,
    CountWidget,
    DateWidget,
    ServiceResource,
    TextWidget,
    YesNoWidget,
    column,
)

from .. import selectors, services
from ..idnumber import id_number_normalize
from ..models import Cadre, OrgDepartment, Unit
from ..roles import user_scope


class IdNumberWidget(TextWidget):
    """An ID number must come from a text cell. A number cell has already lost digits in
    Excel (15 significant digits): it is turned into the scientific notation Excel shows,
    which ``validate_id_number`` refuses with the message that says so."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, (int, float)):
            return f"{float(value):.14E}"
        return id_number_normalize(super().clean(value, row, **kwargs))


def _managed_units_index(user) -> dict:
    """Units whose department is in the user's subtree (the sending units they may import
    cadres of), by name and by "地区/名称"."""
    scope = user_scope(user)
    units = Unit.objects.select_related("department")
    if not scope.is_superuser:
        if not scope.is_org_staff:
            return {}
        units = units.filter(department__path__startswith=scope.department_path)
    index: dict[str, list] = {}
    for unit in units:
        index.setdefault(unit.name, []).append(unit)
        index.setdefault(f"{unit.region}/{unit.name}", []).append(unit)
    return index


def _departments_index(user) -> dict:
    index: dict[str, list] = {}
    for department in selectors.departments_visible_to(user):
        index.setdefault(department.name, []).append(department)
    return index


C = Cadre


class CadreResource(ServiceResource):
    """干部信息导入 (R3). Birth date and gender may be left blank: they are read from the ID."""

    name = column("name", "姓名")
    gender = column("gender", "性别", ChoiceWidget(C.Gender.choices, required=False))
    id_number = column("id_number", "身份证号", IdNumberWidget())
    birth_date = column("birth_date", "出生日期", DateWidget())
    ethnicity = column("ethnicity", "民族", default="汉族")
    native_place = column("native_place", "籍贯")
    political_status = column("political_status", "政治面貌", ChoiceWidget(C.PoliticalStatus.choices))
    party_joined_on = column("party_joined_on", "入党时间", DateWidget())
    work_started_on = column("work_started_on", "参加工作时间", DateWidget())
    education = column("education", "学历", ChoiceWidget(C.Education.choices))
    full_time_education = column("full_time_education", "全日制", YesNoWidget(default=True))
    degree = column("degree", "学位")
    sending_unit = column(
        "sending_unit", "派出单位",
        CachedLookupWidget(index=_managed_units_index, not_found=_("找不到单位“%(value)s”，或您无权管理该单位的干部。")),
    )
    current_post = column("current_post", "现任职务")
    rank = column("rank", "职级", ChoiceWidget(C.Rank.choices))
    is_leadership = column("is_leadership", "领导职务", YesNoWidget())
    reserve_status = column("reserve_status", "后备干部", ChoiceWidget(C.Reserve.choices, required=False), default=C.Reserve.NONE)
    has_grassroots_experience = column("has_grassroots_experience", "有基层工作经历", YesNoWidget())
    health = column("health", "健康状况", ChoiceWidget(C.Health.choices, required=False), default=C.Health.HEALTHY)
    conduct_record = column("conduct_record", "违纪违法记录")
    phone = column("phone", "联系电话")

    required_columns = ("姓名", "身份证号", "政治面貌", "学历", "派出单位", "现任职务", "职级")
    key_column = "身份证号"
    text_columns = ("身份证号", "联系电话")
    date_columns = ("出生日期", "入党时间", "参加工作时间")
    example_row = {
        "姓名": "张三", "性别": "男", "身份证号": "140525198805170018", "出生日期": None, "民族": "汉族",
        "籍贯": "山西晋城", "政治面貌": "中共党员", "入党时间": None, "参加工作时间": None, "学历": "本科",
        "全日制": "是", "学位": "学士", "派出单位": "泽州县发展和改革局", "现任职务": "副科长", "职级": "副乡科级",
        "领导职务": "是", "后备干部": "否", "有基层工作经历": "否", "健康状况": "健康", "违纪违法记录": "",
        "联系电话": "13800000000",
    }

    class Meta(ServiceResource.Meta):
        model = Cadre
        name = _("干部信息")
        fields = (
            "name", "gender", "id_number", "birth_date", "ethnicity", "native_place", "political_status",
            "party_joined_on", "work_started_on", "education", "full_time_education", "degree", "sending_unit",
            "current_post", "rank", "is_leadership", "reserve_status", "has_grassroots_experience", "health",
            "conduct_record", "phone",
        )
        import_order = fields
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._forbidden: set[int] = set()

    def key_of_row(self, row):
        value = row.get("身份证号")
        if value is None or isinstance(value, (int, float)):
            return None  # a number cell is refused anyway; never match on it
        return id_number_normalize(str(value)) or None

    def existing_index(self, keys):
        cadres = Cadre.objects.filter(id_number__in=keys).select_related("managing_department", "sending_unit__department")
        return {cadre.id_number: cadre for cadre in cadres}

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if not new and not services.cadre_manageable_by(self.acting_user, instance):
            self._forbidden.add(id(instance))

    def row_errors(self, instance, *, is_new, skip):
        if id(instance) in self._forbidden:
            return {"id_number": _("该身份证号已登记在其他组织部管理的干部名下，您无权修改，请联系其管理组织部。")}
        return services.cadre_import_row_errors(acting_user=self.acting_user, cadre=instance, is_new=is_new, skip=skip)

    def persist(self, *, creates, updates, file_name):
        update_fields = [name for name in self._snapshot_names if name != "id_number"]
        return services.cadres_import(
            acting_user=self.acting_user, creates=creates, updates=updates, update_fields=update_fields,
            file_name=file_name,
        )


U = Unit


class UnitResource(ServiceResource):
    """单位信息导入 (R2). Matched by 地区 + 名称; the parent must already exist."""

    name = column("name", "名称")
    level = column("level", "层级", ChoiceWidget(U.Level.choices))
    kind = column("kind", "类别", ChoiceWidget(U.Kind.choices))
    region = column("region", "地区")
    parent = column(
        "parent", "上级单位",
        CachedLookupWidget(index=_managed_units_index, required=False, not_found=_("找不到单位“%(value)s”，或您无权管理。")),
    )
    department = column(
        "department", "所属组织部",
        CachedLookupWidget(index=_departments_index, not_found=_("找不到组织部“%(value)s”，或您无权管理。")),
    )
    is_external = column("is_external", "外地单位", YesNoWidget())
    is_comprehensive_department = column("is_comprehensive_department", "市直综合部门", YesNoWidget())
    tied_to_economy = column("tied_to_economy", "与经济工作、民生问题密切相关", YesNoWidget())
    project_count = column("project_count", "工程项目数", CountWidget())
    petition_volume = column("petition_volume", "年信访量", CountWidget())

    required_columns = ("名称", "层级", "类别", "地区", "所属组织部")
    key_column = "名称"
    example_row = {
        "名称": "泽州县巴公镇", "层级": "乡镇/街道", "类别": "乡镇/街道", "地区": "山西省晋城市泽州县", "上级单位": "",
        "所属组织部": "泽州县委组织部", "外地单位": "否", "市直综合部门": "否", "与经济工作、民生问题密切相关": "否",
        "工程项目数": 0, "年信访量": 0,
    }

    class Meta(ServiceResource.Meta):
        model = Unit
        name = _("单位信息")
        fields = (
            "name", "level", "kind", "region", "parent", "department", "is_external", "is_comprehensive_department",
            "tied_to_economy", "project_count", "petition_volume",
        )
        import_order = fields
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._original_departments: dict[int, OrgDepartment] = {}

    def key_of_row(self, row):
        name = str(row.get("名称") or "").strip()
        region = str(row.get("地区") or "").strip()
        return (region, name) if name and region else None

    def existing_index(self, keys):
        if not keys:
            return {}
        names = {name for _region, name in keys}
        units = Unit.objects.filter(name__in=names).select_related("department")
        return {(unit.region, unit.name): unit for unit in units if (unit.region, unit.name) in keys}

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if not new:
            self._original_departments[id(instance)] = instance.department

    def row_errors(self, instance, *, is_new, skip):
        return services.unit_import_row_errors(
            acting_user=self.acting_user, unit=instance, is_new=is_new,
            original_department=self._original_departments.get(id(instance)), skip=skip,
        )

    def persist(self, *, creates, updates, file_name):
        return services.units_import(
            acting_user=self.acting_user, creates=creates, updates=updates,
            update_fields=[name for name in self._snapshot_names if name not in ("name", "region")],
            file_name=file_name,
        )
