"""Exports to .xlsx with Chinese headers (花名册, cadres, units, placements).

Rows come only from the scoped selectors (the admin's querysets are built on them). ID
numbers are text cells, masked unless ``selectors.can_see_full_id_number``; dates are date
cells; every text cell is formula-neutralised by ``core.spreadsheets.xlsx_build``.
The cadre and unit sheets use the import headers, so a full export can be edited and
imported again.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import Column, xlsx_build

from .. import selectors
from ..models import Cadre, Program


def _id_number(user):
    def value(cadre: Cadre) -> str:
        return cadre.id_number if selectors.can_see_full_id_number(user, cadre) else cadre.masked_id_number

    return value


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def cadre_columns(user, get=lambda row: row) -> list[Column]:
    """The cadre's columns; ``get`` finds the cadre in the row (a placement's, for rosters)."""
    id_number = _id_number(user)
    return [
        Column("姓名", lambda r: get(r).name, width=10),
        Column("性别", lambda r: get(r).get_gender_display(), width=6),
        Column("身份证号", lambda r: id_number(get(r)), kind="text", width=22),
        Column("出生日期", lambda r: get(r).birth_date, kind="date", width=12),
        Column("民族", lambda r: get(r).ethnicity, width=8),
        Column("籍贯", lambda r: get(r).native_place, width=12),
        Column("政治面貌", lambda r: get(r).get_political_status_display(), width=12),
        Column("入党时间", lambda r: get(r).party_joined_on, kind="date", width=12),
        Column("参加工作时间", lambda r: get(r).work_started_on, kind="date", width=12),
        Column("学历", lambda r: get(r).get_education_display(), width=10),
        Column("全日制", lambda r: _yes_no(get(r).full_time_education), width=8),
        Column("学位", lambda r: get(r).degree, width=8),
        Column("派出单位", lambda r: get(r).sending_unit.name, width=28),
        Column("现任职务", lambda r: get(r).current_post, width=20),
        Column("职级", lambda r: get(r).get_rank_display(), width=10),
        Column("领导职务", lambda r: _yes_no(get(r).is_leadership), width=8),
        Column("后备干部", lambda r: get(r).get_reserve_status_display(), width=12),
        Column("有基层工作经历", lambda r: _yes_no(get(r).has_grassroots_experience), width=8),
        Column("健康状况", lambda r: get(r).get_health_display(), width=8),
        Column("违纪违法记录", lambda r: get(r).conduct_record, width=16),
        Column("联系电话", lambda r: get(r).phone, kind="text", width=14),
    ]


def cadres_export(*, user, queryset) -> bytes:
    """干部名册: the cadres of ``queryset`` (a scoped queryset) with their managing department."""
    columns = cadre_columns(user) + [Column("管理组织部", lambda c: c.managing_department.name, width=18)]
    rows = queryset.select_related("sending_unit", "managing_department").order_by("name", "id")
    return xlsx_build(title=_("干部名册"), columns=columns, rows=rows.iterator(chunk_size=2000))


def units_export(*, user, queryset) -> bytes:
    columns = [
        Column("名称", lambda u: u.name, width=28),
        Column("层级", lambda u: u.get_level_display(), width=10),
        Column("类别", lambda u: u.get_kind_display(), width=12),
        Column("地区", lambda u: u.region, width=22),
        Column("上级单位", lambda u: u.parent.name if u.parent_id else "", width=24),
        Column("所属组织部", lambda u: u.department.name, width=18),
        Column("外地单位", lambda u: _yes_no(u.is_external), width=8),
        Column("市直综合部门", lambda u: _yes_no(u.is_comprehensive_department), width=8),
        Column("与经济工作、民生问题密切相关", lambda u: _yes_no(u.tied_to_economy), width=10),
        Column("工程项目数", lambda u: u.project_count, kind="number", width=10),
        Column("年信访量", lambda u: u.petition_volume, kind="number", width=10),
    ]
    rows = queryset.select_related("parent", "department").order_by("level", "region", "name")
    return xlsx_build(title=_("单位名册"), columns=columns, rows=rows.iterator(chunk_size=2000))


def _placement_columns(user, *, numbered: bool) -> list[Column]:
    id_number = _id_number(user)
    columns = [Column("序号", lambda p: p.sequence, kind="number", width=6)] if numbered else []
    return columns + [
        Column("姓名", lambda p: p.cadre.name, width=10),
        Column("性别", lambda p: p.cadre.get_gender_display(), width=6),
        Column("出生日期", lambda p: p.cadre.birth_date, kind="date", width=12),
        Column("身份证号", lambda p: id_number(p.cadre), kind="text", width=22),
        Column("政治面貌", lambda p: p.cadre.get_political_status_display(), width=12),
        Column("学历", lambda p: p.cadre.get_education_display(), width=10),
        Column("派出单位", lambda p: p.cadre.sending_unit.name, width=28),
        Column("现任职务", lambda p: p.cadre.current_post, width=20),
        Column("职级", lambda p: p.cadre.get_rank_display(), width=10),
        Column("挂职项目", lambda p: str(p.program), width=24),
        Column("挂职方式", lambda p: p.program.get_secondment_type_display(), width=8),
        Column("挂职单位", lambda p: p.host_post.host_unit.name, width=28),
        Column("挂任职务", lambda p: p.host_post.title, width=20),
        Column("计划开始日期", lambda p: p.planned_start, kind="date", width=12),
        Column("计划结束日期", lambda p: p.planned_end, kind="date", width=12),
        Column("实际到岗日期", lambda p: p.actual_start, kind="date", width=12),
        Column("实际结束日期", lambda p: p.actual_end, kind="date", width=12),
        Column("状态", lambda p: p.get_status_display(), width=8),
    ]


def _numbered(rows):
    for sequence, row in enumerate(rows, start=1):
        row.sequence = sequence
        yield row


_PLACEMENT_RELATED = ("cadre__sending_unit", "program", "host_post__host_unit")


def placements_export(*, user, queryset) -> bytes:
    """挂职安排: the placements of ``queryset`` (a scoped queryset)."""
    rows = queryset.select_related(*_PLACEMENT_RELATED).order_by("program__year", "program__name", "cadre__name", "id")
    return xlsx_build(title=_("挂职安排"), columns=_placement_columns(user, numbered=False), rows=rows.iterator(chunk_size=2000))


def program_roster_export(*, user, program: Program) -> bytes:
    """花名册 of a program: the placements the user may see, numbered, in post order."""
    placements = (
        selectors.placements_visible_to(user).filter(program=program).select_related(*_PLACEMENT_RELATED)
        .order_by("host_post__host_unit__name", "host_post__title", "cadre__name", "id")
    )
    return xlsx_build(
        title=_("花名册"), columns=_placement_columns(user, numbered=True), rows=_numbered(placements.iterator(chunk_size=2000))
    )


def export_filename(stem: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"
