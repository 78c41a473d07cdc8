"""Consecutive leave (R11, D3): requests with no working half day between them count together
against the threshold, so splitting leave does not avoid the department."""

import datetime as dt
from decimal import Decimal

import pytest

from core.models import AuditLog, Notification
from daily.models import LeaveRequest, LeaveStep
from daily.services import leave as L
from daily.services.leave import LeavePeriod
from programs.models import PolicyFields
from tests.daily.conftest import request_leave

S = LeaveRequest.Status
D = dt.date
pytestmark = pytest.mark.django_db

# June 2026: Mon 8 … Fri 12, Mon 15 … Fri 19 (端午 19–21), Mon 22.


def titles(username):
    return list(Notification.objects.filter(recipient__username=username).values_list("title", flat=True))


def joined_pks(leave):
    return set(leave.joined_requests.values_list("pk", flat=True))


def set_policy(world, **values):
    policy = world.program.policy
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()


def test_R11_three_days_and_two_adjacent_days_over_a_weekend_count_five_and_escalate(world):
    first = request_leave(world, D(2026, 6, 10), D(2026, 6, 12))  # Wed–Fri: 3 days, the host unit's
    assert not first.escalated and first.combined_days is None
    second = request_leave(world, D(2026, 6, 15), D(2026, 6, 16))  # Mon–Tue, after the weekend
    second.refresh_from_db()
    assert second.days == 2 and second.combined_days == 5
    assert second.escalated and second.escalation_mode == PolicyFields.EscalationMode.APPROVAL
    assert second.department == world.zezhou
    assert joined_pks(second) == {first.pk}
    # The earlier request keeps its own route.
    first.refresh_from_db()
    assert not first.escalated and first.combined_days is None and first.status == S.PENDING_HOST
    audit = AuditLog.objects.get(action="leave_submit", target_id=str(second.pk))
    assert audit.data["combined_days"] == "5" and audit.data["joined"] == [first.pk] and audit.data["escalated"] is True
    # The approver is told why a two-day request goes on to the department.
    assert "请审批：李明 请假 2 天（连续请假合计 5 天）" in titles("hostunit")
    body = Notification.objects.get(recipient__username="hostunit", title__contains="合计 5 天").body
    assert "与 2026-06-10 至 2026-06-12 的请假连续，合计 5 天，超过 3 天，须经挂职单位同意后报泽州县委组织部审批。" in body
    # …and it goes there.
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=second, approve=True)
    second.refresh_from_db()
    assert second.status == S.PENDING_DEPARTMENT
    assert titles("countystaff") == ["请审批：李明 请假 2 天（挂职单位已签署意见）（连续请假合计 5 天）"]


def test_R11_an_approved_earlier_request_is_not_reopened(world):
    first = request_leave(world, D(2026, 6, 10), D(2026, 6, 12))
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=first, approve=True)
    first.refresh_from_db()
    before = (first.status, first.escalated, first.department_id, first.decided_at, first.steps.count())
    second = request_leave(world, D(2026, 6, 15), D(2026, 6, 16))
    assert second.escalated and second.combined_days == 5 and joined_pks(second) == {first.pk}
    first.refresh_from_db()
    assert (first.status, first.escalated, first.department_id, first.decided_at, first.steps.count()) == before
    assert not first.joined_requests.exists()


def test_R11_a_working_day_between_keeps_requests_apart(world):
    request_leave(world, D(2026, 6, 10), D(2026, 6, 12))  # Wed–Fri
    second = request_leave(world, D(2026, 6, 16), D(2026, 6, 17))  # Tue–Wed: Monday is worked
    assert not second.escalated and second.combined_days is None and not joined_pks(second)


def test_D3_a_working_afternoon_between_keeps_requests_apart(world):
    # The first ends at noon on Wednesday; the afternoon is worked, so Thursday does not join.
    request_leave(world, D(2026, 6, 8), D(2026, 6, 10), end_noon=True)  # 2.5 days
    second = request_leave(world, D(2026, 6, 11), D(2026, 6, 12))
    assert second.days == 2 and not second.escalated and not joined_pks(second)


def test_D3_leave_from_the_afternoon_of_the_day_the_other_ends_at_noon_joins(world):
    first = request_leave(world, D(2026, 6, 8), D(2026, 6, 10), end_noon=True)  # 2.5 days
    second = request_leave(world, D(2026, 6, 10), D(2026, 6, 11), start_afternoon=True)  # 1.5 days
    assert second.combined_days == 4 and second.escalated and joined_pks(second) == {first.pk}


def test_D3_friday_afternoon_worked_keeps_monday_apart(world):
    request_leave(world, D(2026, 6, 10), D(2026, 6, 12), end_noon=True)  # to Friday noon
    second = request_leave(world, D(2026, 6, 15), D(2026, 6, 16))
    assert not second.escalated and not joined_pks(second)


def test_D3_requests_around_a_holiday_join(world):
    # Thu 18 ends the first; 端午 (Fri 19 – Sun 21) lies between; Monday 22 starts the second.
    first = request_leave(world, D(2026, 6, 17), D(2026, 6, 18))
    second = request_leave(world, D(2026, 6, 22), D(2026, 6, 23))
    assert second.combined_days == 4 and second.escalated and joined_pks(second) == {first.pk}


def test_D3_with_calendar_days_a_weekend_between_counts_and_keeps_requests_apart(world):
    set_policy(world, leave_day_counting=PolicyFields.DayCounting.CALENDAR)
    request_leave(world, D(2026, 6, 10), D(2026, 6, 12))
    second = request_leave(world, D(2026, 6, 15), D(2026, 6, 16))
    assert second.days == 2 and not second.escalated and not joined_pks(second)
    # Back to back, they join.
    third = request_leave(world, D(2026, 6, 13), D(2026, 6, 14))
    assert third.combined_days == 7 and third.escalated
    assert joined_pks(third) == {LeaveRequest.objects.get(start_date=D(2026, 6, 10)).pk, second.pk}


