"""Supervision services (R11, R13, D3, D6): violations, inspections and checks, quarterly
tracking, attendance, contacts and problems. Data through the real services (tests.factories)."""

import datetime as dt
from decimal import Decimal

import pytest

from core.models import AuditLog, Notification
from daily import selectors
from daily.exceptions import DailyAccessDenied, DailyError
from daily.models import (
    AttendanceMonth,
    Contact,
    Inspection,
    InspectionCheck,
    LeaveRequest,
    Problem,
    Violation,
)
from daily.selectors_supervision import attendance_months_missing, inspections_missing
from daily.services import leave as leave_services
from daily.services import supervision as services
from programs import services as program_services
from programs.models import Placement

pytestmark = pytest.mark.django_db

D = dt.date
R = InspectionCheck.Result


def approved_leave(world, start, end, *, start_afternoon=False, end_noon=False, placement=None) -> LeaveRequest:
    leave = leave_services.leave_request_create(
        acting_user=world.users["cadre"], placement=placement or world.placement, kind=LeaveRequest.Kind.PERSONAL,
        start_date=start, end_date=end, start_afternoon=start_afternoon, end_noon=end_noon, reason="家中有事",
        today=start,
    )
    return leave_services.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)


def on_post_check(world, day, **kw) -> Inspection:
    return services.inspection_record(
        acting_user=world.users["countystaff"], department=world.zezhou, kind=Inspection.Kind.ON_POST_CHECK, date=day,
        inspectors="王组织、李干事", today=day, **kw,
    )


# --- Violations (R11) ----------------------------------------------------------------------------


def test_R11_host_clerk_records_absence_in_working_days_and_department_is_told(world):
    # 2026-04-03 (Fri) to 04-07 (Tue): 04-04..04-06 is 清明, so two working days (D3).
    violation = services.violation_record(
        acting_user=world.users["hostclerk"], placement=world.placement, start_date=D(2026, 4, 3),
        end_date=D(2026, 4, 7), description="未请假离开乡镇", today=D(2026, 4, 10),
    )
    assert violation.days == Decimal(2)
    assert violation.source == Violation.Source.HOST_UNIT
    assert violation.recorded_by == world.users["hostclerk"]
    assert AuditLog.objects.filter(action="violation_record", target_id=str(violation.pk)).exists()
    # "Visible to the organisation department": the managing / organising department's staff.
    assert Notification.objects.filter(recipient=world.users["countystaff"], title__contains="擅自离岗").exists()
    assert violation in selectors.violations_visible_to(world.users["countystaff"])
    assert violation in selectors.violations_visible_to(world.users["orgstaff"])
    assert violation not in selectors.violations_visible_to(world.users["gaopingstaff"])


def test_R11_staff_who_manage_record_as_department(world):
    violation = services.violation_record(
        acting_user=world.users["countystaff"], placement=world.placement, start_date=D(2026, 4, 8),
        end_date=D(2026, 4, 8), description="查实擅自离岗", today=D(2026, 4, 10),
    )
    assert violation.source == Violation.Source.DEPARTMENT


@pytest.mark.parametrize("who", ["gphost", "gaopingstaff", "sendunit", "cadre", "mentor", "nobody", "township"])
def test_R11_violation_refused_for_other_roles(world, who):
    with pytest.raises(DailyAccessDenied):
        services.violation_record(
            acting_user=world.users[who], placement=world.placement, start_date=D(2026, 4, 8),
            end_date=D(2026, 4, 8), description="x", today=D(2026, 4, 10),
        )
    assert not Violation.objects.exists()


