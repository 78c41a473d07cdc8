"""Demo leave (R11) for ``seed_demo``: around the demo cadre 李志强 at 泽州县巴公镇 — a short
request approved and reported back a month ago, a request over the threshold waiting for the
host unit (`hostunit`, then 泽州县委组织部), and one the host unit has approved that waits for
泽州县委组织部 (`countystaff`) — and approved leave for other demo cadres on post with an account.

Only the demo's own accounts and placements (``DemoRegistry``). Idempotent: nothing is created
when the demo's leave is there already."""

import datetime as dt

from django.contrib.auth import get_user_model

from programs.calendar import add_working_days, is_working_day
from programs.demo.registry import DemoRegistry
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


def _approver_of(registry: DemoRegistry, placement: Placement):
    role = registry.objects(RoleAssignment).filter(
        role=RoleAssignment.Role.HOST_APPROVER, unit_id=placement.host_post.host_unit_id
    ).select_related("user").first()
    return role.user if role else None


def leave_seed(*, registry: DemoRegistry, today: dt.date) -> dict:
    created = {"leave requests": 0}
    cadre_user = registry.get(get_user_model(), "user:cadre")
    if cadre_user is None or registry.get(LeaveRequest, "leave:star") is not None:
        return created
    placement = registry.objects(Placement).filter(cadre__user=cadre_user, status=Placement.Status.ACTIVE).select_related(
        "host_post__host_unit", "program__policy"
    ).first()
    host = _approver_of(registry, placement) if placement else None
    if host is None:
        return created

    # Reported back: two days a month ago.
    start = _next_working_day(max(placement.actual_start, today - dt.timedelta(days=35)))
    end = add_working_days(start, 2)
    returned = registry.add(L.leave_request_create(
        acting_user=cadre_user, placement=placement, kind="personal", start_date=start, end_date=end,
        reason="回原单位交接未完成的项目材料。", today=start - dt.timedelta(days=3),  # asked for in advance
    ), "leave:star")
    L.leave_host_decide(acting_user=host, leave=returned, approve=True, opinion="同意,请安排好分管工作。")
    L.leave_return_report(acting_user=cadre_user, leave=returned, actual_return_date=end + dt.timedelta(days=1), today=today)
    # Waiting for the host unit: five working days starting next week, over the 3-day threshold.
    start = _next_working_day(today + dt.timedelta(days=7))
    first_end = add_working_days(start, 5)
    registry.add(L.leave_request_create(
        acting_user=cadre_user, placement=placement, kind="family_visit", start_date=start, end_date=first_end,
        reason="父亲住院手术,需回家陪护。",
    ))
    # Waiting for 泽州县委组织部: four working days a week after the first ends, the host unit agreed.
    start = _next_working_day(first_end + dt.timedelta(days=8))
    at_department = registry.add(L.leave_request_create(
        acting_user=cadre_user, placement=placement, kind="personal", start_date=start,
        end_date=add_working_days(start, 4), reason="参加在职研究生课程集中面授和考试。",
    ))
    L.leave_host_decide(acting_user=host, leave=at_department, approve=True, opinion="同意,报县委组织部审批。")
    created["leave requests"] += 3

    # Other demo cadres on post with an account: an approved day off each.
    others = (
        registry.objects(Placement).filter(status=Placement.Status.ACTIVE, cadre__user__isnull=False)
        .exclude(pk=placement.pk).select_related("cadre__user", "host_post__host_unit").order_by("pk")[:3]
    )
    for index, other in enumerate(others):
        approver = _approver_of(registry, other)
        if approver is None:
            continue
        day = _previous_working_day(today - dt.timedelta(days=3 + index * 7))
        if day < other.actual_start:
            continue
        leave = registry.add(L.leave_request_create(
            acting_user=other.cadre.user, placement=other, kind="sick", start_date=day, end_date=day,
            reason="身体不适,到医院就诊。", today=today,
            late_reason="当天突发身体不适，电话向单位负责同志报告后就医，事后补办请假手续。",  # 补假
        ))
        L.leave_host_decide(acting_user=approver, leave=leave, approve=True)
        created["leave requests"] += 1
    return created
