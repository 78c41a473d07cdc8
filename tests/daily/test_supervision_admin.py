"""The supervision admin (R11, R13, D1, D6): rows scoped by department, writes through the
services, the 解决 and 取消 actions, quarterly tracking and read-only attendance."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditLog
from daily.models import (
    Contact,
    Inspection,
    InspectionCheck,
    Problem,
    Violation,
)
from daily.services import supervision as services
from programs import services as program_services

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = dt.datetime(2026, 6, 15, 10, 0)
MODELS = ["violation", "inspection", "attendancemonth", "contact", "problem"]


def url(model, view="changelist", *args):
    return reverse(f"admin:daily_{model}_{view}", args=args)


def rows(response) -> set:
    assert response.status_code == 200, response.status_code
    return set(response.context["cl"].result_list)


@pytest.fixture
def records(world):
    """One row of each supervision model for 李明 (泽州), written through the services."""
    with time_machine.travel(TODAY, tick=False):
        staff = world.users["countystaff"]
        inspection = services.inspection_record(acting_user=staff, department=world.zezhou,
                                                kind=Inspection.Kind.ON_POST_CHECK, date=D(2026, 6, 10), inspectors="组织科")
        services.inspection_check_record(acting_user=staff, inspection=inspection, placement=world.placement,
                                         result=InspectionCheck.Result.ABSENT, absence_reason="无故外出", unauthorised=True)
        return {
            "violation": Violation.objects.get(),
            "inspection": inspection,
            "attendancemonth": services.attendance_month_confirm(acting_user=world.users["hostclerk"],
                                                                 placement=world.placement, month=D(2026, 5, 1)),
            "contact": services.contact_record(acting_user=staff, placement=world.placement, party="sending_unit",
                                               date=D(2026, 6, 1), with_whom="派出单位办公室", content="了解原单位工作衔接"),
            "problem": services.problem_record(acting_user=staff, placement=world.placement, category="work",
                                               raised_on=D(2026, 6, 1), description="缺少办公用房"),
        }


@pytest.mark.parametrize("model", MODELS)
def test_D1_staff_admin_pages_scoped(client, world, records, model):
    obj = records[model]
    for who in ("countystaff", "orgstaff"):
        client.force_login(world.users[who])
        assert obj in rows(client.get(url(model))), who
        assert client.get(url(model, "change", obj.pk)).status_code == 200
    for who in ("gaopingstaff", "hzstaff"):
        client.force_login(world.users[who])
        assert obj not in rows(client.get(url(model))), who
        assert client.get(url(model, "change", obj.pk)).status_code == 404


@pytest.mark.parametrize("who", ["hostunit", "cadre", "nobody"])
def test_D6_non_staff_kept_out_of_admin(client, world, who):
    client.force_login(world.users[who])
    for model in MODELS:
        response = client.get(url(model))
        assert response.status_code == 302 and "login" in response["Location"]


@time_machine.travel(TODAY, tick=False)
def test_R13_R11_admin_records_inspection_with_absent_check_through_services(client, world):
    client.force_login(world.users["countystaff"])
    response = client.post(url("inspection", "add"), {
        "department": world.zezhou.pk, "kind": "on_post_check", "date": "2026-06-12", "inspectors": "组织科 王、李",
        "notes": "",
        "checks-TOTAL_FORMS": "1", "checks-INITIAL_FORMS": "0", "checks-MIN_NUM_FORMS": "0", "checks-MAX_NUM_FORMS": "1000",
        "checks-0-placement": world.placement.pk, "checks-0-result": "absent", "checks-0-absence_reason": "无故不在岗",
        "checks-0-notes": "", "checks-0-unauthorised": "on",
    })
    assert response.status_code == 302, response.context["errors"] if response.context else response
    inspection = Inspection.objects.get()
    assert inspection.status == Inspection.Status.DONE and inspection.created_by == world.users["countystaff"]
    check = InspectionCheck.objects.get()
    assert check.violation.source == Violation.Source.INSPECTION
    assert AuditLog.objects.filter(action="inspection_record").exists()
    assert AuditLog.objects.filter(action="violation_record").exists()


@time_machine.travel(TODAY, tick=False)
def test_R13_admin_refusal_shows_on_form_and_rolls_back(client, world):
    client.force_login(world.users["countystaff"])
    response = client.post(url("inspection", "add"), {
        "department": world.zezhou.pk, "kind": "on_post_check", "date": "2026-06-12", "inspectors": "组织科",
        "notes": "",
        "checks-TOTAL_FORMS": "1", "checks-INITIAL_FORMS": "0", "checks-MIN_NUM_FORMS": "0", "checks-MAX_NUM_FORMS": "1000",
        "checks-0-placement": world.placement.pk, "checks-0-result": "on_leave", "checks-0-absence_reason": "",
        "checks-0-notes": "",
    })
    assert response.status_code == 200
    assert "没有已批准的请假" in response.content.decode()
    assert not Inspection.objects.exists() and not InspectionCheck.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_R13_admin_plans_and_cancel_action_names_states(client, world, records):
    client.force_login(world.users["countystaff"])
    response = client.post(url("inspection", "add"), {
        "department": world.zezhou.pk, "kind": "scheduled", "date": "2026-07-01", "inspectors": "组织科", "planned": "on",
        "notes": "", "checks-TOTAL_FORMS": "0", "checks-INITIAL_FORMS": "0", "checks-MIN_NUM_FORMS": "0",
        "checks-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302
    planned = Inspection.objects.get(status=Inspection.Status.PLANNED)
    done = records["inspection"]
    response = client.post(url("inspection"), {
        "action": "action_cancel", "_selected_action": [planned.pk, done.pk], "apply": "1", "reason": "防汛",
    }, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert any("巡查不能从“已完成”变为“已取消”" in t for t in texts)
    assert any("已取消 1 次巡查" in t for t in texts)
    planned.refresh_from_db()
    assert planned.status == Inspection.Status.CANCELLED


@time_machine.travel(TODAY, tick=False)
def test_R13_problem_solve_action(client, world, records):
    problem = records["problem"]
    client.force_login(world.users["countystaff"])
    assert problem in rows(client.get(url("problem"), {"status__exact": "open"}))
    page = client.post(url("problem"), {"action": "action_solve", "_selected_action": [problem.pk]})
    assert page.status_code == 200 and "解决情况" in page.content.decode()
    client.post(url("problem"), {"action": "action_solve", "_selected_action": [problem.pk], "apply": "1",
                                 "solution": "镇里调剂了一间办公室", "solved_on": "2026-06-12"})
    problem.refresh_from_db()
    assert problem.status == Problem.Status.SOLVED and problem.solved_by == world.users["countystaff"]
    assert problem not in rows(client.get(url("problem"), {"status__exact": "open"}))
    # gaopingstaff cannot reach it even by posting its id.
    other = services.problem_record(acting_user=world.users["countystaff"], placement=world.placement,
                                    category="family", raised_on=D(2026, 6, 2), description="配偶工作")
    client.force_login(world.users["gaopingstaff"])
    client.post(url("problem"), {"action": "action_solve", "_selected_action": [other.pk], "apply": "1",
                                 "solution": "x", "solved_on": "2026-06-12"})
    other.refresh_from_db()
    assert other.status == Problem.Status.OPEN


@time_machine.travel(TODAY, tick=False)
def test_D6_attendance_read_only_for_staff_with_unconfirmed_filter(client, world, records):
    unconfirmed = services.attendance_month_fill(placement=world.placement, month=D(2026, 4, 1))
    client.force_login(world.users["countystaff"])
    assert rows(client.get(url("attendancemonth"), {"confirmed": "no"})) == {unconfirmed}
    assert rows(client.get(url("attendancemonth"), {"confirmed": "yes"})) == {records["attendancemonth"]}
    assert client.get(url("attendancemonth", "add")).status_code == 403
    response = client.post(url("attendancemonth", "change", unconfirmed.pk), {"business_trip_days": "3"})
    assert response.status_code == 403
    unconfirmed.refresh_from_db()
    assert unconfirmed.business_trip_days == 0


@time_machine.travel(TODAY, tick=False)
def test_R13_quarterly_tracking_missing_page_scoped(client, world):
    program_services.program_policy_update(acting_user=world.admin, program=world.program, quarterly_inspection=True)
    page = reverse("admin:daily_inspection_quarterly_missing")
    client.force_login(world.users["countystaff"])
    assert world.placement in list(client.get(page).context["placements"])
    assert "缺少季度跟踪考察" in client.get(url("inspection")).content.decode()
    client.force_login(world.users["gaopingstaff"])
    assert list(client.get(page).context["placements"]) == []


@time_machine.travel(TODAY, tick=False)
def test_R11_admin_adds_violation_and_corrects_description_only(client, world):
    client.force_login(world.users["countystaff"])
    response = client.post(url("violation", "add"), {
        "placement": world.placement.pk, "kind": "absence", "start_date": "2026-06-01", "end_date": "2026-06-02",
        "description": "两天未到岗",
    })
    assert response.status_code == 302
    violation = Violation.objects.get()
    assert violation.source == Violation.Source.DEPARTMENT and violation.days == 2
    client.post(url("violation", "change", violation.pk), {"description": "两天未到岗,已谈话提醒", "start_date": "2026-05-01"})
    violation.refresh_from_db()
    assert violation.description == "两天未到岗,已谈话提醒" and violation.start_date == D(2026, 6, 1)


@time_machine.travel(TODAY, tick=False)
def test_R13_admin_contact_crud_through_services(client, world):
    client.force_login(world.users["countystaff"])
    response = client.post(url("contact", "add"), {
        "placement": world.placement.pk, "kind": "contact", "party": "host_unit", "date": "2026-06-10",
        "with_whom": "镇长", "content": "表现良好",
    })
    assert response.status_code == 302
    contact = Contact.objects.get()
    client.post(url("contact", "delete", contact.pk), {"post": "yes"})
    assert not Contact.objects.exists()
    assert AuditLog.objects.filter(action__in=["contact_record", "contact_delete"]).count() == 2