def test_R11_violation_dates_inside_placement_and_not_future(world):
    kw = dict(acting_user=world.users["hostunit"], placement=world.placement, description="x", today=D(2026, 4, 10))
    with pytest.raises(DailyError, match="挂职期内"):
        services.violation_record(start_date=D(2026, 2, 27), end_date=D(2026, 3, 3), **kw)
    with pytest.raises(DailyError, match="晚于今天"):
        services.violation_record(start_date=D(2026, 4, 9), end_date=D(2026, 4, 11), **kw)
    with pytest.raises(DailyError, match="早于开始日期"):
        services.violation_record(start_date=D(2026, 4, 9), end_date=D(2026, 4, 8), **kw)
    with pytest.raises(DailyError, match="情况说明"):
        services.violation_record(start_date=D(2026, 4, 8), end_date=D(2026, 4, 8), **{**kw, "description": " "})
    assert not Violation.objects.exists()


# --- Inspections (R13) ---------------------------------------------------------------------------


def test_R13_check_on_leave_derived_from_approved_leave(world):
    leave = approved_leave(world, D(2026, 6, 10), D(2026, 6, 11))
    assert leave.status == LeaveRequest.Status.APPROVED
    inspection = on_post_check(world, D(2026, 6, 11))
    # Typed "在岗" (or even "不在岗" + unauthorised): the leave decides.
    check = services.inspection_check_record(
        acting_user=world.users["countystaff"], inspection=inspection, placement=world.placement, result=R.ABSENT,
        absence_reason="不在办公室", unauthorised=True, today=D(2026, 6, 11),
    )
    check.refresh_from_db()
    assert check.result == R.ON_LEAVE
    assert check.leave == leave
    assert check.absence_reason == ""
    assert not Violation.objects.exists()
    assert AuditLog.objects.filter(action="inspection_check_record", target_id=str(check.pk)).exists()


def test_R13_on_leave_cannot_be_typed_without_leave(world):
    inspection = on_post_check(world, D(2026, 6, 12))
    with pytest.raises(DailyError, match="没有已批准的请假"):
        services.inspection_check_record(
            acting_user=world.users["countystaff"], inspection=inspection, placement=world.placement, result=R.ON_LEAVE,
            today=D(2026, 6, 12),
        )


def test_R13_pending_leave_does_not_make_on_leave(world):
    leave_services.leave_request_create(
        acting_user=world.users["cadre"], placement=world.placement, kind=LeaveRequest.Kind.PERSONAL,
        start_date=D(2026, 6, 12), end_date=D(2026, 6, 12), reason="看病", today=D(2026, 6, 12),
    )
    inspection = on_post_check(world, D(2026, 6, 12))
    check = services.inspection_check_record(
        acting_user=world.users["countystaff"], inspection=inspection, placement=world.placement, result=R.ON_POST,
        today=D(2026, 6, 12),
    )
    assert check.result == R.ON_POST and check.leave is None


def test_R13_absent_requires_reason(world):
    inspection = on_post_check(world, D(2026, 6, 12))
    with pytest.raises(DailyError, match="不在岗原因"):
        services.inspection_check_record(
            acting_user=world.users["countystaff"], inspection=inspection, placement=world.placement, result=R.ABSENT,
            today=D(2026, 6, 12),
        )
    assert not InspectionCheck.objects.exists()


def test_R13_R11_absent_unauthorised_creates_violation_visible_to_staff(world):
    inspection = on_post_check(world, D(2026, 6, 12))
    check = services.inspection_check_record(
        acting_user=world.users["countystaff"], inspection=inspection, placement=world.placement, result=R.ABSENT,
        absence_reason="无故不在岗，电话未接", unauthorised=True, today=D(2026, 6, 12),
    )
    violation = Violation.objects.get()
    assert violation.inspection_check == check
    assert violation.source == Violation.Source.INSPECTION
    assert violation.kind == Violation.Kind.UNAUTHORISED_ABSENCE
    assert (violation.start_date, violation.end_date, violation.days) == (D(2026, 6, 12), D(2026, 6, 12), Decimal(1))
    for staff in ("countystaff", "orgstaff"):
        assert violation in selectors.violations_visible_to(world.users[staff])
    for other in ("gaopingstaff", "hzstaff", "gphost"):
        assert violation not in selectors.violations_visible_to(world.users[other])
    # The host unit sees it too (its cadre), and the check can no longer be rewritten.
    assert violation in selectors.violations_visible_to(world.users["hostclerk"])
    with pytest.raises(DailyError, match="已据此记为违规"):
        services.inspection_check_record(
            acting_user=world.users["countystaff"], inspection=inspection, placement=world.placement,
            result=R.ON_POST, today=D(2026, 6, 12),
        )
    with pytest.raises(DailyError, match="不能删除"):
        services.inspection_check_delete(acting_user=world.users["countystaff"], check=check)


