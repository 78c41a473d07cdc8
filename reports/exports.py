"""The reports list as .xlsx (R12): the admin's filtered, scoped change list, one line per report
with its deadline state (待提交/按时提交/逾期提交/逾期未交). Text cells are formula-neutralised
and dates stay date cells (``core.spreadsheets.xlsx_build``)."""

from operator import attrgetter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import Column, xlsx_build

from .models import DeadlineState

REPORT_RELATED = ("placement__cadre__sending_unit", "placement__host_post__host_unit", "placement__program")


def deadline_state_label(report, today) -> str:
    state = report.deadline_state(today)
    return DeadlineState(state).label if state else ""


def reports_export(*, user, queryset) -> bytes:
    """书面报告: the reports of ``queryset`` (a scoped queryset); a fixed number of queries."""
    today = timezone.localdate()
    columns = [
        Column("姓名", lambda r: r.placement.cadre.name, width=10),
        Column("派出单位", lambda r: r.placement.cadre.sending_unit.name, width=28),
        Column("挂职单位", lambda r: r.placement.host_post.host_unit.name, width=28),
        Column("挂职项目", lambda r: str(r.placement.program), width=24),
        Column("报告", lambda r: r.label, width=24),
        Column("所属期间", attrgetter("period_text"), kind="text", width=26),
        Column("截止日期", lambda r: r.due_date, kind="date", width=12),
        Column("状态", lambda r: r.get_status_display(), width=8),
        Column("按期情况", lambda r: deadline_state_label(r, today), width=10),
        Column("首次提交时间", lambda r: r.first_submitted_at, width=17),
        Column("最近提交", lambda r: r.submitted_at, width=17),
        Column("版本数", lambda r: r.version_count, kind="number", width=8),
    ]
    rows = (
        queryset.select_related(*REPORT_RELATED)
        .annotate(version_count=Count("versions", distinct=True))
        .order_by("placement__cadre__name", "due_date", "id")
    )
    return xlsx_build(title=_("书面报告"), columns=columns, rows=rows.iterator(chunk_size=2000))
