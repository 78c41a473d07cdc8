"""Leave (请销假, R11, D3): request, the host unit's decision, the department's approval or
filing, cancellation and the return report.

Routing is fixed when the request is made from the program's policy: up to
``leave_threshold_days`` (inclusive, D3) the host unit's approver decides; over it, after the
host unit's opinion, the request goes to the cadre's managing department (D1) — to approve
(``approval``, 晋城) or, in ``filing`` mode (安丘), the host unit's approval is final and the
department acknowledges the filing. A request is counted together with the requests it joins
(no working half day between them, D3), so splitting leave does not avoid the department; one
starting before the day it is made is 补假 and says why it is late. Each step is a
``LeaveStep`` row and an audit row; the person who must act next is notified, and the requester
hears only the final outcome.
"""

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.display import days_text
from core.notifications import notifications_close_topic, notify
from programs.calendar import _is_working, _overrides, years_without_schedule
from programs.models import OrgDepartment, Placement, PolicyFields, RoleAssignment
from programs.roles import user_scope
from programs.selectors import department_staff_users, unit_role_users

from ..exceptions import DailyAccessDenied, LeaveError
from ..models import LeaveRequest, LeaveStep

S = LeaveRequest.Status
HALF = Decimal("0.5")
# A leave request may be at most this long; longer absences are not leave but a change of placement.
MAX_LEAVE_CALENDAR_DAYS = 180


# --- Counting (D3) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LeavePeriod:
    """A period in half days: it starts on ``start`` (in the afternoon when ``start_afternoon``)
    and ends on ``end`` (at noon when ``end_noon``)."""

    start: dt.date
    end: dt.date
    start_afternoon: bool = False
    end_noon: bool = False

    @property
    def first_slot(self) -> int:
        return self.start.toordinal() * 2 + (1 if self.start_afternoon else 0)

    @property
    def last_slot(self) -> int:
        return self.end.toordinal() * 2 + (0 if self.end_noon else 1)

    def overlaps(self, other: "LeavePeriod") -> bool:
        return self.first_slot <= other.last_slot and other.first_slot <= self.last_slot

    @classmethod
    def of(cls, leave: LeaveRequest) -> "LeavePeriod":
        return cls(leave.start_date, leave.end_date, leave.start_afternoon, leave.end_noon)


def _day_counter(counting: str, start: dt.date, end: dt.date):
    """Whether a day between ``start`` and ``end`` counts as a day of leave (D3): every day when
    the policy counts calendar days, otherwise working days from the holiday table."""
    if counting == PolicyFields.DayCounting.CALENDAR:
        return lambda day: True
    overrides = _overrides(start, end)
    return lambda day: _is_working(day, overrides)


def leave_days_count(period: LeavePeriod, *, counting: str = PolicyFields.DayCounting.WORKING) -> Decimal:
    """Days of leave in a period (D3): working days from the holiday table by default, or
    calendar days; a half day at either end counts 0.5 when that day counts at all."""
    if period.last_slot < period.first_slot:
        return Decimal(0)
    counts = _day_counter(counting, period.start, period.end)
    total = Decimal(0)
    day = period.start
    while day <= period.end:
        if counts(day):
            total += 1
            if day == period.start and period.start_afternoon:
                total -= HALF
            if day == period.end and period.end_noon:
                total -= HALF
        day += timedelta(days=1)
    return total


def leave_days_provisional(period: LeavePeriod, *, counting: str = PolicyFields.DayCounting.WORKING) -> bool:
    """D3: working days over a year whose holiday schedule is not entered are counted with the
    days off by law only; the number is provisional until the schedule arrives (leave_recount)."""
    return counting == PolicyFields.DayCounting.WORKING and bool(years_without_schedule(period.start, period.end))


def days_provisional_note(leave: LeaveRequest) -> str:
    """The sentence a message quoting the days adds when they are provisional."""
    return _("天数暂按法定节假日计算，待国务院公布节假日安排后核定。") if leave.days_provisional else ""


def _period_check(period: LeavePeriod) -> None:
    if period.end < period.start:
        raise LeaveError(
            _("结束日期 %(end)s 早于开始日期 %(start)s。") % {"end": period.end.isoformat(), "start": period.start.isoformat()}
        )
    if period.end == period.start and period.start_afternoon and period.end_noon:
        raise LeaveError(_("同一天不能既从下午开始又在中午结束：半天假请只选其中一项。"))
    if (period.end - period.start).days + 1 > MAX_LEAVE_CALENDAR_DAYS:
        raise LeaveError(_("一次请假不能超过 %(days)s 天。") % {"days": MAX_LEAVE_CALENDAR_DAYS})