def test_R13_absent_with_reason_not_unauthorised_makes_no_violation(world):
    inspection = on_post_check(world, D(2026, 6, 12))
    services.inspection_check_record(
        acting_user=world.users["countystaff"], inspection=inspection, placement=world.placement, result=R.ABSENT,
        absence_reason="经镇党委书记同意外出开会", today=D(2026, 6, 12),
    )
    assert not Violation.objects.exists()


def test_R13_checks_only_for_placements_on_post_that_day(world):
    inspection = on_post_check(world, D(2026, 3, 1))  # the day before 李明 arrived
    with pytest.raises(DailyError, match="不在挂职期内"):
        services.inspection_check_record(
            acting_user=world.users["countystaff"], inspection=inspection, placement=world.placement, result=R.ON_POST,
            today=D(2026, 3, 1),
        )


def test_R13_D1_checks_staff_only_and_within_subtree(world):
    inspection = on_post_check(world, D(2026, 6, 12))
    for who in ("gaopingstaff", "hzstaff", "hostunit", "hostclerk", "cadre", "nobody"):
        with pytest.raises(DailyAccessDenied):
            services.inspection_check_record(
                acting_user=world.users[who], inspection=inspection, placement=world.placement, result=R.ON_POST,
                today=D(2026, 6, 12),
            )
    # Staff above (the city) may record in the county's inspection.
    services.inspection_check_record(
        acting_user=world.users["orgstaff"], inspection=inspection, placement=world.placement, result=R.ON_POST,
        today=D(2026, 6, 12),
    )
    with pytest.raises(DailyAccessDenied):
        services.inspection_plan(acting_user=world.users["gaopingstaff"], department=world.zezhou,
                                 kind=Inspection.Kind.SCHEDULED, date=D(2026, 7, 1), inspectors="x", today=D(2026, 6, 1))


def test_R13_inspection_transitions_name_both_states(world):
    planned = services.inspection_plan(
        acting_user=world.users["countystaff"], department=world.zezhou, kind=Inspection.Kind.SCHEDULED,
        date=D(2026, 7, 1), inspectors="组织科", today=D(2026, 6, 1),
    )
    assert planned.status == Inspection.Status.PLANNED
    with pytest.raises(DailyError, match="还未到"):
        services.inspection_complete(acting_user=world.users["countystaff"], inspection=planned, today=D(2026, 6, 30))
    services.inspection_complete(acting_user=world.users["countystaff"], inspection=planned, notes="按计划进行",
                                 today=D(2026, 7, 1))
    planned.refresh_from_db()
    assert planned.status == Inspection.Status.DONE
    with pytest.raises(DailyError, match="巡查不能从“已完成”变为“已取消”"):
        services.inspection_cancel(acting_user=world.users["countystaff"], inspection=planned, reason="改期")
    with pytest.raises(DailyError, match="巡查不能从“已完成”变为“已完成”"):
        services.inspection_complete(acting_user=world.users["countystaff"], inspection=planned, today=D(2026, 7, 2))
    assert AuditLog.objects.filter(action="inspection_done", target_id=str(planned.pk)).exists()


def test_R13_plan_in_past_and_record_in_future_refused(world):
    kw = dict(acting_user=world.users["countystaff"], department=world.zezhou, kind=Inspection.Kind.SCHEDULED,
              inspectors="组织科", today=D(2026, 6, 1))
    with pytest.raises(DailyError, match="已过"):
        services.inspection_plan(date=D(2026, 5, 1), **kw)
    with pytest.raises(DailyError, match="晚于今天"):
        services.inspection_record(date=D(2026, 6, 2), **kw)
    cancelled = services.inspection_plan(date=D(2026, 6, 20), **kw)
    services.inspection_cancel(acting_user=world.users["countystaff"], inspection=cancelled, reason="防汛任务")
    cancelled.refresh_from_db()
    assert cancelled.status == Inspection.Status.CANCELLED and "防汛任务" in cancelled.notes


