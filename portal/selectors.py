"""Reads of the portal, always through the scoped selectors of the areas (D1, D6): the
placements a user reaches and how each reaches them, the host unit's figures, the per-row
flags of a cadre list, the user's own notifications and the placement's status moves."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Notification
from programs.models import Mentor, Placement, Unit
from programs.roles import user_scope
from programs.selectors import (
    placement_status_changes_visible_to,
    placements_visible_to,
)

from .timeline import TimelineEvent


@dataclass(frozen=True)
class Relation:
    """One way a user reaches placements: a home-page section and a filter choice."""

    key: str
    title: str
    condition: Q


@dataclass(frozen=True)
class Kpi:
    label: str
    value: int
    url: str = ""
    tone: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Flag:
    label: str
    tone: str = ""


RELATION_TITLES = {
    "host": gettext_lazy("本单位挂职干部"),
    "township": gettext_lazy("本乡镇所辖村挂职干部"),
    "sending": gettext_lazy("本单位派出的挂职干部"),
    "mentor": gettext_lazy("我帮带的挂职干部"),
    "mine": gettext_lazy("我的挂职"),
}


def placement_relations(user) -> list[Relation]:
    """How the user reaches placements through their unit roles (not as staff: staff work in
    the admin and see their subtree there), in the order the home page shows them."""
    scope = user_scope(user)
    relations = []
    if scope.host_unit_ids:
        relations.append(Relation("host", RELATION_TITLES["host"], Q(host_post__host_unit_id__in=scope.host_unit_ids)))
    if scope.township_unit_ids:
        relations.append(Relation("township", RELATION_TITLES["township"], Q(
            host_post__host_unit__parent_id__in=scope.township_unit_ids, host_post__host_unit__level=Unit.Level.VILLAGE,
        )))
    if scope.sending_unit_ids:
        relations.append(Relation("sending", RELATION_TITLES["sending"], Q(cadre__sending_unit_id__in=scope.sending_unit_ids)))
    if scope.is_mentor:
        relations.append(Relation("mentor", RELATION_TITLES["mentor"], Q(
            pk__in=Mentor.objects.filter(user_id=scope.user_id).values("placement_id")
        )))
    if scope.cadre_id:
        relations.append(Relation("mine", RELATION_TITLES["mine"], Q(cadre_id=scope.cadre_id)))
    return relations


def portal_placements(user) -> QuerySet[Placement]:
    """The user's placements for lists: open ones first, then the latest."""
    return (
        placements_visible_to(user)
        .select_related("cadre", "cadre__sending_unit", "host_post__host_unit", "program")
        .annotate(open_rank=Case(
            When(status=Placement.Status.ACTIVE, then=Value(0)),
            When(status=Placement.Status.PROPOSED, then=Value(1)),
            default=Value(2), output_field=IntegerField(),
        ))
        .order_by("open_rank", "-planned_start", "cadre__name", "pk")
    )


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)
    return start, end - dt.timedelta(days=1)


def host_unit_kpis(user, *, today: dt.date) -> list[Kpi]:
    """The host unit's figures (R9, R11, R13): cadres on post, leave waiting, overdue returns
    and this quarter's on-post checks. A fixed handful of counting queries."""
    from daily.models import Inspection, InspectionCheck, LeaveRequest
    from daily.selectors import (
        inspection_checks_visible_to,
        leave_requests_awaiting,
        leave_requests_overdue,
        leave_requests_visible_to,
    )

    scope = user_scope(user)
    units = scope.host_unit_ids
    in_units = Q(placement__host_post__host_unit_id__in=units)
    leave_list = reverse("daily:leave_list")
    on_post = placements_visible_to(user).filter(host_post__host_unit_id__in=units, status=Placement.Status.ACTIVE).count()
    if scope.host_approver_unit_ids:
        pending = leave_requests_awaiting(user).filter(in_units).count()
        pending_label = _("待我审批的请假")
    else:
        pending = leave_requests_visible_to(user).filter(in_units, status=LeaveRequest.Status.PENDING_HOST).count()
        pending_label = _("待审批的请假")
    overdue = leave_requests_overdue(leave_requests_visible_to(user).filter(in_units), today).count()
    start, end = quarter_bounds(today)
    checks = (
        inspection_checks_visible_to(user)
        .filter(in_units, inspection__date__range=(start, min(end, today)))
        .exclude(inspection__status=Inspection.Status.CANCELLED)
        .aggregate(total=Count("pk"), absent=Count("pk", filter=Q(result=InspectionCheck.Result.ABSENT)))
    )
    return [
        Kpi(_("在岗挂职干部"), on_post, reverse("portal:placement_list") + "?relation=host&status=active"),
        Kpi(pending_label, pending, leave_list + "?waiting=1", "warning" if pending else ""),
        Kpi(_("逾期未销假"), overdue, leave_list + "?overdue=1", "danger" if overdue else ""),
        Kpi(_("本季度查岗"), checks["total"], reverse("daily:check_list"), "danger" if checks["absent"] else "",
            _("其中不在岗 %(absent)s 人次") % {"absent": checks["absent"]}),
    ]


