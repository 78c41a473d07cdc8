"""Candidate export (报名人选花名册, issue 3): the candidates of the changelist with their
eligibility (R5) and priority (R6).

Rows come only from the scoped admin queryset (``applications_visible_to``); ID numbers are
text cells, masked unless ``can_see_full_id_number``; the birth date is a date cell and the
priority score a number cell; every text cell is formula-neutralised by ``xlsx_build``.
Eligibility and priority are computed from ``APPLICATION_RELATED`` and the prefetched résumé,
so the export costs a fixed number of queries whatever the number of rows.
"""

from django.utils.translation import gettext as _

from core.spreadsheets import Column, xlsx_build
from programs.selectors import can_see_full_id_number

from .. import selectors


def _post(post) -> str:
    return f"{post.host_unit.name}/{post.title}" if post is not None else ""


def _eligibility(application) -> str:
    failures = application._failures
    return "；".join(failure.message for failure in failures) if failures else _("符合")


def _scored(rows):
    """Eligibility and priority once per row (several columns read them)."""
    for application in rows:
        application._failures = selectors.application_eligibility(application)
        application._priority = selectors.application_priority(application)
        yield application


def applications_export(*, user, queryset) -> bytes:
    """报名人选: the applications of ``queryset`` (a scoped queryset) in selection and name order."""

    def id_number(application) -> str:
        cadre = application.cadre
        return cadre.id_number if can_see_full_id_number(user, cadre) else cadre.masked_id_number

    columns = [
        Column("姓名", lambda a: a.cadre.name, width=10),
        Column("性别", lambda a: a.cadre.get_gender_display(), width=6),
        Column("出生日期", lambda a: a.cadre.birth_date, kind="date", width=12),
        Column("身份证号", id_number, kind="text", width=22),
        Column("派出单位", lambda a: a.cadre.sending_unit.name, width=28),
        Column("职级", lambda a: a.cadre.get_rank_display(), width=10),
        Column("学历", lambda a: a.cadre.get_education_display(), width=10),
        Column("报名方式", lambda a: a.get_source_display(), width=14),
        Column("状态", lambda a: a.get_status_display(), width=10),
        Column("志愿岗位", lambda a: _post(a.preferred_post) or _("服从组织安排"), width=28),
        Column("拟任岗位", lambda a: _post(a.chosen_post), width=28),
        Column("资格审查", _eligibility, width=40),
        Column("优先分", lambda a: a._priority.total, kind="number", width=8),
        Column("优先因素", lambda a: str(a._priority), width=40),
    ]
    rows = (
        queryset.select_related(*selectors.APPLICATION_RELATED)
        .prefetch_related("cadre__resume_entries")
        .order_by("selection__program__year", "selection__program__name", "cadre__name", "id")
    )
    return xlsx_build(title=_("报名人选"), columns=columns, rows=_scored(rows.iterator(chunk_size=2000)))
