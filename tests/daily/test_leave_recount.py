"""D3 and R11 over 2027 before and after its holiday schedule is entered: leave over a year with
no schedule is counted with the days off by law and marked provisional wherever it is shown;
when the schedule arrives, requests at their first step are recounted and re-routed, later ones
are flagged for staff review and not changed. Today is 2026-12-08 in every test."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditLog, Notification
from daily.models import LeaveRequest, LeaveStep
from daily.services import leave as leave_services
from daily.services.leave_recount import leave_schedule_review_done
from programs.holiday_notice import notice_parse
from programs.holiday_schedule import holiday_notice_enter
from tests.daily.conftest import request_leave
from tests.programs.test_holiday_schedule import NOTICE_2027

D = dt.date
S = LeaveRequest.Status
pytestmark = pytest.mark.django_db
PROVISIONAL = "暂按法定节假日计算"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 12, 8, 10, tzinfo=dt.timezone.utc), tick=False):
        yield


def enter_2027(world):
    return holiday_notice_enter(acting_user=world.users["orgstaff"], notice=notice_parse(NOTICE_2027))


def notifications(user, text=""):
    return list(Notification.objects.filter(recipient=user, body__contains=text).order_by("id"))


def test_D3_leave_over_spring_festival_2027_is_not_counted_six_days_and_escalated(world):
    leave = request_leave(world, D(2027, 2, 5), D(2027, 2, 12))
    # By law: 2-5 (除夕) to 2-8 and 2-9, 2-10 in lieu of the weekend days; 2-11 and 2-12 remain.
    assert (leave.days, leave.escalated, leave.department, leave.days_provisional) == (Decimal(2), False, None, True)
    assert AuditLog.objects.get(action="leave_submit", target_id=str(leave.pk)).data["days_provisional"] is True
    [asked] = notifications(world.users["hostunit"])
    assert "共 2 天。天数暂按法定节假日计算，待国务院公布节假日安排后核定。" in asked.body


def test_D3_a_first_step_request_left_with_no_working_day_is_withdrawn_when_the_year_arrives(world):
    leave = request_leave(world, D(2027, 2, 5), D(2027, 2, 12))
    entered = enter_2027(world)
    leave.refresh_from_db()
    assert leave.status == S.CANCELLED and leave.days == Decimal(2)
    step = leave.steps.get(action=LeaveStep.Action.RECOUNT)
    assert (step.to_status, step.actor) == (S.CANCELLED, world.users["orgstaff"])
    assert "所请日期均为节假日或休息日" in step.opinion
    assert AuditLog.objects.filter(action="leave_recount", target_id=str(leave.pk)).exists()
    assert notifications(world.users["cadre"], "申请自动撤销")
    assert entered.follow_up == ["重新计算了 1 件待挂职单位审批的请假。"]


def test_D3_a_first_step_request_is_recounted_and_de_escalated(world):
    leave = request_leave(world, D(2027, 2, 9), D(2027, 2, 16))
    assert (leave.days, leave.escalated, leave.department) == (Decimal(4), True, world.zezhou)
    enter_2027(world)
    leave.refresh_from_db()
    # The notice: 2-5 to 2-13 off; 2-15 and 2-16 remain, within the host unit's 3 days.
    assert (leave.status, leave.days, leave.escalated, leave.escalation_mode, leave.department, leave.days_provisional) == (
        S.PENDING_HOST, Decimal(2), False, "", None, False)
    step = leave.steps.get(action=LeaveStep.Action.RECOUNT)
    assert step.opinion == "2027年节假日安排已录入，请假天数由 4 天重新计算为 2 天；在 3 天以内，由挂职单位审批。"
    audit = AuditLog.objects.get(action="leave_recount", target_id=str(leave.pk))
    assert audit.data["before"] == {"days": "4.0", "escalated": True, "department": world.zezhou.pk, "provisional": True,
                                   "combined_days": None}
    assert audit.data["after"] == {"days": "2", "escalated": False, "department": None, "provisional": False,
                                  "combined_days": None}
    first, second = notifications(world.users["hostunit"])
    assert first.read_at is not None and "4 天" in first.title  # the old request to act is closed
    assert second.read_at is None and second.title == "请审批：李明 请假 2 天" and PROVISIONAL not in second.body
    assert notifications(world.users["cadre"], "重新计算为 2 天")
    # The host unit now decides alone.
    leave_services.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == S.APPROVED


def test_D3_a_first_step_request_is_escalated_when_a_make_up_day_adds_a_working_day(world):
    leave = request_leave(world, D(2027, 1, 28), D(2027, 2, 1))
    assert (leave.days, leave.escalated) == (Decimal(3), False)
    enter_2027(world)
    leave.refresh_from_db()
    # 1-31 (Sunday) is worked for 春节: four days, over the threshold, to the cadre's department.
    assert (leave.days, leave.escalated, leave.escalation_mode, leave.department) == (Decimal(4), True, "approval", world.zezhou)
    assert "超过 3 天，经挂职单位同意后报泽州县委组织部审批" in leave.steps.get(action=LeaveStep.Action.RECOUNT).opinion


def test_D3_a_recount_routes_a_request_with_the_earlier_ones_it_joins_and_never_reopens_them(world):
    earlier = request_leave(world, D(2027, 1, 26), D(2027, 1, 27))
    later = request_leave(world, D(2027, 1, 28), D(2027, 2, 1))
    assert (later.days, later.combined_days, later.escalated) == (Decimal(3), Decimal(5), True)
    enter_2027(world)
    later.refresh_from_db()
    earlier.refresh_from_db()
    # 1-31 is worked for 春节: the later request counts 4, and 6 together with the earlier one.
    assert (later.days, later.combined_days, later.escalated, later.department) == (Decimal(4), Decimal(6), True, world.zezhou)
    assert list(later.joined_requests.all()) == [earlier]
    audit = AuditLog.objects.get(action="leave_recount", target_id=str(later.pk))
    assert audit.data["before"]["combined_days"] == "5" and audit.data["after"]["combined_days"] == "6"
    # The earlier request keeps the route it was given when it was made.
    assert (earlier.days, earlier.combined_days, earlier.escalated, earlier.status) == (Decimal(2), None, False, S.PENDING_HOST)
    assert earlier.steps.get(action=LeaveStep.Action.RECOUNT).opinion.endswith("请假天数 2 天经核定无变化。")


def test_D3_a_request_past_its_first_step_is_flagged_for_review_not_changed(client, world):
    leave = request_leave(world, D(2027, 2, 9), D(2027, 2, 16))
    leave_services.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    entered = enter_2027(world)
    leave.refresh_from_db()
    assert (leave.status, leave.days, leave.escalated, leave.department) == (S.PENDING_DEPARTMENT, Decimal(4), True, world.zezhou)
    assert (leave.schedule_review, leave.schedule_review_days) == (True, Decimal(2))
    step = leave.steps.get(action=LeaveStep.Action.RECOUNT)
    assert step.from_status == step.to_status == S.PENDING_DEPARTMENT
    flag = AuditLog.objects.get(action="leave_schedule_review_flag", target_id=str(leave.pk))
    assert flag.data == {"year": 2027, "days": "4.0", "review_days": "2", "status": "pending_department"}
    assert notifications(world.users["countystaff"], "按公布的安排应为 2 天（原按 4 天办理）")
    assert entered.follow_up == ["1 件已进入后续环节的请假天数有变化，已标为“节假日安排公布后待复核”。"]

    staff = world.users["countystaff"]
    client.force_login(staff)
    listed = client.get(reverse("admin:daily_leaverequest_changelist") + "?schedule_review=1")
    assert list(listed.context["cl"].result_list) == [leave]
    assert "4 天（应为 2 天，待复核）" in listed.content.decode()
    leave_schedule_review_done(acting_user=staff, leave=leave, opinion="已与挂职单位核对")
    leave.refresh_from_db()
    assert leave.schedule_review is False and leave.status == S.PENDING_DEPARTMENT
    assert leave.steps.filter(action=LeaveStep.Action.SCHEDULE_REVIEW, actor=staff).exists()
    assert AuditLog.objects.filter(action="leave_schedule_review", actor=staff, target_id=str(leave.pk)).exists()


def test_D3_review_is_refused_to_unit_roles(world):
    leave = request_leave(world, D(2027, 2, 9), D(2027, 2, 16))
    leave_services.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    enter_2027(world)
    from daily.exceptions import DailyAccessDenied

    with pytest.raises(DailyAccessDenied):
        leave_schedule_review_done(acting_user=world.users["hostunit"], leave=leave)
    leave.refresh_from_db()
    assert leave.schedule_review is True


def test_D3_provisional_days_are_marked_on_every_page_that_shows_them(client, world):
    leave = request_leave(world, D(2027, 2, 15), D(2027, 2, 16))
    client.force_login(world.users["cadre"])
    form = client.get(reverse("daily:leave_create")).content.decode()
    assert "2027年节假日安排尚未公布" in form
    for url in (reverse("daily:leave_list"), reverse("daily:leave_detail", kwargs={"pk": leave.pk}), reverse("portal:home")):
        assert PROVISIONAL in client.get(url).content.decode(), url
    client.force_login(world.users["countystaff"])
    listed = client.get(reverse("admin:daily_leaverequest_changelist")).content.decode()
    assert '<span title="2 天（暂按法定节假日计算，待国务院公布安排后核定）">2 天（暂定）</span>' in listed
    change = client.get(reverse("admin:daily_leaverequest_change", args=[leave.pk])).content.decode()
    assert "2 天（暂按法定节假日计算，待国务院公布安排后核定）" in change
    enter_2027(world)
    client.force_login(world.users["cadre"])
    assert PROVISIONAL not in client.get(reverse("daily:leave_detail", kwargs={"pk": leave.pk})).content.decode()


def test_D3_leave_within_an_entered_year_is_not_provisional(world):
    leave = request_leave(world, D(2026, 12, 14), D(2026, 12, 15))
    assert (leave.days, leave.days_provisional) == (Decimal(2), False)


def test_D3_a_confirmed_count_is_no_longer_provisional_and_asks_nobody_again(world):
    leave = request_leave(world, D(2027, 2, 23), D(2027, 2, 24))  # no holiday that week, by law or notice
    assert (leave.days, leave.days_provisional) == (Decimal(2), True)
    enter_2027(world)
    leave.refresh_from_db()
    assert (leave.status, leave.days, leave.days_provisional) == (S.PENDING_HOST, Decimal(2), False)
    assert leave.steps.get(action=LeaveStep.Action.RECOUNT).opinion == "2027年节假日安排已录入，请假天数 2 天经核定无变化。"
    [asked] = notifications(world.users["hostunit"])
    assert asked.read_at is None  # the approvers' request stands; no second one
    assert not notifications(world.users["cadre"])
