"""Demo leave (R11) for ``seed_demo``: around the demo cadre 李志强 at 泽州县巴公镇 —
a request over the threshold waiting for the host unit (then 泽州县委组织部), a short one
approved and reported back, one overdue — and approved leave for other cadres on post.
Idempotent: nothing is created when the demo cadre already has leave."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from programs.calendar import add_working_days, is_working_day
from programs.models import Placement, RoleAssignment

from .models import LeaveRequest
from .services import leave as L


def _next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _previous_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _approver_of(placement: Placement):
    role = RoleAssignment.objects.filter(
        role=RoleAssignment.Role.HOST_APPROVER, unit_id=placement.host_post.host_unit_id
    ).select_related("user").first()
    return role.user if role else None


def leave_seed(today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    created = {"leave requests": 0}
    User = get_user_model()
    cadre_user = User.objects.filter(username="cadre").first()
    if cadre_user is None:
        return created
    placement = Placement.objects.filter(cadre__user=cadre_user, status=Placement.Status.ACTIVE).select_related(
        "host_post__host_unit", "program__policy"
    ).first()
    if placement is None or LeaveRequest.objects.filter(placement=placement).exists():
        return created
    host = _approver_of(placement)

    # Reported back: two days a month ago.
    start = _next_working_day(max(placement.actual_start, today - dt.timedelta(days=35)))
    end = add_working_days(start, 2)
    returned = L.leave_request_create(
        acting_user=cadre_user, placement=placement, kind="personal", start_date=start, end_date=end,
        reason="回原单位交接未完成的项目材料。", today=start - dt.timedelta(days=3),  # asked for in advance
    )
    L.leave_host_decide(acting_user=host, leave=returned, approve=True, opinion="同意,请安排好分管工作。")
    L.leave_return_report(acting_user=cadre_user, leave=returned, actual_return_date=end + dt.timedelta(days=1), today=today)
    # Waiting for the host unit: five working days starting next week, over the 3-day threshold.
    start = _next_working_day(today + dt.timedelta(days=7))
    L.leave_request_create(
        acting_user=cadre_user, placement=placement, kind="family_visit", start_date=start,
        end_date=add_working_days(start, 5), reason="父亲住院手术,需回家陪护。",
    )
    created["leave requests"] += 2

    # Other cadres on post with a host approver: an approved day off, one not reported back yet.
    others = (
        Placement.objects.filter(status=Placement.Status.ACTIVE, cadre__user__isnull=False)
        .exclude(pk=placement.pk).select_related("cadre__user", "host_post__host_unit")[:3]
    )
    for index, other in enumerate(others):
        approver = _approver_of(other)
        if approver is None:
            continue
        day = _previous_working_day(today - dt.timedelta(days=3 + index * 7))
        if day < other.actual_start:
            continue
        leave = L.leave_request_create(
            acting_user=other.cadre.user, placement=other, kind="sick", start_date=day, end_date=day,
            reason="身体不适,到医院就诊。", today=today,
            late_reason="当天突发身体不适，电话向单位负责同志报告后就医，事后补办请假手续。",  # 补假
        )
        L.leave_host_decide(acting_user=approver, leave=leave, approve=True)
        created["leave requests"] += 1
    return created
