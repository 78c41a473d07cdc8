"""Scheduling the reports of a placement from its program's policy and its dates (R12, D5).

- Half-year reports per half-year of the placement from its start date, due
  ``half_year_due_days`` after each half-year ends. When the term ends within
  ``term_end_replaces_within_days`` of a half-year's end, the term-end report replaces it.
- Annual summaries per calendar year (年度考核 is by calendar year), due on
  ``annual_due_month``/``annual_due_day`` of the next year; the final, incomplete year is covered
  by the term-end report when there is one.
- Quarterly work reports per calendar quarter where the policy asks for them, due
  ``quarterly_due_days`` after the quarter; the final, incomplete quarter likewise.
- The term-end work or research report, due on the end date.

``reports_schedule`` reconciles what exists with that plan and can run any number of times:
reports not yet submitted follow the placement's dates (extension, early end); submitted ones
are never touched; an early end cancels what is not yet due, keeping the drafts.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from programs.models import Placement, PolicyFields

from ..models import Report

K = Report.Kind
S = Report.Status


@dataclass(frozen=True)
class PlannedReport:
    kind: str
    sequence: int
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date

    @property
    def key(self) -> tuple[str, dt.date]:
        return (self.kind, self.period_start)


@dataclass
class ScheduleResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    cancelled: list = field(default_factory=list)
    restored: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.cancelled or self.restored)


def placement_period(placement: Placement) -> tuple[dt.date, dt.date]:
    return placement.actual_start or placement.planned_start, placement.actual_end or placement.planned_end


def _day_of(year: int, month: int, day: int) -> dt.date:
    """The given day of the month, or its last day when the month is shorter (31 → 30 April)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def planned_reports(placement: Placement, policy: PolicyFields) -> list[PlannedReport]:
    """The reports a placement owes, from its policy and its dates (D5), in due-date order."""
    start, end = placement_period(placement)
    plan: list[PlannedReport] = []
    term_end = policy.term_end_report
    if policy.half_year_reports:
        index = sequence = 0
        while True:
            period_start = start + relativedelta(months=6 * index)
            if period_start > end:
                break
            period_end = min(start + relativedelta(months=6 * (index + 1)) - timedelta(days=1), end)
            index += 1
            if term_end and (end - period_end).days <= policy.term_end_replaces_within_days:
                continue  # the term-end report replaces a half-year report that ends within a month of it
            sequence += 1
            plan.append(PlannedReport(K.HALF_YEAR, sequence, period_start, period_end,
                                      period_end + timedelta(days=policy.half_year_due_days)))
    if policy.annual_summary:
        sequence = 0
        for year in range(start.year, end.year + 1):
            year_end = dt.date(year, 12, 31)
            if term_end and end < year_end:
                continue  # the final, incomplete year: the term-end report covers it
            sequence += 1
            plan.append(PlannedReport(
                K.ANNUAL, sequence, max(dt.date(year, 1, 1), start), min(year_end, end),
                _day_of(year + 1, policy.annual_due_month, policy.annual_due_day),
            ))
    if policy.quarterly_reports:
        sequence = 0
        quarter = _quarter_start(start)
        while quarter <= end:
            quarter_end = quarter + relativedelta(months=3) - timedelta(days=1)
            if not (term_end and end < quarter_end):
                sequence += 1
                plan.append(PlannedReport(K.QUARTERLY, sequence, max(quarter, start), min(quarter_end, end),
                                          quarter_end + timedelta(days=policy.quarterly_due_days)))
            quarter += relativedelta(months=3)
    if term_end:
        plan.append(PlannedReport(K.TERM_END, 1, start, end, end))
    if placement.status in (Placement.Status.ENDED_EARLY, Placement.Status.RECALLED):
        # D5: an early end cancels the reports not yet due by the day it ended.
        plan = [item for item in plan if item.due_date <= end]
    return sorted(plan, key=lambda item: (item.due_date, item.kind))


@transaction.atomic
def reports_schedule(*, placement: Placement, acting_user=None) -> ScheduleResult:
    """Bring the placement's reports in line with its plan. Idempotent.

    A proposed placement owes nothing yet. Reports never submitted follow the plan: created,
    moved (period, due date) or cancelled (the draft stays on the row); a cancelled report the
    plan needs again is restored. Submitted, returned and accepted reports are left as they are.
    """
    placement = (
        Placement.objects.select_for_update(of=("self",)).select_related("program__policy", "cadre").get(pk=placement.pk)
    )
    result = ScheduleResult()
    if placement.status == Placement.Status.PROPOSED:
        return result
    plan = {item.key: item for item in planned_reports(placement, placement.program.policy)}
    existing = {(report.kind, report.period_start): report for report in placement.reports.select_for_update()}
    for key, report in existing.items():
        item = plan.get(key)
        never_submitted = report.first_submitted_at is None
        if item is None:
            if never_submitted and report.status == S.PENDING:
                report.status = S.CANCELLED
                report.cancelled_reason = _("挂职时间变更，不再需要此报告")
                report.save(update_fields=["status", "cancelled_reason", "updated_at"])
                result.cancelled.append(report)
            continue
        if not never_submitted:
            continue
        changes = {
            name: value for name, value in (
                ("sequence", item.sequence), ("period_end", item.period_end), ("due_date", item.due_date),
            ) if getattr(report, name) != value
        }
        if report.status == S.CANCELLED:
            report.status = S.PENDING
            report.cancelled_reason = ""
            changes["status"] = S.PENDING
            result.restored.append(report)
        if changes:
            for name, value in changes.items():
                setattr(report, name, value)
            report.save()
            if report not in result.restored:
                result.updated.append(report)
    for key, item in plan.items():
        if key not in existing:
            result.created.append(Report.objects.create(
                placement=placement, kind=item.kind, sequence=item.sequence, period_start=item.period_start,
                period_end=item.period_end, due_date=item.due_date,
            ))
    if result.changed:
        audit_record(
            actor=acting_user, action="reports_schedule", target=placement,
            data={"created": len(result.created), "updated": len(result.updated),
                  "cancelled": len(result.cancelled), "restored": len(result.restored),
                  "at": timezone.now().isoformat()},
        )
    return result