def placement_flags(user, placement_ids: list[int], *, today: dt.date) -> dict[int, list[Flag]]:
    """What stands out for each listed placement today: leave waiting, on leave, an overdue
    return, an absence found by a check this quarter. Two queries however many rows."""
    from daily.models import Inspection, InspectionCheck, LeaveRequest
    from daily.selectors import inspection_checks_visible_to, leave_requests_visible_to

    flags: dict[int, list[Flag]] = defaultdict(list)
    if not placement_ids:
        return flags
    S = LeaveRequest.Status
    leave_rows = leave_requests_visible_to(user).filter(
        placement_id__in=placement_ids, status__in=(S.PENDING_HOST, S.PENDING_DEPARTMENT, S.APPROVED),
    ).values_list("placement_id", "status", "start_date", "end_date")
    seen = set()
    for placement_id, status, start, end in leave_rows:
        if status in (S.PENDING_HOST, S.PENDING_DEPARTMENT):
            flag = Flag(_("请假待批"), "warning")
        elif end < today:
            flag = Flag(_("逾期未销假"), "danger")
        elif start <= today:
            flag = Flag(_("请假中"), "")
        else:
            continue
        if (placement_id, flag.label) not in seen:
            seen.add((placement_id, flag.label))
            flags[placement_id].append(flag)
    start, end = quarter_bounds(today)
    absent = (
        inspection_checks_visible_to(user)
        .filter(placement_id__in=placement_ids, result=InspectionCheck.Result.ABSENT, inspection__date__range=(start, end))
        .exclude(inspection__status=Inspection.Status.CANCELLED)
        .values_list("placement_id", flat=True).distinct()
    )
    for placement_id in absent:
        flags[placement_id].append(Flag(_("本季度查岗不在岗"), "danger"))
    return flags


# --- Notifications: only the user's own rows ----------------------------------------------------


def notifications_of(user) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each."""
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .annotate(is_unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
        .order_by("-is_unread", "-created_at", "-id")
    )


def notifications_unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


# --- Timeline -------------------------------------------------------------------------------------

STATUS_TONES = {
    Placement.Status.PROPOSED: "",
    Placement.Status.ACTIVE: "ok",
    Placement.Status.COMPLETED: "ok",
    Placement.Status.ENDED_EARLY: "danger",
    Placement.Status.RECALLED: "danger",
}


def placement_status_events(user, placement) -> list[TimelineEvent]:
    """The placement's own status moves (拟任 → 在岗 → 期满 …) for the per-cadre timeline."""
    events = []
    for change in placement_status_changes_visible_to(user).filter(placement_id=placement.pk).order_by("changed_at", "pk"):
        if change.from_status:
            title = _("%(from)s → %(to)s") % {
                "from": change.get_from_status_display(), "to": change.get_to_status_display()}
        else:
            title = _("确定为%(to)s") % {"to": change.get_to_status_display()}
        events.append(TimelineEvent(
            date=change.effective_date, category=_("挂职状态"), title=title, detail=change.note,
            tone=STATUS_TONES.get(change.to_status, ""),
        ))
    return events


def timeline_by_month(events: list[TimelineEvent]) -> list[tuple[dt.date, list[TimelineEvent]]]:
    """Events (newest first) grouped by calendar month, keeping their order."""
    months: list[tuple[dt.date, list[TimelineEvent]]] = []
    for event in events:
        month = event.date.replace(day=1)
        if not months or months[-1][0] != month:
            months.append((month, []))
        months[-1][1].append(event)
    return months


# The cadre's reports on the home page (R12): the next open ones by due date, then the latest submitted.
HOME_OPEN_REPORTS = 5
HOME_RECENT_REPORTS = 3


@dataclass(frozen=True)
class HomeReport:
    report: object
    deadline_label: str
    deadline_tone: str
    writable: bool


def cadre_home_reports(user, *, today: dt.date) -> list[HomeReport]:
    """The cadre's own reports for the home page: up to five still to write (未提交, 已退回) by due
    date, then up to three submitted or accepted, latest first. Two queries."""
    from reports.models import DeadlineState, Report
    from reports.selectors import reports_visible_to

    scope = user_scope(user)
    if not scope.cadre_id:
        return []
    S = Report.Status
    own = reports_visible_to(user).filter(placement__cadre_id=scope.cadre_id).select_related("placement")
    open_reports = list(own.filter(status__in=Report.WRITABLE_STATUSES).order_by("due_date", "pk")[:HOME_OPEN_REPORTS])
    recent = list(own.filter(status__in=(S.SUBMITTED, S.ACCEPTED)).order_by("-submitted_at", "-pk")[:HOME_RECENT_REPORTS])
    rows = []
    for report in open_reports + recent:
        state = report.deadline_state(today)
        rows.append(HomeReport(
            report=report,
            deadline_label=str(DeadlineState(state).label) if state else "",
            deadline_tone=DeadlineState(state).tone if state else "",
            writable=report.status in Report.WRITABLE_STATUSES,
        ))
    return rows