# --- Consecutive requests (D3) -----------------------------------------------------------------
# Requests with no working half day between them count together against the threshold, so
# splitting leave does not avoid the department. "Between" is read in half-day slots with the
# policy's own counting: a rest day (or, with calendar counting, nothing at all) may lie between.


def _taken_period(leave: LeaveRequest) -> LeavePeriod:
    """The slots a request holds: a reported-back one only up to its return."""
    if leave.status == S.RETURNED and leave.actual_return_date:
        return returned_period(leave)
    return LeavePeriod.of(leave)


def _taken_days(leave: LeaveRequest) -> Decimal:
    if leave.status == S.RETURNED and leave.actual_days is not None:
        return leave.actual_days
    return leave.days


def _adjoins(earlier: LeavePeriod, later: LeavePeriod, counts) -> bool:
    """No half day that would count as leave lies between ``earlier`` and ``later``."""
    return not any(counts(dt.date.fromordinal(slot // 2)) for slot in range(earlier.last_slot + 1, later.first_slot))


def leave_chain(placement: Placement, period: LeavePeriod, *, counting: str | None = None,
                exclude: LeaveRequest | None = None, earlier_only: bool = False) -> list[LeaveRequest]:
    """The placement's requests joined to ``period`` on either side, directly or through each
    other, with no working half day between (D3), in date order. Pending, approved and
    reported-back requests join (the last with the days actually taken); rejected and withdrawn
    ones hold no days and join nothing. ``exclude``: the request being routed, when it exists;
    ``earlier_only``: join only requests made before it (a request is routed with the ones it
    found when it was made; a later one never reopens it)."""
    if counting is None:
        counting = placement.program.policy.leave_day_counting
    others = placement.leave_requests.filter(status__in=LeaveRequest.HOLDING_STATUSES)
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
        if earlier_only:
            others = others.filter(pk__lt=exclude.pk)
    taken = [(_taken_period(other), other) for other in others]
    taken = [(held, other) for held, other in taken if held.last_slot >= held.first_slot]
    if not taken:
        return []
    counts = _day_counter(
        counting, min(period.start, *(held.start for held, _o in taken)), max(period.end, *(held.end for held, _o in taken))
    )
    before = sorted((pair for pair in taken if pair[0].last_slot < period.first_slot), key=lambda pair: -pair[0].last_slot)
    after = sorted((pair for pair in taken if pair[0].first_slot > period.last_slot), key=lambda pair: pair[0].first_slot)
    chain = []
    edge = period
    for held, other in before:
        if not _adjoins(held, edge, counts):
            break
        chain.append(other)
        edge = held
    edge = period
    for held, other in after:
        if not _adjoins(edge, held, counts):
            break
        chain.append(other)
        edge = held
    return sorted(chain, key=lambda leave: (leave.start_date, leave.pk))


@dataclass(frozen=True)
class LeaveRoute:
    """Where a request goes (R11, D3), fixed when it is made: its own days, the requests it
    joins and their total, and — over the threshold — the mode and the managing department (D1)."""

    days: Decimal
    joined: tuple = ()
    total_days: Decimal = Decimal(0)
    threshold: Decimal = Decimal(0)
    escalated: bool = False
    mode: str = ""
    department: OrgDepartment | None = None


def leave_route(placement: Placement, period: LeavePeriod, *, exclude: LeaveRequest | None = None,
                earlier_only: bool = False) -> LeaveRoute:
    """Count ``period`` and route it with the requests it joins (D3) under the program's policy."""
    policy = placement.program.policy
    days = leave_days_count(period, counting=policy.leave_day_counting)
    joined = tuple(leave_chain(placement, period, counting=policy.leave_day_counting, exclude=exclude,
                               earlier_only=earlier_only))
    total = days + sum((_taken_days(other) for other in joined), Decimal(0))
    escalated = total > policy.leave_threshold_days  # D3: "up to the threshold" includes it.
    return LeaveRoute(
        days=days, joined=joined, total_days=total, threshold=policy.leave_threshold_days, escalated=escalated,
        mode=policy.leave_escalation_mode if escalated else "",
        department=placement.cadre.managing_department if escalated else None,
    )


def _route_of(leave: LeaveRequest, threshold: Decimal) -> LeaveRoute:
    """The route a saved request was given."""
    joined = tuple(leave.joined_requests.order_by("start_date", "pk"))
    return LeaveRoute(
        days=leave.days, joined=joined, total_days=leave.combined_days if leave.combined_days is not None else leave.days,
        threshold=threshold, escalated=leave.escalated, mode=leave.escalation_mode, department=leave.department,
    )


# --- Texts ----------------------------------------------------------------------------------------


def period_text(leave: LeaveRequest) -> str:
    """"2026-06-10 至 2026-06-12 中午": the slots a request holds."""
    held = _taken_period(leave)
    return _("%(start)s 至 %(end)s") % {
        "start": _slot_label(held.start, held.start_afternoon, end=False), "end": _slot_label(held.end, held.end_noon, end=True),
    }


def leave_rule_text(*, policy, department) -> str:
    """The policy's routing rule as the leave form states it (R11, D3)."""
    values = {"threshold": days_text(policy.leave_threshold_days), "department": department.name}
    if policy.leave_escalation_mode == PolicyFields.EscalationMode.FILING:
        return _("%(threshold)s 天以内（含）由挂职单位审批；超过 %(threshold)s 天的请假挂职单位批准即生效，报%(department)s备案。") % values
    return _("%(threshold)s 天以内（含）由挂职单位审批；超过 %(threshold)s 天的请假经挂职单位同意后报%(department)s审批。") % values


def leave_chain_text(route: LeaveRoute) -> str:
    """"与 … 的请假连续，合计 5 天，超过 3 天，须经挂职单位同意后报……审批。" — empty when the
    request joins nothing."""
    if not route.joined:
        return ""
    values = {
        "others": "、".join(period_text(other) for other in route.joined), "total": days_text(route.total_days),
        "threshold": days_text(route.threshold), "department": route.department.name if route.department else "",
    }
    if not route.escalated:
        return _("与 %(others)s 的请假连续，合计 %(total)s 天，未超过 %(threshold)s 天，由挂职单位审批。") % values
    if route.mode == PolicyFields.EscalationMode.FILING:
        return _("与 %(others)s 的请假连续，合计 %(total)s 天，超过 %(threshold)s 天，挂职单位批准即生效，报%(department)s备案。") % values
    return _("与 %(others)s 的请假连续，合计 %(total)s 天，超过 %(threshold)s 天，须经挂职单位同意后报%(department)s审批。") % values


def leave_joined_text(leave: LeaveRequest) -> str:
    """"与 … 的请假连续，合计 5 天" for a request counted with others; empty otherwise."""
    if leave.combined_days is None:
        return ""
    others = "、".join(period_text(other) for other in leave.joined_requests.order_by("start_date", "pk"))
    return _("与 %(others)s 的请假连续，合计 %(total)s 天") % {"others": others, "total": days_text(leave.combined_days)}


def leave_submitted_text(leave: LeaveRequest, *, threshold: Decimal) -> str:
    """What the requester reads once the request is made."""
    values = {"days": days_text(leave.days), "threshold": days_text(threshold), "route": leave.route_text}
    values["counted"] = (_("补假，共 %(days)s 天") if leave.is_backdated else _("共 %(days)s 天")) % values
    if leave.combined_days is not None:
        return _("请假申请已提交（%(counted)s）。%(chain)s") % {**values, "chain": leave_chain_text(_route_of(leave, threshold))}
    if leave.escalated:
        return _("请假申请已提交（%(counted)s，超过 %(threshold)s 天），%(route)s。") % values
    return _("请假申请已提交（%(counted)s），等待挂职单位审批。") % values


def _placement_end(placement: Placement) -> dt.date:
    return placement.actual_end or placement.planned_end


def _slot_label(day: dt.date, afternoon: bool, end: bool) -> str:
    if end:
        return _("%(day)s 中午") % {"day": day.isoformat()} if afternoon else day.isoformat()
    return _("%(day)s 下午") % {"day": day.isoformat()} if afternoon else day.isoformat()


# --- Who ----------------------------------------------------------------------------------------


def host_approvers(placement: Placement):
    return unit_role_users(RoleAssignment.Role.HOST_APPROVER, [placement.host_post.host_unit_id])


def _is_requester(user, leave: LeaveRequest) -> bool:
    return user.pk is not None and (user.pk == leave.requested_by_id or user.pk == leave.placement.cadre.user_id)


def _ensure_not_requester(user, leave: LeaveRequest) -> None:
    if _is_requester(user, leave):
        raise DailyAccessDenied(_("不能审批本人的请假申请。"))


def _ensure_host_approver(user, leave: LeaveRequest) -> None:
    _ensure_not_requester(user, leave)
    scope = user_scope(user)
    if scope.is_superuser or leave.placement.host_post.host_unit_id in scope.host_approver_unit_ids:
        return
    raise DailyAccessDenied(_("只有挂职单位“%(unit)s”的审批人可以审批该请假。") % {"unit": leave.placement.host_post.host_unit})


def _ensure_department_staff(user, leave: LeaveRequest) -> None:
    """D1: the department the request was routed to (the cadre's managing department) decides."""
    _ensure_not_requester(user, leave)
    if leave.department_id is None:
        raise LeaveError(_("该请假在挂职单位审批权限内，不需要组织部审批或备案。"))
    scope = user_scope(user)
    if scope.is_superuser or scope.department_id == leave.department_id:
        return
    raise DailyAccessDenied(_("该请假应由“%(department)s”审批或备案。") % {"department": leave.department})


def _ensure_requester(user, leave: LeaveRequest) -> None:
    if not _is_requester(user, leave):
        raise DailyAccessDenied(_("只有请假的干部本人可以办理此事项。"))


# --- Links and messages --------------------------------------------------------------------------


def leave_topic(leave: LeaveRequest) -> str:
    return f"daily.leaverequest:{leave.pk}"


def _portal_url(leave: LeaveRequest) -> str:
    return reverse("daily:leave_detail", kwargs={"pk": leave.pk})


def _admin_url(leave: LeaveRequest) -> str:
    return reverse("admin:daily_leaverequest_change", args=[leave.pk])


def _summary(leave: LeaveRequest) -> dict:
    return {
        "cadre": leave.placement.cadre.name,
        "kind": leave.get_kind_display(),
        "start": _slot_label(leave.start_date, leave.start_afternoon, end=False),
        "end": _slot_label(leave.end_date, leave.end_noon, end=True),
        "days": days_text(leave.days),
        "unit": leave.placement.host_post.host_unit.name,
    }


def _tell_requester(leave: LeaveRequest, outcome: str, opinion: str) -> None:
    """The requester learns the outcome only at the final step (R11)."""
    body = _("您 %(start)s 至 %(end)s 的%(kind)s（%(days)s 天）%(outcome)s。") % {**_summary(leave), "outcome": outcome}
    body += days_provisional_note(leave)
    if opinion:
        body = _("%(body)s 意见：%(opinion)s") % {"body": body, "opinion": opinion}
    notify(
        recipients=[leave.requested_by, leave.placement.cadre.user],
        title=_("请假审批结果：%(outcome)s") % {"outcome": outcome}, body=body, url=_portal_url(leave),
    )


def _notes(leave: LeaveRequest) -> str:
    """What an approver must know at a glance, appended to a message's title."""
    notes = []
    if leave.is_backdated:
        notes.append(_("（补假）"))
    if leave.combined_days is not None:
        notes.append(_("（连续请假合计 %(total)s 天）") % {"total": days_text(leave.combined_days)})
    return "".join(notes)


def _late_note(leave: LeaveRequest, body: str) -> str:
    if not leave.is_backdated:
        return body
    return _("%(body)s属于补假，补假原因：%(late_reason)s") % {"body": body, "late_reason": leave.late_reason}


def _ask_host(leave: LeaveRequest, route: LeaveRoute) -> None:
    summary = {**_summary(leave), "notes": _notes(leave)}
    body = _("%(cadre)s 申请%(kind)s，%(start)s 至 %(end)s，共 %(days)s 天。") % summary
    if route.joined:
        body = _("%(body)s%(chain)s") % {"body": body, "chain": leave_chain_text(route)}
    body = _late_note(leave, body)
    notify(
        recipients=host_approvers(leave.placement).exclude(pk=leave.requested_by_id),
        title=_("请审批：%(cadre)s 请假 %(days)s 天%(notes)s") % summary,
        body=body + days_provisional_note(leave), url=_portal_url(leave), topic=leave_topic(leave),
    )


def _ask_department(leave: LeaveRequest, *, filing: bool) -> None:
    summary = {**_summary(leave), "notes": _notes(leave)}
    if filing:
        title = _("请备案：%(cadre)s 请假 %(days)s 天（挂职单位已批准）%(notes)s") % summary
    else:
        title = _("请审批：%(cadre)s 请假 %(days)s 天（挂职单位已签署意见）%(notes)s") % summary
    body = _("%(cadre)s（挂职单位：%(unit)s）申请%(kind)s，%(start)s 至 %(end)s，共 %(days)s 天。") % summary
    if leave.combined_days is not None:
        body = _("%(body)s%(joined)s。") % {"body": body, "joined": leave_joined_text(leave)}
    body = _late_note(leave, body)
    notify(
        recipients=department_staff_users([leave.department_id]).exclude(pk=leave.requested_by_id),
        title=title, body=body + days_provisional_note(leave), url=_admin_url(leave), topic=leave_topic(leave),
    )


# --- Moves ---------------------------------------------------------------------------------------


def _locked(leave: LeaveRequest) -> LeaveRequest:
    return (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("placement__cadre__user", "placement__host_post__host_unit", "placement__program__policy",
                        "department", "requested_by")
        .get(pk=leave.pk)
    )


def _move(*, acting_user, leave: LeaveRequest, to_status: str, action: str, opinion: str = "") -> LeaveRequest:
    current = S(leave.status)
    target = S(to_status)
    if target != current and target not in LeaveRequest.TRANSITIONS[current]:
        raise LeaveError(
            _("请假申请不能从“%(current)s”变为“%(target)s”。") % {"current": current.label, "target": target.label}
        )
    now = timezone.now()
    leave.status = target
    leave.status_changed_at = now
    if target in (S.APPROVED, S.REJECTED) and current in LeaveRequest.PENDING_STATUSES:
        leave.decided_at = now
    leave.save()
    LeaveStep.objects.create(
        leave=leave, action=action, from_status=current, to_status=target, opinion=opinion, actor=acting_user
    )
    audit_record(
        actor=acting_user, action=f"leave_{action}", target=leave,
        data={"from": current.value, "to": target.value, "opinion": opinion},
    )
    return leave


def _expect(leave: LeaveRequest, status: str, doing: str) -> None:
    if leave.status != status:
        raise LeaveError(
            _("该请假申请当前状态为“%(current)s”，不能%(doing)s。") % {"current": leave.get_status_display(), "doing": doing}
        )


def _request_check(
    *, acting_user, placement: Placement, kind: str, start_date: dt.date, end_date: dt.date,
    start_afternoon: bool, end_noon: bool, reason: str, late_reason: str, today: dt.date, lock: bool,
) -> tuple[Placement, LeavePeriod, LeaveRoute]:
    """Every refusal of a new request, then its route; writes nothing."""
    placements = Placement.objects.select_for_update(of=("self",)) if lock else Placement.objects
    placement = placements.select_related(
        "cadre__user", "cadre__managing_department", "program__policy", "host_post__host_unit"
    ).get(pk=placement.pk)
    if acting_user.pk is None or placement.cadre.user_id != acting_user.pk:
        raise DailyAccessDenied(_("只能为本人的挂职安排请假。"))
    if placement.status != Placement.Status.ACTIVE:
        raise LeaveError(
            _("挂职安排当前状态为“%(status)s”，只有在岗期间可以请假。") % {"status": placement.get_status_display()}
        )
    if kind not in LeaveRequest.Kind.values:
        raise LeaveError(_("未知的假别“%(kind)s”。") % {"kind": kind})
    if not reason:
        raise LeaveError(_("请填写请假事由。"))
    period = LeavePeriod(start_date, end_date, start_afternoon, end_noon)
    _period_check(period)
    placement_end = _placement_end(placement)
    # 补假 may reach back to the placement's first day, like any request.
    if start_date < placement.actual_start or end_date > placement_end:
        raise LeaveError(
            _("请假日期须在挂职期内（%(start)s 至 %(end)s）。")
            % {"start": placement.actual_start.isoformat(), "end": placement_end.isoformat()}
        )
    if start_date < today and not late_reason:
        raise LeaveError(
            _("开始日期 %(start)s 早于今天（%(today)s），属于补假，请填写补假原因。")
            % {"start": start_date.isoformat(), "today": today.isoformat()}
        )
    for other in placement.leave_requests.filter(
        status__in=LeaveRequest.HOLDING_STATUSES, start_date__lte=end_date, end_date__gte=start_date
    ):
        # A returned leave holds only the days up to the return.
        other_period = _taken_period(other)
        if period.overlaps(other_period):
            raise LeaveError(
                _("与已有的请假（%(start)s 至 %(end)s，%(status)s）时间重叠。")
                % {"start": _slot_label(other_period.start, other_period.start_afternoon, end=False),
                   "end": _slot_label(other_period.end, other_period.end_noon, end=True),
                   "status": other.get_status_display()}
            )
    route = leave_route(placement, period)
    if route.days <= 0:
        raise LeaveError(_("所选日期均为休息日或节假日，无需请假。"))
    return placement, period, route


def leave_request_preview(
    *, acting_user, placement: Placement, kind: str, start_date: dt.date, end_date: dt.date,
    start_afternoon: bool = False, end_noon: bool = False, reason: str, late_reason: str = "",
    today: dt.date | None = None,
) -> LeaveRoute:
    """What ``leave_request_create`` would do, without doing it: the same refusals, or the
    route — so the cadre learns before submitting that the request joins others (D3)."""
    _placement, _period, route = _request_check(
        acting_user=acting_user, placement=placement, kind=kind, start_date=start_date, end_date=end_date,
        start_afternoon=start_afternoon, end_noon=end_noon, reason=(reason or "").strip(),
        late_reason=(late_reason or "").strip(), today=today or timezone.localdate(), lock=False,
    )
    return route


@transaction.atomic
def leave_request_create(
    *, acting_user, placement: Placement, kind: str, start_date: dt.date, end_date: dt.date,
    start_afternoon: bool = False, end_noon: bool = False, reason: str, late_reason: str = "",
    today: dt.date | None = None,
) -> LeaveRequest:
    """The cadre requests leave (R11). Refused with the reason: dates outside the placement,
    overlap with another request, nothing to count (only rest days), a missing reason, or — for
    a request starting before ``today`` (补假) — a missing reason for the late request.

    Routed with the requests it joins (D3): over the threshold together, it goes on to the
    managing department; the requests it joins keep their own route and state."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    late_reason = (late_reason or "").strip()
    # The placement row is locked so two requests of one cadre are routed one after the other.
    placement, period, route = _request_check(
        acting_user=acting_user, placement=placement, kind=kind, start_date=start_date, end_date=end_date,
        start_afternoon=start_afternoon, end_noon=end_noon, reason=reason, late_reason=late_reason, today=today,
        lock=True,
    )
    backdated = start_date < today
    leave = LeaveRequest.objects.create(
        placement=placement, kind=kind, start_date=start_date, start_afternoon=start_afternoon,
        end_date=end_date, end_noon=end_noon, days=route.days,
        days_provisional=leave_days_provisional(period, counting=placement.program.policy.leave_day_counting),
        reason=reason, status=S.PENDING_HOST,
        is_backdated=backdated, late_reason=late_reason if backdated else "",
        escalated=route.escalated, escalation_mode=route.mode, department=route.department,
        combined_days=route.total_days if route.joined else None,
        requested_by=acting_user, status_changed_at=timezone.now(),
    )
    # Joined requests are only referred to: an earlier one keeps its route and state.
    leave.joined_requests.set(route.joined)
    LeaveStep.objects.create(leave=leave, action=LeaveStep.Action.SUBMIT, to_status=S.PENDING_HOST, opinion=reason, actor=acting_user)
    audit_record(
        actor=acting_user, action="leave_submit", target=leave,
        data={"days": str(route.days), "days_provisional": leave.days_provisional, "escalated": route.escalated,
              "mode": leave.escalation_mode, "department": leave.department_id, "threshold": days_text(route.threshold),
              "combined_days": days_text(route.total_days) if route.joined else None,
              "joined": [other.pk for other in route.joined],
              "backdated": backdated, "late_reason": leave.late_reason},
    )
    _ask_host(leave, route)
    return leave


@transaction.atomic
def leave_host_decide(*, acting_user, leave: LeaveRequest, approve: bool, opinion: str = "") -> LeaveRequest:
    """The host unit's approver decides (≤ threshold) or gives its opinion (> threshold)."""
    leave = _locked(leave)
    _ensure_host_approver(acting_user, leave)
    _expect(leave, S.PENDING_HOST, _("由挂职单位审批"))
    opinion = (opinion or "").strip()
    notifications_close_topic(topic=leave_topic(leave))
    if not approve:
        if not opinion:
            raise LeaveError(_("不同意请假时请填写意见。"))
        _move(acting_user=acting_user, leave=leave, to_status=S.REJECTED, action=LeaveStep.Action.HOST_REJECT, opinion=opinion)
        _tell_requester(leave, _("未获挂职单位批准"), opinion)
        return leave
    if leave.escalated and leave.escalation_mode == PolicyFields.EscalationMode.APPROVAL:
        _move(acting_user=acting_user, leave=leave, to_status=S.PENDING_DEPARTMENT,
              action=LeaveStep.Action.HOST_APPROVE, opinion=opinion)
        _ask_department(leave, filing=False)
        return leave
    _move(acting_user=acting_user, leave=leave, to_status=S.APPROVED, action=LeaveStep.Action.HOST_APPROVE, opinion=opinion)
    if leave.is_filing:
        _ask_department(leave, filing=True)
    _tell_requester(leave, _("已获批准"), opinion)
    return leave


@transaction.atomic
def leave_department_decide(*, acting_user, leave: LeaveRequest, approve: bool, opinion: str = "") -> LeaveRequest:
    """The managing department approves or refuses a request over the threshold (approval mode)."""
    leave = _locked(leave)
    _ensure_department_staff(acting_user, leave)
    _expect(leave, S.PENDING_DEPARTMENT, _("由组织部审批"))
    opinion = (opinion or "").strip()
    if not approve and not opinion:
        raise LeaveError(_("不批准请假时请填写意见。"))
    notifications_close_topic(topic=leave_topic(leave))
    if approve:
        _move(acting_user=acting_user, leave=leave, to_status=S.APPROVED,
              action=LeaveStep.Action.DEPARTMENT_APPROVE, opinion=opinion)
        outcome = _("已获组织部批准")
    else:
        _move(acting_user=acting_user, leave=leave, to_status=S.REJECTED,
              action=LeaveStep.Action.DEPARTMENT_REJECT, opinion=opinion)
        outcome = _("未获组织部批准")
    _tell_requester(leave, outcome, opinion)
    notify(
        recipients=host_approvers(leave.placement),
        title=_("%(cadre)s 的请假%(outcome)s") % {**_summary(leave), "outcome": outcome},
        body=_("%(start)s 至 %(end)s，共 %(days)s 天。") % _summary(leave) + days_provisional_note(leave), url=_portal_url(leave),
    )
    return leave


@transaction.atomic
def leave_filing_acknowledge(*, acting_user, leave: LeaveRequest, opinion: str = "") -> LeaveRequest:
    """Filing mode (安丘, D3): the department acknowledges a request the host unit approved."""
    leave = _locked(leave)
    _ensure_department_staff(acting_user, leave)
    if not leave.awaits_filing_acknowledgement:
        if leave.is_filing and leave.filing_acknowledged_at:
            raise LeaveError(_("该请假已于 %(when)s 备案。") % {"when": f"{timezone.localtime(leave.filing_acknowledged_at):%Y-%m-%d %H:%M}"})
        raise LeaveError(_("该请假不需要组织部备案，或挂职单位尚未批准。"))
    leave.filing_acknowledged_at = timezone.now()
    leave.save(update_fields=["filing_acknowledged_at"])
    LeaveStep.objects.create(
        leave=leave, action=LeaveStep.Action.FILING_ACKNOWLEDGE, from_status=leave.status, to_status=leave.status,
        opinion=(opinion or "").strip(), actor=acting_user,
    )
    audit_record(actor=acting_user, action="leave_filing_acknowledge", target=leave, data={"opinion": opinion})
    notifications_close_topic(topic=leave_topic(leave))
    return leave


@transaction.atomic
def leave_cancel(*, acting_user, leave: LeaveRequest, reason: str = "", today: dt.date | None = None) -> LeaveRequest:
    """The requester withdraws a pending request, or an approved one before it starts."""
    leave = _locked(leave)
    _ensure_requester(acting_user, leave)
    today = today or timezone.localdate()
    if leave.status == S.APPROVED and leave.start_date <= today:
        raise LeaveError(_("请假已于 %(start)s 开始，不能撤销，请在返岗后销假。") % {"start": leave.start_date.isoformat()})
    if S.CANCELLED not in LeaveRequest.TRANSITIONS[S(leave.status)]:
        raise LeaveError(_("该请假申请当前状态为“%(current)s”，不能撤销。") % {"current": leave.get_status_display()})
    was = leave.status
    notifications_close_topic(topic=leave_topic(leave))
    _move(acting_user=acting_user, leave=leave, to_status=S.CANCELLED, action=LeaveStep.Action.CANCEL, opinion=(reason or "").strip())
    if was == S.APPROVED or was == S.PENDING_DEPARTMENT:
        notify(
            recipients=host_approvers(leave.placement),
            title=_("%(cadre)s 已撤销请假") % _summary(leave),
            body=_("%(start)s 至 %(end)s，共 %(days)s 天。") % _summary(leave) + days_provisional_note(leave), url=_portal_url(leave),
        )
    return leave


def returned_period(leave: LeaveRequest) -> LeavePeriod:
    """The period actually taken: up to noon of the return day when back in the afternoon,
    otherwise up to the day before the return."""
    if leave.actual_return_afternoon:
        return LeavePeriod(leave.start_date, leave.actual_return_date, leave.start_afternoon, end_noon=True)
    return LeavePeriod(leave.start_date, leave.actual_return_date - timedelta(days=1), leave.start_afternoon, end_noon=False)


@transaction.atomic
def leave_return_report(
    *, acting_user, leave: LeaveRequest, actual_return_date: dt.date, actual_return_afternoon: bool = False,
    today: dt.date | None = None,
) -> LeaveRequest:
    """The cadre reports back (销假) with the day they were back on post; the days are recounted."""
    leave = _locked(leave)
    _ensure_requester(acting_user, leave)
    _expect(leave, S.APPROVED, _("销假"))
    today = today or timezone.localdate()
    if actual_return_date > today:
        raise LeaveError(_("返岗日期 %(day)s 晚于今天，请返岗后再销假。") % {"day": actual_return_date.isoformat()})
    leave.actual_return_date = actual_return_date
    leave.actual_return_afternoon = actual_return_afternoon
    taken = returned_period(leave)
    if taken.last_slot < taken.first_slot:
        raise LeaveError(
            _("返岗时间 %(day)s 不能早于请假开始时间 %(start)s。")
            % {"day": _slot_label(actual_return_date, actual_return_afternoon, end=False),
               "start": _slot_label(leave.start_date, leave.start_afternoon, end=False)}
        )
    leave.actual_days = leave_days_count(taken, counting=leave.placement.program.policy.leave_day_counting)
    _move(acting_user=acting_user, leave=leave, to_status=S.RETURNED, action=LeaveStep.Action.RETURN,
          opinion=_("返岗日期 %(day)s，实际请假 %(days)s 天") % {"day": actual_return_date.isoformat(), "days": days_text(leave.actual_days)})
    notify(
        recipients=host_approvers(leave.placement),
        title=_("%(cadre)s 已销假") % _summary(leave),
        body=_("返岗日期 %(day)s，实际请假 %(days)s 天。") % {"day": actual_return_date.isoformat(), "days": days_text(leave.actual_days)},
        url=_portal_url(leave),
    )
    return leave


def leave_return_overdue(leave: LeaveRequest, *, today: dt.date | None = None) -> bool:
    """Approved leave past its end without a return report, or reported back after the end (R11)."""
    today = today or timezone.localdate()
    if leave.status == S.APPROVED:
        return leave.end_date < today
    if leave.status == S.RETURNED and leave.actual_return_date:
        return returned_period(leave).last_slot > LeavePeriod.of(leave).last_slot
    return False


def leave_actions_for(user, leave: LeaveRequest, *, today: dt.date | None = None) -> set[str]:
    """What the user may do with the request now (for the buttons a page shows); the services
    check again."""
    today = today or timezone.localdate()
    scope = user_scope(user)
    actions = set()
    requester = _is_requester(user, leave)
    if requester:
        if leave.status in LeaveRequest.PENDING_STATUSES or (leave.status == S.APPROVED and leave.start_date > today):
            actions.add("cancel")
        if leave.status == S.APPROVED and leave.start_date <= today:
            actions.add("return")
        return actions
    if leave.status == S.PENDING_HOST and (
        scope.is_superuser or leave.placement.host_post.host_unit_id in scope.host_approver_unit_ids
    ):
        actions.add("host_decide")
    department_staff = scope.is_superuser or (leave.department_id and scope.department_id == leave.department_id)
    if leave.status == S.PENDING_DEPARTMENT and department_staff:
        actions.add("department_decide")
    if leave.awaits_filing_acknowledgement and department_staff:
        actions.add("filing_acknowledge")
    return actions


def leave_overlap_filter(start: dt.date, end: dt.date) -> Q:
    """Requests that take days between ``start`` and ``end`` (for attendance and statistics)."""
    return Q(status__in=(S.APPROVED, S.RETURNED), start_date__lte=end, end_date__gte=start)