# --- Quarterly tracking (安丘, R13) --------------------------------------------------------------


def test_R13_quarterly_tracking_missing(world):
    placements = Placement.objects.all()
    assert world.placement not in inspections_missing(placements, 2026, 2)  # the program does not ask for it
    program_services.program_policy_update(acting_user=world.admin, program=world.program, quarterly_inspection=True)
    assert list(inspections_missing(placements, 2026, 2)) == [world.placement]
    q1 = on_post_check(world, D(2026, 3, 20))
    services.inspection_check_record(acting_user=world.users["countystaff"], inspection=q1, placement=world.placement,
                                     result=R.ON_POST, today=D(2026, 3, 20))
    assert world.placement not in inspections_missing(placements, 2026, 1)
    assert world.placement in inspections_missing(placements, 2026, 2)  # Q1's check does not count for Q2
    q2 = on_post_check(world, D(2026, 5, 12))
    services.inspection_check_record(acting_user=world.users["countystaff"], inspection=q2, placement=world.placement,
                                     result=R.ON_POST, today=D(2026, 5, 12))
    assert world.placement not in inspections_missing(placements, 2026, 2)
    # Before the cadre arrived there is nothing to miss.
    assert world.placement not in inspections_missing(placements, 2025, 4)


# --- Attendance (R13, D3, D6) --------------------------------------------------------------------


def _april_leave_and_absence(world):
    approved_leave(world, D(2026, 4, 8), D(2026, 4, 9), start_afternoon=True)  # 1.5 days
    returned = approved_leave(world, D(2026, 4, 20), D(2026, 4, 22))  # back on 04-22 morning: 2 days taken
    leave_services.leave_return_report(acting_user=world.users["cadre"], leave=returned,
                                       actual_return_date=D(2026, 4, 22), today=D(2026, 4, 22))
    approved_leave(world, D(2026, 4, 29), D(2026, 5, 6))  # 04-29, 04-30 | 05-01..05-05 劳动节 | 05-06
    services.violation_record(acting_user=world.users["hostclerk"], placement=world.placement, start_date=D(2026, 4, 15),
                              end_date=D(2026, 4, 15), description="擅自离岗一天", today=D(2026, 4, 16))


def test_R13_D3_attendance_fill_counts_half_days_returned_leave_and_holidays(world):
    _april_leave_and_absence(world)
    row = services.attendance_month_fill(acting_user=world.users["hostclerk"], placement=world.placement, month=D(2026, 4, 1))
    # April 2026: 22 weekdays, 04-06 清明 off → 21 working days.
    assert row.working_days == Decimal(21)
    assert row.leave_days == Decimal("5.5")  # 1.5 + 2 (returned early) + 2 (clipped to April)
    assert row.absence_days == Decimal(1)
    assert row.present_days == Decimal("14.5")
    assert row.confirmed_at is None
    may = services.attendance_month_fill(placement=world.placement, month=D(2026, 5, 1))
    # May 2026: 21 weekdays − 05-01, 05-04, 05-05 + the 05-09 make-up Saturday = 19.
    assert (may.working_days, may.leave_days) == (Decimal(19), Decimal(1))
    march = services.attendance_month_fill(placement=world.placement, month=D(2026, 3, 1))
    assert march.working_days == Decimal(22)  # from 03-02, the day 李明 arrived


