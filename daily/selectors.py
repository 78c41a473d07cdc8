"""Reads of daily management, scoped by role (D1, D6): one ``<model>s_visible_to(user)`` per model,
plus who may act on what. Everyone who reaches a placement (programs.selectors.placement_filter)
sees its daily records; acting is narrower and checked by the services."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.waiting import WaitingItem
from programs.roles import user_scope
from programs.selectors import placement_filter

from .models import AttendanceMonth, Contact, Inspection, InspectionCheck, LeaveRequest, LeaveStep, Problem, Violation


def leave_requests_visible_to(user) -> QuerySet[LeaveRequest]:
    scope = user_scope(user)
    condition = placement_filter(scope, "placement__")
    if scope.is_org_staff:
        # The department a request was routed to keeps it even if the cadre's managing department changes later.
        condition |= Q(department__path__startswith=scope.department_path)
    return LeaveRequest.objects.filter(condition)


def leave_steps_visible_to(user) -> QuerySet[LeaveStep]:
    return LeaveStep.objects.filter(leave__in=leave_requests_visible_to(user))


def leave_requests_awaiting(user) -> QuerySet[LeaveRequest]:
    """Requests waiting for this user's decision: as host-unit approver, or as staff of the
    department a request was routed to (D1). Never the user's own requests."""
    scope = user_scope(user)
    S = LeaveRequest.Status
    condition = Q(pk__in=[])
    if scope.host_approver_unit_ids:
        condition |= Q(status=S.PENDING_HOST, placement__host_post__host_unit_id__in=scope.host_approver_unit_ids)
    if scope.department_id:
        condition |= Q(status=S.PENDING_DEPARTMENT, department_id=scope.department_id)
        condition |= Q(
            status__in=(S.APPROVED, S.RETURNED), escalated=True, escalation_mode="filing",
            filing_acknowledged_at__isnull=True, department_id=scope.department_id,
        )
    return LeaveRequest.objects.filter(condition).exclude(requested_by_id=scope.user_id)


def leave_requests_overdue(queryset: QuerySet[LeaveRequest], today: dt.date | None = None) -> QuerySet[LeaveRequest]:
    """Approved leave whose end has passed without a return report (销假) — shown as overdue (R11)."""
    today = today or timezone.localdate()
    return queryset.filter(status=LeaveRequest.Status.APPROVED, end_date__lt=today)


def leave_on(placement_id: int, day: dt.date) -> LeaveRequest | None:
    """The approved leave covering ``day`` for a placement, if any (R13: 请假中 is derived)."""
    S = LeaveRequest.Status
    return (
        LeaveRequest.objects.filter(placement_id=placement_id, start_date__lte=day)
        .filter(
            Q(status=S.APPROVED, end_date__gte=day)
            | Q(status=S.RETURNED, actual_return_date__gt=day)
            | Q(status=S.RETURNED, actual_return_date=day, actual_return_afternoon=True)
        )
        .order_by("start_date")
        .first()
    )


def violations_visible_to(user) -> QuerySet[Violation]:
    return Violation.objects.filter(placement_filter(user_scope(user), "placement__"))


def inspections_visible_to(user) -> QuerySet[Inspection]:
    """Staff see the inspections of their subtree; others see those that checked a placement they reach."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Inspection.objects.all()
    condition = Q(pk__in=InspectionCheck.objects.filter(placement_filter(scope, "placement__")).values("inspection_id"))
    if scope.is_org_staff:
        condition |= Q(department__path__startswith=scope.department_path)
    return Inspection.objects.filter(condition)


def inspection_checks_visible_to(user) -> QuerySet[InspectionCheck]:
    return InspectionCheck.objects.filter(placement_filter(user_scope(user), "placement__"))


def attendance_months_visible_to(user) -> QuerySet[AttendanceMonth]:
    return AttendanceMonth.objects.filter(placement_filter(user_scope(user), "placement__"))


def contacts_visible_to(user) -> QuerySet[Contact]:
    """Contact notes are the department's working records: staff only (R13)."""
    scope = user_scope(user)
    if not (scope.is_superuser or scope.is_org_staff):
        return Contact.objects.none()
    return Contact.objects.filter(placement_filter(scope, "placement__"))


def problems_visible_to(user) -> QuerySet[Problem]:
    return Problem.objects.filter(placement_filter(user_scope(user), "placement__"))


def waiting_items(user) -> list[WaitingItem]:
    """The daily-management part of the portal badge (portal.waiting)."""
    scope = user_scope(user)
    items = []
    if scope.host_approver_unit_ids or scope.department_id:
        awaiting = leave_requests_awaiting(user).count()
        items.append(WaitingItem(_("待审批的请假"), awaiting, reverse("daily:leave_list") + "?waiting=1"))
    if scope.cadre_id:
        to_return = leave_requests_overdue(
            LeaveRequest.objects.filter(placement__cadre_id=scope.cadre_id), timezone.localdate() + dt.timedelta(days=1)
        ).count()
        items.append(WaitingItem(_("待销假"), to_return, reverse("daily:leave_list") + "?status=approved"))
    return items


def timeline_events(user, placement) -> list:
    """Leave of the placement for the portal's per-cadre timeline."""
    from portal.timeline import TimelineEvent

    from .services.leave import days_text

    tones = {
        LeaveRequest.Status.APPROVED: "ok", LeaveRequest.Status.RETURNED: "ok",
        LeaveRequest.Status.REJECTED: "danger", LeaveRequest.Status.PENDING_HOST: "warning",
        LeaveRequest.Status.PENDING_DEPARTMENT: "warning",
    }
    events = []
    for leave in leave_requests_visible_to(user).filter(placement=placement).order_by("-start_date")[:200]:
        values = {"kind": leave.get_kind_display(), "days": days_text(leave.days), "status": leave.get_status_display(),
                  "start": leave.start_date.isoformat(), "end": leave.end_date.isoformat(), "late_reason": leave.late_reason}
        if leave.is_backdated:
            title = _("%(kind)s %(days)s 天（补假，%(status)s）") % values
            detail = _("%(start)s 至 %(end)s；补假原因：%(late_reason)s") % values
        else:
            title = _("%(kind)s %(days)s 天（%(status)s）") % values
            detail = _("%(start)s 至 %(end)s") % values
        events.append(TimelineEvent(
            date=leave.start_date, category=_("请销假"), title=title, detail=detail,
            url=reverse("daily:leave_detail", kwargs={"pk": leave.pk}), tone=tones.get(leave.status, ""),
        ))
    return events
