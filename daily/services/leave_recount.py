"""Leave when a year's holiday schedule arrives (D3, R11).

A request over a year with no schedule was counted with the days off by law only and marked
provisional. When the year is entered (``programs.holiday_schedule``), in the same transaction:

- requests still at their first step (待挂职单位审批) are recounted and re-routed — escalated,
  de-escalated or sent to the cadre's managing department as the new count says, or withdrawn
  when no working day is left — with a step saying why, and the host unit's approvers and the
  requester are told;
- requests past it (with the department, approved, returned) are not changed: when the count
  differs they are flagged for staff review (``schedule_review``, the admin filter
  "节假日安排公布后待复核") with the new count, and the department's staff are told; when it
  does not, the count is confirmed.

The threshold and the mode are the program's policy as it is now: the request is routed as it
would be if made today with the schedule known.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.notifications import notifications_close_topic, notify
from programs.roles import user_scope
from programs.selectors import department_staff_users

from ..exceptions import DailyAccessDenied, LeaveError
from ..models import LeaveRequest, LeaveStep
from .leave import (
    LeavePeriod,
    _ask_host,
    _locked,
    _move,
    _summary,
    days_text,
    leave_days_count,
    leave_days_provisional,
    leave_route,
    leave_topic,
)

S = LeaveRequest.Status
LATER_STATUSES = (S.PENDING_DEPARTMENT, S.APPROVED, S.RETURNED)


def leave_days_display(leave: LeaveRequest, *, short: bool = False) -> str:
    """The days as pages show them, with what is provisional or awaiting review; ``short`` for a
    list column, where the whole sentence would wrap down the row."""
    text = _("%(days)s 天") % {"days": days_text(leave.days)}
    if leave.schedule_review_days is not None and leave.schedule_review_days != leave.days:
        if short:
            return _("%(text)s（应为 %(days)s 天，待复核）") % {"text": text, "days": days_text(leave.schedule_review_days)}
        return _("%(text)s（按公布的节假日安排应为 %(days)s 天）") % {"text": text, "days": days_text(leave.schedule_review_days)}
    if leave.days_provisional:
        if short:
            return _("%(text)s（暂定）") % {"text": text}
        return _("%(text)s（暂按法定节假日计算，待国务院公布安排后核定）") % {"text": text}
    return text


def _touching(year: int):
    return LeaveRequest.objects.filter(start_date__lte=dt.date(year, 12, 31), end_date__gte=dt.date(year, 1, 1))


def _route_text(leave: LeaveRequest, threshold) -> str:
    if not leave.escalated:
        return _("在 %(threshold)s 天以内，由挂职单位审批") % {"threshold": days_text(threshold)}
    return _("超过 %(threshold)s 天，%(route)s") % {"threshold": days_text(threshold), "route": leave.route_text}


def _recount_first_step(*, acting_user, leave: LeaveRequest, year: int) -> bool:
    """Recount and re-route a request at its first step. Returns whether anything changed.

    Routed as ``leave_request_create`` routed it: with the earlier requests it joins (D3); a
    request made after it is routed on its own recount, and never reopens this one."""
    leave = _locked(leave)
    if leave.status != S.PENDING_HOST:
        return False
    policy = leave.placement.program.policy
    period = LeavePeriod.of(leave)
    route = leave_route(leave.placement, period, exclude=leave, earlier_only=True)
    days = route.days
    provisional = leave_days_provisional(period, counting=policy.leave_day_counting)
    combined = route.total_days if route.joined else None
    if (days, provisional, route.escalated, combined) == (leave.days, leave.days_provisional, leave.escalated, leave.combined_days):
        return False
    old_days = leave.days
    before = {"days": str(leave.days), "escalated": leave.escalated, "department": leave.department_id,
              "provisional": leave.days_provisional,
              "combined_days": days_text(leave.combined_days) if leave.combined_days is not None else None}
    heading = _("%(year)s年节假日安排已录入") % {"year": year}
    rerouted = days != leave.days or route.escalated != leave.escalated
    if rerouted:
        notifications_close_topic(topic=leave_topic(leave))
    if days <= 0:
        opinion = _("%(heading)s，所请日期均为节假日或休息日，无需请假，申请自动撤销。") % {"heading": heading}
        _move(acting_user=acting_user, leave=leave, to_status=S.CANCELLED, action=LeaveStep.Action.RECOUNT, opinion=opinion)
        _tell(leave, title=_("请假申请已自动撤销"), body=opinion)
        return True
    if route.escalated != leave.escalated:
        leave.escalation_mode, leave.department = route.mode, route.department
    changed_days = days != leave.days
    leave.days, leave.days_provisional, leave.escalated, leave.combined_days = days, provisional, route.escalated, combined
    leave.save(update_fields=["days", "days_provisional", "escalated", "escalation_mode", "department", "combined_days"])
    leave.joined_requests.set(route.joined)
    if changed_days:
        opinion = _("%(heading)s，请假天数由 %(old)s 天重新计算为 %(new)s 天；%(route)s。") % {
            "heading": heading, "old": days_text(old_days), "new": days_text(days),
            "route": _route_text(leave, policy.leave_threshold_days),
        }
    else:
        opinion = _("%(heading)s，请假天数 %(days)s 天经核定无变化。") % {"heading": heading, "days": days_text(days)}
    LeaveStep.objects.create(
        leave=leave, action=LeaveStep.Action.RECOUNT, from_status=S.PENDING_HOST, to_status=S.PENDING_HOST,
        opinion=opinion, actor=acting_user if getattr(acting_user, "pk", None) else None,
    )
    audit_record(
        actor=acting_user, action="leave_recount", target=leave,
        data={"year": year, "before": before,
              "after": {"days": str(days), "escalated": route.escalated, "department": leave.department_id,
                        "provisional": provisional,
                        "combined_days": days_text(combined) if combined is not None else None}},
    )
    if rerouted:
        _ask_host(leave, route)  # the approvers' request to act, with the new count and route
    if changed_days:
        _tell(leave, title=_("请假天数已按公布的节假日安排重新计算"), body=opinion)
    return True


def _tell(leave: LeaveRequest, *, title: str, body: str) -> None:
    notify(recipients=[leave.requested_by, leave.placement.cadre.user], title=title, body=body,
           url=reverse("daily:leave_detail", kwargs={"pk": leave.pk}))


def _flag_later(*, acting_user, leave: LeaveRequest, year: int) -> bool:
    """A request past its first step is not changed: a different count is flagged for review."""
    leave = _locked(leave)
    if leave.status not in LATER_STATUSES:
        return False
    policy = leave.placement.program.policy
    period = LeavePeriod.of(leave)
    days = leave_days_count(period, counting=policy.leave_day_counting)
    provisional = leave_days_provisional(period, counting=policy.leave_day_counting)
    if days == leave.days:
        if leave.days_provisional and not provisional:
            leave.days_provisional = False  # the count is confirmed; nothing to review
            leave.save(update_fields=["days_provisional"])
            audit_record(actor=acting_user, action="leave_recount", target=leave,
                         data={"year": year, "confirmed": str(days)})
        return False
    leave.schedule_review, leave.schedule_review_days = True, days
    leave.save(update_fields=["schedule_review", "schedule_review_days"])
    summary = _summary(leave)
    opinion = _("%(year)s年节假日安排已录入，按公布的安排应为 %(new)s 天（原按 %(old)s 天办理），请组织部复核。") % {
        "year": year, "new": days_text(days), "old": summary["days"],
    }
    LeaveStep.objects.create(
        leave=leave, action=LeaveStep.Action.RECOUNT, from_status=leave.status, to_status=leave.status,
        opinion=opinion, actor=acting_user if getattr(acting_user, "pk", None) else None,
    )
    audit_record(actor=acting_user, action="leave_schedule_review_flag", target=leave,
                 data={"year": year, "days": str(leave.days), "review_days": str(days), "status": leave.status})
    department_id = leave.department_id or leave.placement.cadre.managing_department_id
    notify(
        recipients=department_staff_users([department_id]),
        title=_("请复核：%(cadre)s 的请假天数（节假日安排公布后）") % summary,
        body=_("%(cadre)s %(start)s 至 %(end)s 的%(kind)s（%(status)s）原按 %(days)s 天办理。") % {
            **summary, "status": leave.get_status_display()} + opinion,
        url=reverse("admin:daily_leaverequest_change", args=[leave.pk]),
    )
    return True


def leaves_recount_for_year(*, acting_user, year: int) -> list[str]:
    """Listener of ``programs.holiday_schedule``: runs in the transaction that saves the year."""
    recounted = flagged = 0
    for leave in _touching(year).filter(status=S.PENDING_HOST).order_by("pk"):
        recounted += _recount_first_step(acting_user=acting_user, leave=leave, year=year)
    for leave in _touching(year).filter(status__in=LATER_STATUSES).order_by("pk"):
        flagged += _flag_later(acting_user=acting_user, leave=leave, year=year)
    lines = []
    if recounted:
        lines.append(_("重新计算了 %(count)d 件待挂职单位审批的请假。") % {"count": recounted})
    if flagged:
        lines.append(_("%(count)d 件已进入后续环节的请假天数有变化，已标为“节假日安排公布后待复核”。") % {"count": flagged})
    return lines


@transaction.atomic
def leave_schedule_review_done(*, acting_user, leave: LeaveRequest, opinion: str = "") -> LeaveRequest:
    """Staff have checked a request flagged after the schedule arrived (D3)."""
    from ..selectors import leave_requests_visible_to

    scope = user_scope(acting_user)
    if not (scope.is_superuser or scope.is_org_staff) or not leave_requests_visible_to(acting_user).filter(pk=leave.pk).exists():
        raise DailyAccessDenied(_("只有组织部工作人员可以复核请假天数。"))
    leave = _locked(leave)
    if not leave.schedule_review:
        raise LeaveError(_("该请假没有待复核的天数。"))
    leave.schedule_review = False
    leave.save(update_fields=["schedule_review"])
    opinion = (opinion or "").strip()
    LeaveStep.objects.create(
        leave=leave, action=LeaveStep.Action.SCHEDULE_REVIEW, from_status=leave.status, to_status=leave.status,
        opinion=opinion, actor=acting_user,
    )
    audit_record(actor=acting_user, action="leave_schedule_review", target=leave,
                 data={"days": str(leave.days), "review_days": str(leave.schedule_review_days), "opinion": opinion})
    return leave
