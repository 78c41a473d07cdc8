"""Reads of supervision (violations, inspections, attendance, contacts, problems, R13).

Row scope comes from the ``*_visible_to`` selectors in ``daily.selectors``; this module adds what
is missing (quarterly tracking, months to confirm), the portal badge and the timeline.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.display import days_text
from portal.waiting import WaitingItem
from programs.models import Placement
from programs.roles import user_scope
from programs.selectors import placements_visible_to

from . import selectors
from .models import AttendanceMonth, Inspection, InspectionCheck, Problem


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1-4")
    start = dt.date(year, quarter * 3 - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, quarter * 3 + 1, 1)
    return start, end - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def inspections_missing(queryset: QuerySet[Placement], year: int, quarter: int) -> QuerySet[Placement]:
    """安丘 (R13, ``policy.quarterly_inspection``): placements on post during the quarter, of
    programs that ask for a tracking inspection each quarter, with no check in that quarter
    (a check of a cancelled inspection does not count)."""
    start, end = quarter_bounds(year, quarter)
    checked = InspectionCheck.objects.filter(
        placement=OuterRef("pk"), inspection__date__gte=start, inspection__date__lte=end,
    ).exclude(inspection__status=Inspection.Status.CANCELLED)
    return (
        queryset.filter(program__policy__quarterly_inspection=True, status=Placement.Status.ACTIVE, actual_start__lte=end)
        .filter(Q(actual_end__isnull=True) | Q(actual_end__gte=start))
        .exclude(Exists(checked))
    )


def _months(start: dt.date, end: dt.date):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


# Months older than this are history kept outside the system (e.g. the 2006 batch): not asked for.
ATTENDANCE_LOOKBACK_MONTHS = 12


def attendance_months_missing(placements: QuerySet[Placement], today: dt.date | None = None) -> list[tuple[Placement, dt.date]]:
    """Months of each placement's period before the current month with no confirmed attendance
    (杭州, ``policy.attendance_required``), within the last ``ATTENDANCE_LOOKBACK_MONTHS``.
    Two queries whatever the number of placements."""
    today = today or timezone.localdate()
    current = today.replace(day=1)
    horizon = current - relativedelta(months=ATTENDANCE_LOOKBACK_MONTHS)
    rows = list(
        placements.filter(program__policy__attendance_required=True, actual_start__isnull=False, actual_start__lt=current)
        .exclude(status=Placement.Status.PROPOSED)
        .filter(Q(actual_end__isnull=True) | Q(actual_end__gte=horizon))
        .select_related("cadre", "host_post__host_unit")
        .order_by("cadre__name", "pk")
    )
    confirmed = set(
        AttendanceMonth.objects.filter(placement__in=[p.pk for p in rows], confirmed_at__isnull=False)
        .values_list("placement_id", "month")
    )
    missing = []
    for placement in rows:
        end = min(placement.actual_end or placement.planned_end, current - dt.timedelta(days=1))
        for month in _months(max(placement.actual_start, horizon), end):
            if (placement.pk, month) not in confirmed:
                missing.append((placement, month))
    return missing


def host_placements(user) -> QuerySet[Placement]:
    """Placements at the host units where the user is approver or clerk (D6)."""
    scope = user_scope(user)
    return placements_visible_to(user).filter(host_post__host_unit_id__in=scope.host_unit_ids)


def waiting_items(user) -> list[WaitingItem]:
    """The supervision part of the portal badge: months to confirm for the host unit, open
    problems and missing quarterly inspections for staff. A few counting queries."""
    scope = user_scope(user)
    items = []
    if scope.host_unit_ids:
        missing = attendance_months_missing(host_placements(user))
        items.append(WaitingItem(_("待确认的月度考勤"), len(missing), reverse("daily:attendance_list")))
    if scope.is_org_staff:
        open_problems = selectors.problems_visible_to(user).filter(status=Problem.Status.OPEN).count()
        items.append(WaitingItem(
            _("待解决的干部反映问题"), open_problems, reverse("admin:daily_problem_changelist") + "?status__exact=open"
        ))
        year, quarter = quarter_of(timezone.localdate())
        missing = inspections_missing(placements_visible_to(user), year, quarter).count()
        items.append(WaitingItem(
            _("本季度尚未跟踪考察的挂职干部"), missing, reverse("admin:daily_inspection_quarterly_missing")
        ))
    return items


def timeline_events(user, placement) -> list:
    """Checks, violations, attendance months, problems and contacts of one placement, as far as
    the user may see them (the ``*_visible_to`` selectors)."""
    from portal.timeline import TimelineEvent

    staff = user.is_staff and user_scope(user).is_org_staff or user.is_superuser

    def admin_url(name: str, pk: int) -> str:
        return reverse(f"admin:daily_{name}_change", args=[pk]) if staff else ""

    events = []
    tones = {InspectionCheck.Result.ON_POST: "ok", InspectionCheck.Result.ABSENT: "danger",
             InspectionCheck.Result.ON_LEAVE: ""}
    checks = (
        selectors.inspection_checks_visible_to(user).filter(placement=placement)
        .exclude(inspection__status=Inspection.Status.CANCELLED).select_related("inspection")
        .order_by("-inspection__date")[:200]
    )
    for check in checks:
        events.append(TimelineEvent(
            date=check.inspection.date, category=_("巡查查岗"),
            title=_("%(kind)s：%(result)s") % {"kind": check.inspection.get_kind_display(), "result": check.get_result_display()},
            detail=check.absence_reason or check.notes, url=admin_url("inspection", check.inspection_id),
            tone=tones.get(check.result, ""),
        ))
    for violation in selectors.violations_visible_to(user).filter(placement=placement).order_by("-start_date")[:200]:
        events.append(TimelineEvent(
            date=violation.start_date, category=_("违规记录"),
            title=_("%(kind)s %(days)s 天") % {"kind": violation.get_kind_display(), "days": days_text(violation.days)},
            detail=violation.description, url=admin_url("violation", violation.pk), tone="danger",
        ))
    for row in selectors.attendance_months_visible_to(user).filter(placement=placement).order_by("-month")[:200]:
        events.append(TimelineEvent(
            date=row.month, category=_("月度考勤"),
            title=_("%(month)s 应出勤 %(working)s 天，请假 %(leave)s 天，擅离 %(absence)s 天") % {
                "month": f"{row.month:%Y-%m}", "working": days_text(row.working_days), "leave": days_text(row.leave_days),
                "absence": days_text(row.absence_days)},
            detail=_("已确认") if row.confirmed_at else _("未确认"), url=admin_url("attendancemonth", row.pk),
            tone="ok" if row.confirmed_at else "warning",
        ))
    for problem in selectors.problems_visible_to(user).filter(placement=placement).order_by("-raised_on")[:200]:
        events.append(TimelineEvent(
            date=problem.raised_on, category=_("反映问题"),
            title=_("%(category)s问题（%(status)s）") % {"category": problem.get_category_display(),
                                                     "status": problem.get_status_display()},
            detail=problem.description, url=admin_url("problem", problem.pk),
            tone="ok" if problem.status == Problem.Status.SOLVED else "warning",
        ))
    for contact in selectors.contacts_visible_to(user).filter(placement=placement).order_by("-date")[:200]:
        events.append(TimelineEvent(
            date=contact.date, category=contact.get_kind_display(),
            title=_("联系%(party)s：%(whom)s") % {"party": contact.get_party_display(), "whom": contact.with_whom},
            detail=contact.content, url=admin_url("contact", contact.pk),
        ))
    return events