def test_D6_attendance_confirm_only_by_host_clerk_or_approver_of_that_unit(world):
    _april_leave_and_absence(world)
    for who in ("gphost", "countystaff", "orgstaff", "sendunit", "cadre", "mentor", "township", "nobody"):
        with pytest.raises(DailyAccessDenied):
            services.attendance_month_confirm(acting_user=world.users[who], placement=world.placement,
                                              month=D(2026, 4, 1), today=D(2026, 5, 5))
    assert not AttendanceMonth.objects.exists()
    row = services.attendance_month_confirm(acting_user=world.users["hostclerk"], placement=world.placement,
                                            month=D(2026, 4, 1), business_trip_days=Decimal("2.5"), note="赴省里培训",
                                            today=D(2026, 5, 5))
    assert (row.leave_days, row.absence_days, row.business_trip_days) == (Decimal("5.5"), Decimal(1), Decimal("2.5"))
    assert row.confirmed_by == world.users["hostclerk"] and row.confirmed_at is not None
    assert AuditLog.objects.filter(action="attendance_month_confirm", target_id=str(row.pk)).exists()
    with pytest.raises(DailyError, match="不能重复确认"):
        services.attendance_month_confirm(acting_user=world.users["hostunit"], placement=world.placement,
                                          month=D(2026, 4, 1), today=D(2026, 5, 5))
    with pytest.raises(DailyError, match="已确认，不能重新计算"):
        services.attendance_month_fill(placement=world.placement, month=D(2026, 4, 1))
    # The approver may confirm too.
    services.attendance_month_confirm(acting_user=world.users["hostunit"], placement=world.placement,
                                      month=D(2026, 3, 1), today=D(2026, 5, 5))


def test_D6_attendance_confirm_from_the_months_last_day_and_within_placement(world):
    kw = dict(acting_user=world.users["hostclerk"], placement=world.placement)
    with pytest.raises(DailyError, match="尚未结束"):
        services.attendance_month_confirm(month=D(2026, 4, 1), today=D(2026, 4, 29), **kw)
    services.attendance_month_confirm(month=D(2026, 4, 1), today=D(2026, 4, 30), **kw)
    with pytest.raises(DailyError, match="不在 李明 的挂职期内"):
        services.attendance_month_confirm(month=D(2026, 2, 1), today=D(2026, 4, 30), **kw)
    with pytest.raises(DailyError, match="出差天数"):
        services.attendance_month_confirm(month=D(2026, 3, 1), business_trip_days=Decimal("0.3"), today=D(2026, 4, 30), **kw)
    with pytest.raises(DailyError, match="超过"):
        services.attendance_month_confirm(month=D(2026, 3, 1), business_trip_days=30, today=D(2026, 4, 30), **kw)


def test_R13_attendance_months_missing_before_current_month(world):
    services.attendance_month_confirm(acting_user=world.users["hostclerk"], placement=world.placement,
                                      month=D(2026, 4, 1), today=D(2026, 6, 15))
    missing = attendance_months_missing(Placement.objects.all(), D(2026, 6, 15))
    assert [(p.pk, m) for p, m in missing] == [(world.placement.pk, D(2026, 3, 1)), (world.placement.pk, D(2026, 5, 1))]
    program_services.program_policy_update(acting_user=world.admin, program=world.program, attendance_required=False)
    assert attendance_months_missing(Placement.objects.all(), D(2026, 6, 15)) == []
    with pytest.raises(DailyError, match="未要求挂职单位考勤"):
        services.attendance_month_confirm(acting_user=world.users["hostclerk"], placement=world.placement,
                                          month=D(2026, 5, 1), today=D(2026, 6, 15))


# --- Contacts and problems (R13) -----------------------------------------------------------------