def test_R11_a_chain_of_three_counts_together(world):
    monday = request_leave(world, D(2026, 6, 8), D(2026, 6, 9))  # 2 days
    wednesday = request_leave(world, D(2026, 6, 10))  # joins: 3 days, the threshold itself
    assert wednesday.combined_days == 3 and not wednesday.escalated
    thursday = request_leave(world, D(2026, 6, 11), D(2026, 6, 12))  # joins both: 5
    assert thursday.combined_days == 5 and thursday.escalated
    assert joined_pks(thursday) == {monday.pk, wednesday.pk}


def test_R11_a_request_placed_before_or_between_others_joins_them(world):
    later = request_leave(world, D(2026, 6, 15), D(2026, 6, 16))  # Mon–Tue
    earlier = request_leave(world, D(2026, 6, 11), D(2026, 6, 12))  # Thu–Fri, before it
    assert earlier.combined_days == 4 and earlier.escalated and joined_pks(earlier) == {later.pk}
    first = request_leave(world, D(2026, 6, 8))
    between = request_leave(world, D(2026, 6, 9), D(2026, 6, 10))  # joins Monday and Thursday–Tuesday
    assert between.combined_days == 7 and joined_pks(between) == {first.pk, earlier.pk, later.pk}


@pytest.mark.parametrize("ending", ["rejected", "cancelled"])
def test_R11_rejected_or_cancelled_requests_do_not_join(world, ending):
    first = request_leave(world, D(2026, 6, 10), D(2026, 6, 12))
    if ending == "rejected":
        L.leave_host_decide(acting_user=world.users["hostunit"], leave=first, approve=False, opinion="工作任务重")
    else:
        L.leave_cancel(acting_user=world.users["cadre"], leave=first)
    second = request_leave(world, D(2026, 6, 15), D(2026, 6, 16))
    assert not second.escalated and second.combined_days is None and not joined_pks(second)


def test_R11_a_returned_request_joins_with_the_days_actually_taken(world):
    first = request_leave(world, D(2026, 6, 8), D(2026, 6, 10))  # Mon–Wed, 3 days
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=first, approve=True)
    # Back on Wednesday afternoon: 2.5 days taken, Wednesday afternoon free again.
    L.leave_return_report(acting_user=world.users["cadre"], leave=first, actual_return_date=D(2026, 6, 10),
                          actual_return_afternoon=True, today=D(2026, 6, 10))
    apart = request_leave(world, D(2026, 6, 11))  # Wednesday afternoon was worked
    assert not joined_pks(apart)
    L.leave_cancel(acting_user=world.users["cadre"], leave=apart)
    second = request_leave(world, D(2026, 6, 10), D(2026, 6, 11), start_afternoon=True)  # 1.5 days
    assert second.combined_days == 4 and second.escalated and joined_pks(second) == {first.pk}


def test_R11_filing_mode_joined_request_is_filed_after_the_host_units_approval(world):
    set_policy(world, leave_escalation_mode=PolicyFields.EscalationMode.FILING)
    request_leave(world, D(2026, 6, 10), D(2026, 6, 12))
    second = request_leave(world, D(2026, 6, 15), D(2026, 6, 16))
    assert second.is_filing and second.combined_days == 5
    body = Notification.objects.get(recipient__username="hostunit", title__contains="合计 5 天").body
    assert "合计 5 天，超过 3 天，挂职单位批准即生效，报泽州县委组织部备案。" in body
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=second, approve=True)
    second.refresh_from_db()
    assert second.status == S.APPROVED and second.awaits_filing_acknowledgement
    assert titles("countystaff") == ["请备案：李明 请假 2 天（挂职单位已批准）（连续请假合计 5 天）"]
    assert [s.action for s in second.steps.all()] == [LeaveStep.Action.SUBMIT, LeaveStep.Action.HOST_APPROVE]


def test_D3_the_chain_helper_reads_half_day_slots(world):
    first = request_leave(world, D(2026, 6, 8), D(2026, 6, 10), end_noon=True)
    chain = L.leave_chain(world.placement, LeavePeriod(D(2026, 6, 10), D(2026, 6, 10), start_afternoon=True))
    assert [leave.pk for leave in chain] == [first.pk]
    assert L.leave_chain(world.placement, LeavePeriod(D(2026, 6, 11), D(2026, 6, 11))) == []
    route = L.leave_route(world.placement, LeavePeriod(D(2026, 6, 10), D(2026, 6, 12), start_afternoon=True))
    assert (route.days, route.total_days, route.escalated) == (Decimal("2.5"), Decimal("5"), True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_R11_two_adjacent_requests_at_the_same_moment_still_count_together(transactional_world):
    """The placement row is locked while a request is routed, so the second of two adjacent
    requests made at once sees the first: splitting leave across two tabs avoids nothing."""
    from tests.threads import race

    w = transactional_world
    results = race([
        lambda: request_leave(w, D(2026, 6, 10), D(2026, 6, 12)),
        lambda: request_leave(w, D(2026, 6, 15), D(2026, 6, 16)),
    ])
    assert all(isinstance(result, LeaveRequest) for result in results), results
    joined = LeaveRequest.objects.filter(combined_days__isnull=False)
    assert joined.count() == 1
    later = joined.get()
    assert later.combined_days == 5 and later.escalated and later.joined_requests.count() == 1
