"""How the leave pages, messages and the admin say where a request goes (R11, D3): one 报, the
filing mode's final host approval, and consecutive requests told before and after submitting."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.models import Notification
from daily.models import LeaveRequest
from daily.services import leave as L
from programs.models import PolicyFields
from tests.daily.conftest import FRI, MON, request_leave

pytestmark = pytest.mark.django_db
D = dt.date
APPROVAL_RULE = "3 天以内（含）由挂职单位审批；超过 3 天的请假经挂职单位同意后报泽州县委组织部审批。"
FILING_RULE = "3 天以内（含）由挂职单位审批；超过 3 天的请假挂职单位批准即生效，报泽州县委组织部备案。"
DOUBLED = ("报泽州县委组织部报组织部", "报泽州县委组织部(报组织部")


def filing(world):
    policy = world.program.policy
    policy.leave_escalation_mode = PolicyFields.EscalationMode.FILING
    policy.save()


def before_june():
    return time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.timezone.utc), tick=False)


def no_doubled(text):
    return not any(bad in text for bad in DOUBLED)


@pytest.mark.parametrize("mode, rule", [("approval", APPROVAL_RULE), ("filing", FILING_RULE)])
def test_R11_the_leave_form_states_the_rule_with_one_bao(client, world, mode, rule):
    if mode == "filing":
        filing(world)
    client.force_login(world.users["cadre"])
    page = client.get(reverse("daily:leave_create")).content.decode()
    assert rule in page and no_doubled(page)
    assert "前后连续、中间没有工作日的请假合并计算天数。" in page


@pytest.mark.parametrize("mode, message", [
    ("approval", "请假申请已提交（共 4.5 天，超过 3 天），经挂职单位同意后报泽州县委组织部审批。"),
    ("filing", "请假申请已提交（共 4.5 天，超过 3 天），挂职单位批准即生效，报泽州县委组织部备案。"),
])
def test_R11_the_submitted_message_says_where_the_request_goes(client, world, mode, message):
    if mode == "filing":
        filing(world)
    client.force_login(world.users["cadre"])
    with before_june():
        response = client.post(reverse("daily:leave_create"), {
            "kind": "personal", "start_date": "2026-06-08", "end_date": "2026-06-12", "end_noon": "on", "reason": "孩子升学",
        }, follow=True)
    page = response.content.decode()
    assert message in page and no_doubled(page)


@pytest.mark.parametrize("mode, route", [
    ("approval", "超过挂职单位审批权限：经挂职单位同意后报泽州县委组织部审批"),
    ("filing", "超过挂职单位审批权限：挂职单位批准即生效，报泽州县委组织部备案"),
])
def test_R11_the_detail_and_list_pages_say_the_route_with_one_bao(client, world, mode, route):
    if mode == "filing":
        filing(world)
    leave = request_leave(world, MON, FRI)
    client.force_login(world.users["hostunit"])
    detail = client.get(reverse("daily:leave_detail", args=[leave.pk])).content.decode()
    assert route in detail and no_doubled(detail)
    listed = client.get(reverse("daily:leave_list")).content.decode()
    assert route.split("：")[1] in listed and no_doubled(listed)


def test_R11_the_admin_says_the_route_with_the_department(client, world):
    approval = request_leave(world, MON, FRI)
    filing(world)
    filed = request_leave(world, D(2026, 6, 23), D(2026, 6, 29))
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=filed, approve=True)
    client.force_login(world.users["countystaff"])
    page = client.get(reverse("admin:daily_leaverequest_changelist")).content.decode()
    assert "经挂职单位同意后报泽州县委组织部审批" in page
    assert "挂职单位批准即生效，报泽州县委组织部备案（待备案）" in page
    assert no_doubled(page)
    assert approval.pk


# --- consecutive requests in the portal (D3) ------------------------------------------------------


def test_R11_the_cadre_is_told_before_submitting_that_the_request_joins_another(client, world):
    first = request_leave(world, D(2026, 6, 10), D(2026, 6, 12))
    client.force_login(world.users["cadre"])
    form = {"kind": "personal", "start_date": "2026-06-15", "end_date": "2026-06-16", "reason": "陪同家人就医"}
    with before_june():
        page = client.post(reverse("daily:leave_create"), form)
        assert page.status_code == 200
        text = page.content.decode()
        assert "与 2026-06-10 至 2026-06-12 的请假连续，合计 5 天，超过 3 天，须经挂职单位同意后报泽州县委组织部审批。" in text
        assert "确认提交" in text and LeaveRequest.objects.count() == 1
        # Another period needs its own confirmation.
        token = page.context["form"]["confirmed"].value()
        page = client.post(reverse("daily:leave_create"), {**form, "end_date": "2026-06-17", "confirmed": token})
        assert "合计 6 天" in page.content.decode() and LeaveRequest.objects.count() == 1
        response = client.post(reverse("daily:leave_create"), {**form, "confirmed": token}, follow=True)
    second = LeaveRequest.objects.exclude(pk=first.pk).get()
    assert second.escalated and second.combined_days == 5
    assert ("请假申请已提交（共 2 天）。与 2026-06-10 至 2026-06-12 的请假连续，合计 5 天，超过 3 天，"
            "须经挂职单位同意后报泽州县委组织部审批。") in response.content.decode()


def test_R11_a_request_joining_nothing_is_submitted_at_once(client, world):
    request_leave(world, D(2026, 6, 10), D(2026, 6, 12))
    client.force_login(world.users["cadre"])
    with before_june():
        response = client.post(reverse("daily:leave_create"), {
            "kind": "personal", "start_date": "2026-06-16", "end_date": "2026-06-16", "reason": "办理证件",
        })
    assert response.status_code == 302 and LeaveRequest.objects.count() == 2


def test_R11_approvers_see_the_joined_requests_on_the_request(client, world):
    first = request_leave(world, D(2026, 6, 10), D(2026, 6, 12))
    second = request_leave(world, D(2026, 6, 15), D(2026, 6, 16))
    client.force_login(world.users["hostunit"])
    detail = client.get(reverse("daily:leave_detail", args=[second.pk])).content.decode()
    assert "与 2026-06-10 至 2026-06-12 的请假连续，合计 5 天" in detail
    assert "（连续请假合计 5 天）" in client.get(reverse("daily:leave_list")).content.decode()
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=second, approve=True)
    client.force_login(world.users["countystaff"])
    page = client.get(reverse("admin:daily_leaverequest_change", args=[second.pk])).content.decode()
    assert "与 2026-06-10 至 2026-06-12 的请假连续，合计 5 天" in page
    body = Notification.objects.get(recipient__username="countystaff").body
    assert "与 2026-06-10 至 2026-06-12 的请假连续，合计 5 天。" in body
    assert first.pk