def test_R13_contacts_staff_only(world):
    kw = dict(placement=world.placement, party=Contact.Party.HOST_UNIT, date=D(2026, 5, 6), with_whom="镇党委书记",
              content="工作积极，融入较快", today=D(2026, 5, 7))
    for who in ("hostunit", "hostclerk", "cadre", "sendunit", "gaopingstaff"):
        with pytest.raises(DailyAccessDenied):
            services.contact_record(acting_user=world.users[who], **kw)
    contact = services.contact_record(acting_user=world.users["countystaff"], **kw)
    assert contact in selectors.contacts_visible_to(world.users["countystaff"])
    assert contact not in selectors.contacts_visible_to(world.users["hostunit"])
    assert contact not in selectors.contacts_visible_to(world.users["cadre"])
    with pytest.raises(DailyError, match="晚于今天"):
        services.contact_record(acting_user=world.users["countystaff"], **{**kw, "date": D(2026, 5, 8)})
    services.contact_update(acting_user=world.users["countystaff"], contact=contact, content="补充：住宿已解决")
    services.contact_delete(acting_user=world.users["countystaff"], contact=contact)
    assert not Contact.objects.exists()
    assert AuditLog.objects.filter(action="contact_delete").exists()


def test_R13_problem_followed_to_solution(world):
    problem = services.problem_record(
        acting_user=world.users["countystaff"], placement=world.placement, category=Problem.Category.FAMILY,
        raised_on=D(2026, 5, 6), description="子女入学", today=D(2026, 5, 7),
    )
    assert problem.status == Problem.Status.OPEN
    with pytest.raises(DailyError, match="解决情况"):
        services.problem_solve(acting_user=world.users["countystaff"], problem=problem, solution="", solved_on=D(2026, 5, 20),
                               today=D(2026, 6, 1))
    with pytest.raises(DailyError, match="解决日期"):
        services.problem_solve(acting_user=world.users["countystaff"], problem=problem, solution="已协调", solved_on=None,
                               today=D(2026, 6, 1))
    with pytest.raises(DailyError, match="早于提出日期"):
        services.problem_solve(acting_user=world.users["countystaff"], problem=problem, solution="已协调",
                               solved_on=D(2026, 5, 1), today=D(2026, 6, 1))
    with pytest.raises(DailyAccessDenied):
        services.problem_solve(acting_user=world.users["gaopingstaff"], problem=problem, solution="已协调",
                               solved_on=D(2026, 5, 20), today=D(2026, 6, 1))
    services.problem_solve(acting_user=world.users["countystaff"], problem=problem, solution="已协调就近入学",
                           solved_on=D(2026, 5, 20), today=D(2026, 6, 1))
    problem.refresh_from_db()
    assert (problem.status, problem.solved_by) == (Problem.Status.SOLVED, world.users["countystaff"])
    with pytest.raises(DailyError, match="问题不能从“已解决”变为“已解决”"):
        services.problem_solve(acting_user=world.users["countystaff"], problem=problem, solution="再次",
                               solved_on=D(2026, 5, 21), today=D(2026, 6, 1))
    # The cadre sees their own problems (placement scope); other departments do not.
    assert problem in selectors.problems_visible_to(world.users["cadre"])
    assert problem not in selectors.problems_visible_to(world.users["gaopingstaff"])


def test_R13_attendance_months_older_than_a_year_are_history(world):
    missing = attendance_months_missing(Placement.objects.all(), D(2027, 8, 10))
    assert [m for _p, m in missing][0] == D(2026, 8, 1)


def test_demo_supervision_seed_is_idempotent(db):
    from daily.demo import supervision_seed
    from programs.demo.builder import DemoBuilder, DemoPlan
    from programs.demo.registry import DemoRegistry

    registry = DemoRegistry()
    DemoBuilder(DemoPlan(D(2026, 11, 28)), registry).build()
    first = supervision_seed(registry=registry, today=D(2026, 11, 28))
    assert first["violations"] == 1 and first["inspections"] == 3
    assert first["attendance months"] > 0 and first["contacts"] > 0 and first["problems"] == 3
    assert AttendanceMonth.objects.filter(confirmed_at__isnull=True).exists()
    assert AttendanceMonth.objects.filter(confirmed_at__isnull=False).exists()
    assert Problem.objects.filter(status=Problem.Status.OPEN).exists()
    assert inspections_missing(Placement.objects.all(), 2026, 3).exists()  # 安丘's other half
    assert set(supervision_seed(registry=registry, today=D(2026, 11, 28)).values()) == {0}
