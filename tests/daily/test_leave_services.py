"""Leave (R11, D1, D3): counting, routing, every branch of the state machine and its refusals."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail

from core.models import AuditLog, Job, Notification
from core.notifications import notification_email_send
from daily.exceptions import DailyAccessDenied, LeaveError
from daily.models import LeaveRequest, LeaveStep
from daily.selectors import leave_on, leave_requests_awaiting, leave_requests_overdue
from daily.services import leave as L
from daily.services.leave import LeavePeriod, leave_days_count
from programs import services as program_services
from programs.models import PolicyFields, RoleAssignment
from tests.daily.conftest import FRI, MON, fresh, request_leave
from tests.factories import assign_role, make_user

S = LeaveRequest.Status
pytestmark = pytest.mark.django_db


def titles(username):
    return list(Notification.objects.filter(recipient__username=username).values_list("title", flat=True))


# --- D3 counting -----------------------------------------------------------------------------


def test_D3_working_days_skip_weekends_holidays_and_count_make_up_days(world):
    # 4-30 Thu; 5-1..5-5 劳动节; 5-6..5-8 working; 5-9 Sat make-up working day; 5-10 Sun; 5-11 Mon.
    period = LeavePeriod(dt.date(2026, 4, 30), dt.date(2026, 5, 11))
    assert leave_days_count(period) == Decimal("6")


def test_D3_calendar_days_when_policy_says_so(world):
    period = LeavePeriod(dt.date(2026, 4, 30), dt.date(2026, 5, 11))
    assert leave_days_count(period, counting=PolicyFields.DayCounting.CALENDAR) == Decimal("12")


def test_D3_half_days_count_one_half_at_either_end(world):
    assert leave_days_count(LeavePeriod(MON, MON + dt.timedelta(days=2), start_afternoon=True, end_noon=True)) == Decimal("2")
    assert leave_days_count(LeavePeriod(MON, MON, start_afternoon=True)) == Decimal("0.5")
    assert leave_days_count(LeavePeriod(MON, MON, end_noon=True)) == Decimal("0.5")


def test_D3_half_day_on_a_rest_day_counts_nothing(world):
    saturday = dt.date(2026, 6, 13)
    assert leave_days_count(LeavePeriod(FRI, saturday, end_noon=True)) == Decimal("1")


def test_R11_request_over_rest_days_only_is_refused(world):
    with pytest.raises(LeaveError, match="均为休息日或节假日"):
        request_leave(world, dt.date(2026, 5, 1), dt.date(2026, 5, 5))
    assert not LeaveRequest.objects.exists()


# --- routing (R11, D1, D3) -----------------------------------------------------------------------


def test_R11_up_to_threshold_the_host_unit_decides_and_its_approval_is_final(world):
    leave = request_leave(world, dt.date(2026, 6, 10), FRI)  # Wed–Fri: 3 days, the threshold itself
    assert leave.days == 3 and not leave.escalated and leave.department is None
    assert titles("hostunit") == ["请审批：李明 请假 3 天"]
    assert titles("cadre") == []
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True, opinion="同意")
    leave.refresh_from_db()
    assert leave.status == S.APPROVED and leave.decided_at is not None
    assert titles("cadre") == ["请假审批结果：已获批准"]
    assert list(leave.steps.values_list("action", "actor__username")) == [
        (LeaveStep.Action.SUBMIT, "cadre"), (LeaveStep.Action.HOST_APPROVE, "hostunit"),
    ]
    assert AuditLog.objects.filter(action="leave_host_approve", target_id=str(leave.pk), actor__username="hostunit").exists()
    # The approver's "please approve" message is closed once acted on.
    assert not Notification.objects.filter(recipient__username="hostunit", read_at__isnull=True).exists()


def test_D3_three_and_a_half_days_go_over_the_threshold(world):
    leave = request_leave(world, MON, dt.date(2026, 6, 11), end_noon=True)
    assert leave.days == Decimal("3.5")
    assert leave.escalated and leave.escalation_mode == PolicyFields.EscalationMode.APPROVAL


def test_R11_over_threshold_goes_to_the_county_department_that_manages_the_cadre(world):
    leave = request_leave(world, MON, FRI)
    assert leave.days == 5 and leave.department == world.zezhou
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True, opinion="同意，报县委组织部")
    leave.refresh_from_db()
    assert leave.status == S.PENDING_DEPARTMENT
    # The requester hears nothing until the final step; the managing department is asked.
    assert titles("cadre") == []
    assert titles("countystaff") == ["请审批：李明 请假 5 天（挂职单位已签署意见）"]
    assert titles("orgstaff") == []
    # The city department sees it (subtree) but has no authority over a county-managed cadre (D1).
    with pytest.raises(DailyAccessDenied, match="泽州县委组织部"):
        L.leave_department_decide(acting_user=world.users["orgstaff"], leave=leave, approve=True)
    L.leave_department_decide(acting_user=world.users["countystaff"], leave=leave, approve=True, opinion="同意")
    leave.refresh_from_db()
    assert leave.status == S.APPROVED
    assert titles("cadre") == ["请假审批结果：已获组织部批准"]
    assert [s.action for s in leave.steps.all()] == ["submit", "host_approve", "department_approve"]


def test_R11_over_threshold_of_a_city_managed_cadre_goes_to_the_city_department(world, city_placement):
    leave = request_leave(world, MON, FRI, placement=city_placement, user=city_placement.cadre.user)
    assert leave.department == world.city
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with pytest.raises(DailyAccessDenied):
        L.leave_department_decide(acting_user=world.users["countystaff"], leave=leave, approve=True)
    assert titles("orgstaff") == ["请审批：张伟 请假 5 天（挂职单位已签署意见）"]
    L.leave_department_decide(acting_user=world.users["orgstaff"], leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == S.APPROVED


def test_R11_filing_mode_host_approval_is_final_and_the_department_acknowledges(world):
    program_services.program_policy_update(
        acting_user=world.admin, program=world.program, leave_escalation_mode=PolicyFields.EscalationMode.FILING
    )
    leave = request_leave(world, MON, FRI)
    assert leave.is_filing
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == S.APPROVED and leave.awaits_filing_acknowledgement
    assert titles("cadre") == ["请假审批结果：已获批准"]
    assert titles("countystaff") == ["请备案：李明 请假 5 天（挂职单位已批准）"]
    assert leave in leave_requests_awaiting(fresh(world.users["countystaff"]))
    # Filing is not an approval: the department cannot "approve" it.
    with pytest.raises(LeaveError, match="已批准"):
        L.leave_department_decide(acting_user=world.users["countystaff"], leave=leave, approve=True)
    L.leave_filing_acknowledge(acting_user=world.users["countystaff"], leave=leave, opinion="已阅")
    leave.refresh_from_db()
    assert leave.filing_acknowledged_at is not None and leave.status == S.APPROVED
    assert leave not in leave_requests_awaiting(fresh(world.users["countystaff"]))
    with pytest.raises(LeaveError, match="已于"):
        L.leave_filing_acknowledge(acting_user=world.users["countystaff"], leave=leave)
    assert leave.steps.filter(action=LeaveStep.Action.FILING_ACKNOWLEDGE).count() == 1


def test_R11_filing_not_needed_within_threshold(world):
    leave = request_leave(world, MON)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with pytest.raises(LeaveError, match="不需要组织部审批或备案"):
        L.leave_filing_acknowledge(acting_user=world.users["countystaff"], leave=leave)


def test_D2_policy_edit_applies_to_later_requests_only(world):
    first = request_leave(world, MON, FRI)
    program_services.program_policy_update(acting_user=world.admin, program=world.program, leave_threshold_days=Decimal("5"))
    # Five working days, not next to the first (D3 would count them together).
    second = request_leave(world, dt.date(2026, 6, 23), dt.date(2026, 6, 29))
    first.refresh_from_db()
    assert first.escalated and not second.escalated


# --- rejections --------------------------------------------------------------------------------


def test_R11_host_rejection_needs_an_opinion_and_ends_the_request(world):
    leave = request_leave(world, MON, FRI)
    with pytest.raises(LeaveError, match="请填写意见"):
        L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=False)
    leave.refresh_from_db()
    assert leave.status == S.PENDING_HOST
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=False, opinion="近期防汛任务重")
    leave.refresh_from_db()
    assert leave.status == S.REJECTED
    assert titles("cadre") == ["请假审批结果：未获挂职单位批准"]
    assert titles("countystaff") == []  # never reached the department


def test_R11_department_rejection(world):
    leave = request_leave(world, MON, FRI)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with pytest.raises(LeaveError, match="请填写意见"):
        L.leave_department_decide(acting_user=world.users["countystaff"], leave=leave, approve=False)
    L.leave_department_decide(acting_user=world.users["countystaff"], leave=leave, approve=False, opinion="年底考核期间")
    leave.refresh_from_db()
    assert leave.status == S.REJECTED
    assert titles("cadre") == ["请假审批结果：未获组织部批准"]
    assert "李明 的请假未获组织部批准" in titles("hostunit")


def test_R11_a_decided_request_cannot_be_decided_again(world):
    leave = request_leave(world, MON)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with pytest.raises(LeaveError, match="“已批准”，不能由挂职单位审批"):
        L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=False, opinion="x")
    with pytest.raises(LeaveError, match="不需要组织部审批"):
        L.leave_department_decide(acting_user=world.users["countystaff"], leave=leave, approve=True)


# --- who may act -----------------------------------------------------------------------------


def test_R11_no_one_approves_their_own_request(world):
    # The cadre is also made an approver of the host unit: still cannot approve their own leave.
    assign_role(world.users["cadre"], RoleAssignment.Role.HOST_APPROVER, unit=world.units["zz_township"])
    leave = request_leave(world, MON, user=fresh(world.users["cadre"]))
    with pytest.raises(DailyAccessDenied, match="不能审批本人"):
        L.leave_host_decide(acting_user=fresh(world.users["cadre"]), leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == S.PENDING_HOST
    assert leave not in leave_requests_awaiting(fresh(world.users["cadre"]))


def test_R11_department_staff_cannot_approve_their_own_request(world):
    assign_role(world.users["cadre"], RoleAssignment.Role.ORG_STAFF, department=world.zezhou)
    leave = request_leave(world, MON, FRI, user=fresh(world.users["cadre"]))
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with pytest.raises(DailyAccessDenied, match="不能审批本人"):
        L.leave_department_decide(acting_user=fresh(world.users["cadre"]), leave=leave, approve=True)


@pytest.mark.parametrize("username", ["gphost", "hostclerk", "township", "sendunit", "mentor", "countystaff", "nobody"])
def test_D6_only_the_host_units_approver_decides_at_the_host_step(world, username):
    leave = request_leave(world, MON)
    with pytest.raises(DailyAccessDenied):
        L.leave_host_decide(acting_user=world.users[username], leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == S.PENDING_HOST and leave.steps.count() == 1


@pytest.mark.parametrize("username", ["gaopingstaff", "hzstaff", "hostunit", "cadre", "othercadre"])
def test_D1_only_the_managing_department_decides_at_the_department_step(world, username):
    leave = request_leave(world, MON, FRI)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with pytest.raises(DailyAccessDenied):
        L.leave_department_decide(acting_user=world.users[username], leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == S.PENDING_DEPARTMENT


def test_R11_a_cadre_cannot_request_leave_on_another_cadres_placement(world):
    with pytest.raises(DailyAccessDenied, match="本人"):
        request_leave(world, MON, user=world.users["othercadre"])
    with pytest.raises(DailyAccessDenied):
        request_leave(world, MON, user=world.users["hostunit"])
    assert not LeaveRequest.objects.exists()


# --- request refusals --------------------------------------------------------------------------


def test_R11_dates_outside_the_placement_are_refused(world):
    with pytest.raises(LeaveError, match="须在挂职期内"):
        request_leave(world, dt.date(2026, 2, 26), dt.date(2026, 3, 3))
    with pytest.raises(LeaveError, match="须在挂职期内"):
        request_leave(world, world.placement.planned_end, world.placement.planned_end + dt.timedelta(days=3))


def test_R11_leave_only_while_on_post(world):
    cadre = world.hz_placement.cadre
    cadre.user = make_user("hzcadre")
    cadre.save(update_fields=["user"])
    with pytest.raises(LeaveError, match="“拟任”，只有在岗期间可以请假"):
        request_leave(world, MON, placement=world.hz_placement, user=cadre.user)


def test_R11_overlapping_requests_are_refused_with_the_other_request_named(world):
    request_leave(world, MON, dt.date(2026, 6, 10))
    with pytest.raises(LeaveError, match=re.escape("与已有的请假（2026-06-08 至 2026-06-10，待挂职单位审批）时间重叠。")):
        request_leave(world, dt.date(2026, 6, 10), FRI)
    assert LeaveRequest.objects.count() == 1


def test_D3_half_days_on_the_same_day_do_not_overlap(world):
    request_leave(world, MON, dt.date(2026, 6, 10), end_noon=True)
    second = request_leave(world, dt.date(2026, 6, 10), FRI, start_afternoon=True)
    assert second.days == Decimal("2.5")
    with pytest.raises(LeaveError, match="重叠"):
        request_leave(world, dt.date(2026, 6, 10), dt.date(2026, 6, 10), end_noon=True)


def test_R11_rejected_and_cancelled_requests_free_their_days(world):
    rejected = request_leave(world, MON)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=rejected, approve=False, opinion="不同意")
    cancelled = request_leave(world, MON)
    L.leave_cancel(acting_user=world.users["cadre"], leave=cancelled)
    assert request_leave(world, MON).status == S.PENDING_HOST


def test_R11_bad_periods_are_refused(world):
    with pytest.raises(LeaveError, match="早于开始日期"):
        request_leave(world, FRI, MON)
    with pytest.raises(LeaveError, match="半天假请只选其中一项"):
        request_leave(world, MON, MON, start_afternoon=True, end_noon=True)
    with pytest.raises(LeaveError, match="请填写请假事由"):
        request_leave(world, MON, reason="  ")
    with pytest.raises(LeaveError, match="未知的假别"):
        request_leave(world, MON, kind="holiday")


# --- cancel, return, overdue ---------------------------------------------------------------------


def test_R11_cancel_while_pending_at_either_step(world):
    at_host = request_leave(world, MON)
    L.leave_cancel(acting_user=world.users["cadre"], leave=at_host, reason="事情已处理")
    at_department = request_leave(world, dt.date(2026, 6, 15), dt.date(2026, 6, 19))
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=at_department, approve=True)
    L.leave_cancel(acting_user=world.users["cadre"], leave=at_department)
    at_host.refresh_from_db(); at_department.refresh_from_db()
    assert at_host.status == at_department.status == S.CANCELLED
    # The department's "please approve" message no longer waits.
    assert not Notification.objects.filter(recipient__username="countystaff", read_at__isnull=True).exists()


def test_R11_cancel_an_approved_request_only_before_it_starts(world):
    leave = request_leave(world, MON)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with pytest.raises(LeaveError, match="不能撤销，请在返岗后销假"):
        L.leave_cancel(acting_user=world.users["cadre"], leave=leave, today=MON)
    L.leave_cancel(acting_user=world.users["cadre"], leave=leave, today=MON - dt.timedelta(days=1))
    leave.refresh_from_db()
    assert leave.status == S.CANCELLED


def test_R11_only_the_requester_cancels_or_reports_back(world):
    leave = request_leave(world, MON)
    with pytest.raises(DailyAccessDenied):
        L.leave_cancel(acting_user=world.users["hostunit"], leave=leave)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with pytest.raises(DailyAccessDenied):
        L.leave_return_report(acting_user=world.users["hostunit"], leave=leave, actual_return_date=dt.date(2026, 6, 9),
                              today=dt.date(2026, 6, 9))
    with pytest.raises(LeaveError, match="不能撤销"):
        L.leave_cancel(acting_user=world.users["cadre"], leave=_rejected(world))


def _rejected(world):
    leave = request_leave(world, dt.date(2026, 7, 6))
    return L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=False, opinion="不同意")


def test_R11_return_report_recounts_the_days_taken(world):
    leave = request_leave(world, MON, FRI)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    L.leave_department_decide(acting_user=world.users["countystaff"], leave=leave, approve=True)
    L.leave_return_report(acting_user=world.users["cadre"], leave=leave, actual_return_date=dt.date(2026, 6, 11),
                          actual_return_afternoon=True, today=dt.date(2026, 6, 11))
    leave.refresh_from_db()
    assert leave.status == S.RETURNED and leave.actual_days == Decimal("3.5")
    assert not L.leave_return_overdue(leave, today=dt.date(2026, 6, 20))
    assert "李明 已销假" in titles("hostunit")
    # The days after the return are free again.
    assert request_leave(world, FRI).days == 1


def test_R11_return_date_checks(world):
    leave = request_leave(world, MON, dt.date(2026, 6, 9))
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with pytest.raises(LeaveError, match="晚于今天"):
        L.leave_return_report(acting_user=world.users["cadre"], leave=leave, actual_return_date=dt.date(2026, 6, 10),
                              today=dt.date(2026, 6, 9))
    with pytest.raises(LeaveError, match="不能早于请假开始时间"):
        L.leave_return_report(acting_user=world.users["cadre"], leave=leave, actual_return_date=MON, today=MON)
    with pytest.raises(LeaveError, match="“待挂职单位审批”，不能销假"):
        L.leave_return_report(acting_user=world.users["cadre"], leave=request_leave(world, FRI),
                              actual_return_date=FRI, today=FRI)


def test_R11_leave_not_reported_back_in_time_is_overdue(world):
    leave = request_leave(world, MON, dt.date(2026, 6, 9))
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    leave.refresh_from_db()
    assert not L.leave_return_overdue(leave, today=dt.date(2026, 6, 9))
    assert L.leave_return_overdue(leave, today=dt.date(2026, 6, 10))
    assert list(leave_requests_overdue(LeaveRequest.objects.all(), dt.date(2026, 6, 10))) == [leave]
    # Reported back two days after the end: returned, but late.
    L.leave_return_report(acting_user=world.users["cadre"], leave=leave, actual_return_date=dt.date(2026, 6, 12),
                          today=dt.date(2026, 6, 12))
    leave.refresh_from_db()
    assert leave.actual_days == 4 and L.leave_return_overdue(leave)
    assert not leave_requests_overdue(LeaveRequest.objects.all(), dt.date(2026, 6, 20)).exists()


def test_R13_leave_on_covers_approved_and_taken_days_only(world):
    leave = request_leave(world, MON, FRI)
    assert leave_on(world.placement.pk, dt.date(2026, 6, 10)) is None  # still pending
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    L.leave_department_decide(acting_user=world.users["countystaff"], leave=leave, approve=True)
    assert leave_on(world.placement.pk, dt.date(2026, 6, 10)) == leave
    L.leave_return_report(acting_user=world.users["cadre"], leave=leave, actual_return_date=dt.date(2026, 6, 10),
                          today=dt.date(2026, 6, 10))
    assert leave_on(world.placement.pk, dt.date(2026, 6, 9)) == leave
    assert leave_on(world.placement.pk, dt.date(2026, 6, 10)) is None


def test_R11_every_transition_not_in_the_mapping_is_refused(world):
    for status in S:
        allowed = set(LeaveRequest.TRANSITIONS[status])
        assert status not in allowed
        if status in (S.REJECTED, S.CANCELLED, S.RETURNED):
            assert not allowed


# --- notifications by e-mail ------------------------------------------------------------------


def test_R11_approvers_with_an_address_get_an_email_through_the_outbox(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    approver = world.users["hostunit"]
    approver.email = "approver@example.gov.cn"
    approver.save()
    leave = request_leave(world, MON)
    job = Job.objects.get(task_name="core.notification_email")
    notification = Notification.objects.get(recipient=approver)
    assert job.kwargs == {"notification_id": notification.pk}
    assert notification_email_send(notification_id=notification.pk) == 1
    assert mail.outbox[0].to == ["approver@example.gov.cn"] and "李明" in mail.outbox[0].subject
    assert leave.pk
    # Nobody else had an address: one job only.
    assert Job.objects.filter(task_name="core.notification_email").count() == 1
