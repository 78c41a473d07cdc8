"""Leave in the portal and the admin (R11, D6): who sees which page, who may act, and that a
refused request leaves the database unchanged."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from daily.models import LeaveRequest
from daily.services import leave as L
from tests.daily.conftest import FRI, MON, request_leave
from tests.factories import PASSWORD

S = LeaveRequest.Status
pytestmark = pytest.mark.django_db

ALL_USERS = ["orgstaff", "countystaff", "gaopingstaff", "hzstaff", "hostunit", "hostclerk", "gphost", "township",
             "sendunit", "cadre", "othercadre", "mentor", "nobody"]


def client_for(client, world, username):
    client.force_login(world.users[username])
    return client


def snapshot():
    return list(LeaveRequest.objects.order_by("pk").values_list("pk", "status", "decided_at", "filing_acknowledged_at"))


# --- list -----------------------------------------------------------------------------------------


def test_D6_leave_list_needs_a_login_and_a_role(client, world):
    response = client.get(reverse("daily:leave_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(client, world, "nobody").get(reverse("daily:leave_list")).status_code == 403


@pytest.mark.parametrize("username,sees", [
    ("cadre", True), ("hostunit", True), ("hostclerk", True), ("township", False), ("sendunit", True), ("mentor", True),
    ("countystaff", True), ("orgstaff", True),
    ("othercadre", False), ("gphost", False), ("gaopingstaff", False), ("hzstaff", False),
])
def test_D6_leave_list_shows_only_requests_in_scope(client, world, username, sees):
    request_leave(world, MON, reason="回家办理房产手续")
    response = client_for(client, world, username).get(reverse("daily:leave_list"))
    assert response.status_code == 200
    assert ("回家办理房产手续" in response.content.decode() or "李明" in response.content.decode()) is sees


def test_R11_leave_list_filters_waiting_and_overdue(client, world):
    pending = request_leave(world, MON)
    done = request_leave(world, dt.date(2026, 6, 15))
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=done, approve=True)
    c = client_for(client, world, "hostunit")
    waiting = c.get(reverse("daily:leave_list"), {"waiting": "on"})
    assert [leave.pk for leave, _ in waiting.context["rows"]] == [pending.pk]
    with time_machine.travel(dt.datetime(2026, 6, 20, 9, tzinfo=dt.timezone.utc)):
        overdue = c.get(reverse("daily:leave_list"), {"overdue": "on"})
    assert [leave.pk for leave, _ in overdue.context["rows"]] == [done.pk]
    assert "超期未销假" in overdue.content.decode()


def test_leave_list_pages_keep_the_filters(client, world, monkeypatch):
    monkeypatch.setattr("daily.views.PAGE_SIZE", 1)
    first, second = request_leave(world, MON), request_leave(world, dt.date(2026, 6, 15))
    c = client_for(client, world, "hostunit")
    page1 = c.get(reverse("daily:leave_list"), {"waiting": "on"})
    assert [leave.pk for leave, _ in page1.context["rows"]] == [second.pk]
    assert 'href="?waiting=on&amp;page=2"' in page1.content.decode() and "第 1 / 2 页" in page1.content.decode()
    page2 = c.get(reverse("daily:leave_list"), {"waiting": "on", "page": "2"})
    assert [leave.pk for leave, _ in page2.context["rows"]] == [first.pk]


# --- request --------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["hostunit", "countystaff", "sendunit", "mentor", "nobody"])
def test_D6_only_cadres_open_the_leave_form(client, world, username):
    assert client_for(client, world, username).get(reverse("daily:leave_create")).status_code == 403


def test_R11_cadre_requests_leave_in_the_portal(client, world):
    c = client_for(client, world, "cadre")
    page = c.get(reverse("daily:leave_create"))
    assert page.status_code == 200 and "3 天以内（含）由挂职单位审批" in page.content.decode()
    response = c.post(reverse("daily:leave_create"), {
        "kind": "personal", "start_date": "2026-06-08", "end_date": "2026-06-12", "end_noon": "on", "reason": "孩子升学",
    })
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("daily:leave_detail", args=[leave.pk])
    assert leave.days == 4.5 and leave.escalated and leave.requested_by == world.users["cadre"]
    detail = c.get(response["Location"]).content.decode()
    assert "待挂职单位审批" in detail and "泽州县委组织部" in detail


def test_R11_refused_request_shows_the_reason_and_writes_nothing(client, world):
    request_leave(world, MON)
    c = client_for(client, world, "cadre")
    response = c.post(reverse("daily:leave_create"), {
        "kind": "sick", "start_date": "2026-06-08", "end_date": "2026-06-09", "reason": "感冒",
    })
    assert response.status_code == 200
    assert "时间重叠" in response.content.decode()
    assert LeaveRequest.objects.count() == 1


def test_R11_cadre_without_active_placement_is_told(client, world):
    response = client_for(client, world, "othercadre").get(reverse("daily:leave_create"))
    assert response.status_code == 200 and "没有在岗的挂职安排" in response.content.decode()


# --- detail and actions ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["othercadre", "gphost", "township", "gaopingstaff", "hzstaff", "nobody"])
def test_D6_leave_out_of_scope_is_404_for_reading_and_acting(client, world, username):
    leave = request_leave(world, MON)
    before = snapshot()
    c = client_for(client, world, username)
    url = reverse("daily:leave_detail", args=[leave.pk])
    assert c.get(url).status_code == 404
    assert c.post(url, {"action": "host_decide", "decision": "approve"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("username", ["hostclerk", "sendunit", "mentor", "countystaff", "orgstaff"])
def test_D6_in_scope_but_not_the_approver_is_403_and_nothing_changes(client, world, username):
    leave = request_leave(world, MON)
    before = snapshot()
    c = client_for(client, world, username)
    url = reverse("daily:leave_detail", args=[leave.pk])
    page = c.get(url)
    assert page.status_code == 200 and 'name="decision"' not in page.content.decode()
    assert c.post(url, {"action": "host_decide", "decision": "approve"}).status_code == 403
    assert snapshot() == before


def test_R11_cadre_cannot_approve_own_leave_through_the_page(client, world):
    leave = request_leave(world, MON)
    response = client_for(client, world, "cadre").post(
        reverse("daily:leave_detail", args=[leave.pk]), {"action": "host_decide", "decision": "approve"}
    )
    assert response.status_code == 403
    leave.refresh_from_db()
    assert leave.status == S.PENDING_HOST


def test_R11_host_approver_decides_in_the_portal(client, world):
    leave = request_leave(world, MON, FRI)
    c = client_for(client, world, "hostunit")
    url = reverse("daily:leave_detail", args=[leave.pk])
    assert "挂职单位意见（同意后报组织部审批）" in c.get(url).content.decode()
    # Rejecting without an opinion: the form says so, nothing changes.
    response = c.post(url, {"action": "host_decide", "decision": "reject", "opinion": ""})
    assert response.status_code == 200 and "不同意时请填写意见" in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == S.PENDING_HOST
    response = c.post(url, {"action": "host_decide", "decision": "approve", "opinion": "同意"}, follow=True)
    assert "已提交审批意见" in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == S.PENDING_DEPARTMENT
    # A second post of the same action is refused with the state named, not a 500.
    response = c.post(url, {"action": "host_decide", "decision": "approve"}, follow=True)
    assert "当前状态为“待组织部审批”" in response.content.decode()


def test_R11_cadre_cancels_and_reports_back_in_the_portal(client, world):
    c = client_for(client, world, "cadre")
    pending = request_leave(world, MON)
    c.post(reverse("daily:leave_detail", args=[pending.pk]), {"action": "cancel"})
    pending.refresh_from_db()
    assert pending.status == S.CANCELLED
    leave = request_leave(world, dt.date(2026, 6, 15), dt.date(2026, 6, 16))
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    with time_machine.travel(dt.datetime(2026, 6, 17, 9, tzinfo=dt.timezone.utc)):
        page = c.get(reverse("daily:leave_detail", args=[leave.pk])).content.decode()
        assert "提交销假" in page
        c.post(reverse("daily:leave_detail", args=[leave.pk]), {"action": "return", "actual_return_date": "2026-06-17"})
    leave.refresh_from_db()
    assert leave.status == S.RETURNED and leave.actual_days == 2


def test_unknown_action_is_refused(client, world):
    leave = request_leave(world, MON)
    response = client_for(client, world, "hostunit").post(reverse("daily:leave_detail", args=[leave.pk]), {"action": "delete"})
    assert response.status_code == 403


def test_cadre_text_is_escaped(client, world):
    leave = request_leave(world, MON, reason='<script>alert("x")</script>')
    page = client_for(client, world, "hostunit").get(reverse("daily:leave_detail", args=[leave.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


# --- admin --------------------------------------------------------------------------------------


def escalated(world):
    leave = request_leave(world, MON, FRI)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    return leave


def test_D1_staff_see_leave_of_their_subtree_in_the_admin(client, world):
    leave = escalated(world)
    changelist = reverse("admin:daily_leaverequest_changelist")
    for username, sees in [("countystaff", True), ("orgstaff", True), ("gaopingstaff", False), ("hzstaff", False)]:
        client.force_login(world.users[username])
        response = client.get(changelist)
        assert response.status_code == 200
        assert (leave in response.context["cl"].result_list) is sees
        change = client.get(reverse("admin:daily_leaverequest_change", args=[leave.pk]))
        assert change.status_code == (200 if sees else 404)


@pytest.mark.parametrize("username", ["hostunit", "cadre", "sendunit", "nobody"])
def test_D6_portal_users_have_no_leave_admin(client, world, username):
    escalated(world)
    response = client_for(client, world, username).get(reverse("admin:daily_leaverequest_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_R11_managing_department_approves_in_the_admin(client, world):
    leave = escalated(world)
    c = client_for(client, world, "countystaff")
    changelist = reverse("admin:daily_leaverequest_changelist")
    waiting = c.get(changelist, {"awaiting": "1"})
    assert list(waiting.context["cl"].result_list) == [leave]
    page = c.post(changelist, {"action": "action_department_approve", "_selected_action": [leave.pk]})
    assert page.status_code == 200 and "批准" in page.content.decode()
    c.post(changelist, {"action": "action_department_approve", "_selected_action": [leave.pk], "apply": "1", "opinion": "同意"})
    leave.refresh_from_db()
    assert leave.status == S.APPROVED
    assert leave.steps.last().actor == world.users["countystaff"]


def test_R11_staff_filter_overdue_leave_in_the_admin(client, world):
    returned_in_time = request_leave(world, MON)
    overdue = request_leave(world, dt.date(2026, 6, 15))
    for leave in (returned_in_time, overdue):
        L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    L.leave_return_report(acting_user=world.users["cadre"], leave=returned_in_time,
                          actual_return_date=dt.date(2026, 6, 9), today=dt.date(2026, 6, 9))
    c = client_for(client, world, "countystaff")
    with time_machine.travel(dt.datetime(2026, 6, 20, 9, tzinfo=dt.timezone.utc)):
        listed = c.get(reverse("admin:daily_leaverequest_changelist"), {"overdue": "1"})
    assert list(listed.context["cl"].result_list) == [overdue]


def test_D1_city_staff_cannot_approve_a_county_managed_cadres_leave_in_the_admin(client, world):
    leave = escalated(world)
    c = client_for(client, world, "orgstaff")
    response = c.post(reverse("admin:daily_leaverequest_changelist"), {
        "action": "action_department_approve", "_selected_action": [leave.pk], "apply": "1", "opinion": "",
    }, follow=True)
    assert "该请假应由“泽州县委组织部”审批或备案" in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == S.PENDING_DEPARTMENT


def test_R11_department_rejection_in_the_admin_needs_an_opinion(client, world):
    leave = escalated(world)
    c = client_for(client, world, "countystaff")
    changelist = reverse("admin:daily_leaverequest_changelist")
    page = c.post(changelist, {"action": "action_department_reject", "_selected_action": [leave.pk], "apply": "1", "opinion": ""})
    assert page.status_code == 200 and "这个字段是必填项" in page.content.decode()
    leave.refresh_from_db()
    assert leave.status == S.PENDING_DEPARTMENT


def test_admin_leave_pages_are_read_only(client, world):
    leave = escalated(world)
    c = client_for(client, world, "countystaff")
    assert c.get(reverse("admin:daily_leaverequest_add")).status_code == 403
    assert c.get(reverse("admin:daily_leaverequest_delete", args=[leave.pk])).status_code == 403
    page = c.get(reverse("admin:daily_leaverequest_change", args=[leave.pk])).content.decode()
    assert 'name="_save"' not in page and "挂职单位同意" in page


def test_leave_pages_render_for_phone_screens(client, world):
    request_leave(world, MON)
    c = client_for(client, world, "hostunit")
    page = c.get(reverse("daily:leave_list")).content.decode()
    assert 'name="viewport"' in page and 'data-label="干部"' in page
    assert client.login(username="cadre", password=PASSWORD)


def test_leave_list_narrows_to_one_placement_in_scope_only(client, world, city_placement):
    mine = request_leave(world, MON)
    other = request_leave(world, MON, placement=city_placement, user=city_placement.cadre.user)
    c = client_for(client, world, "hostunit")
    rows = c.get(reverse("daily:leave_list"), {"placement": world.placement.pk}).context["rows"]
    assert [leave.pk for leave, _ in rows] == [mine.pk]
    # Another unit's placement id shows nothing, not that unit's leave.
    rows = client_for(client, world, "gphost").get(reverse("daily:leave_list"), {"placement": city_placement.pk}).context["rows"]
    assert rows == [] and other.pk
