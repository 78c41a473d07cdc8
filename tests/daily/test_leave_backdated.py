"""Back-dated leave (补假, R11): a request starting before the day it is made is marked, needs a
reason for the late request, and shows as such to approvers and in the placement's record."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.models import AuditLog, Notification
from daily.exceptions import LeaveError
from daily.models import LeaveRequest
from daily.services import leave as L
from portal.timeline import timeline_for
from tests.daily.conftest import FRI, MON, request_leave

pytestmark = pytest.mark.django_db
D = dt.date
WEDNESDAY = D(2026, 6, 10)
LATE = "突发高烧，当天电话向镇党委书记请假，事后补办手续。"


def travel(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.timezone.utc), tick=False)


def test_R11_a_request_starting_before_today_needs_a_late_reason_and_writes_nothing_without(world):
    with pytest.raises(LeaveError, match=re.escape("开始日期 2026-06-08 早于今天（2026-06-10），属于补假，请填写补假原因。")):
        request_leave(world, MON, today=WEDNESDAY)
    with pytest.raises(LeaveError, match="请填写补假原因"):
        request_leave(world, MON, today=WEDNESDAY, late_reason="   ")
    assert not LeaveRequest.objects.exists() and not AuditLog.objects.filter(action="leave_submit").exists()


def test_R11_a_backdated_request_is_marked_and_keeps_its_late_reason(world):
    leave = request_leave(world, MON, dt.date(2026, 6, 9), today=WEDNESDAY, late_reason=LATE)
    leave.refresh_from_db()
    assert leave.is_backdated and leave.late_reason == LATE and leave.reason == "家中有事"
    audit = AuditLog.objects.get(action="leave_submit", target_id=str(leave.pk))
    assert audit.data["backdated"] is True and audit.data["late_reason"] == LATE
    # The approver reads it in the title and the body.
    notification = Notification.objects.get(recipient__username="hostunit")
    assert notification.title == "请审批：李明 请假 2 天（补假）"
    assert f"属于补假，补假原因：{LATE}" in notification.body


def test_R11_a_request_starting_today_or_later_is_not_backdated(world):
    today = request_leave(world, MON, today=MON, late_reason="不需要")
    later = request_leave(world, FRI, today=MON)
    assert not today.is_backdated and today.late_reason == ""
    assert not later.is_backdated
    assert Notification.objects.filter(recipient__username="hostunit", title__contains="补假").count() == 0


def test_R11_a_backdated_request_still_lies_within_the_placement(world):
    # world.placement started on 2026-03-02.
    with pytest.raises(LeaveError, match="须在挂职期内"):
        request_leave(world, D(2026, 2, 27), D(2026, 3, 2), today=WEDNESDAY, late_reason=LATE)
    leave = request_leave(world, D(2026, 3, 2), today=WEDNESDAY, late_reason=LATE)
    assert leave.is_backdated


def test_R11_the_department_is_told_a_backdated_request_is_late(world):
    leave = request_leave(world, MON, FRI, today=WEDNESDAY, late_reason=LATE)
    L.leave_host_decide(acting_user=world.users["hostunit"], leave=leave, approve=True)
    notification = Notification.objects.get(recipient__username="countystaff")
    assert notification.title == "请审批：李明 请假 5 天（挂职单位已签署意见）（补假）"
    assert f"补假原因：{LATE}" in notification.body


def test_R11_a_backdated_request_needs_its_reason_in_the_database_too(world):
    leave = request_leave(world, MON, today=WEDNESDAY, late_reason=LATE)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaveRequest.objects.filter(pk=leave.pk).update(late_reason="")


def test_R11_backdated_shows_in_the_placements_timeline(world):
    request_leave(world, MON, today=WEDNESDAY, late_reason=LATE)
    request_leave(world, FRI, today=WEDNESDAY)
    events = [e for e in timeline_for(world.users["hostunit"], world.placement) if e.category == "请销假"]
    titles = {e.date: e.title for e in events}
    assert titles[MON] == "事假 1 天（补假，待挂职单位审批）"
    assert titles[FRI] == "事假 1 天（待挂职单位审批）"
    assert LATE in next(e.detail for e in events if e.date == MON)


# --- pages -----------------------------------------------------------------------------------------


def test_R11_the_cadre_is_asked_for_the_late_reason_in_the_portal(client, world):
    client.force_login(world.users["cadre"])
    with travel(WEDNESDAY):
        page = client.get(reverse("daily:leave_create")).content.decode()
        assert "补假原因" in page
        response = client.post(reverse("daily:leave_create"), {
            "kind": "sick", "start_date": "2026-06-08", "end_date": "2026-06-08", "reason": "发烧就医",
        })
        assert response.status_code == 200
        assert "开始日期 2026-06-08 早于今天（2026-06-10），属于补假，请填写补假原因。" in response.content.decode()
        assert not LeaveRequest.objects.exists()
        response = client.post(reverse("daily:leave_create"), {
            "kind": "sick", "start_date": "2026-06-08", "end_date": "2026-06-08", "reason": "发烧就医",
            "late_reason": LATE,
        }, follow=True)
    leave = LeaveRequest.objects.get()
    assert leave.is_backdated and leave.late_reason == LATE
    assert "请假申请已提交（补假，共 1 天），等待挂职单位审批。" in response.content.decode()


def test_R11_approvers_see_backdated_in_the_portal_list_and_detail(client, world):
    leave = request_leave(world, MON, today=WEDNESDAY, late_reason=LATE)
    request_leave(world, FRI, today=WEDNESDAY)
    client.force_login(world.users["hostunit"])
    listed = client.get(reverse("daily:leave_list")).content.decode()
    assert listed.count('class="badge backdated"') == 1
    detail = client.get(reverse("daily:leave_detail", args=[leave.pk])).content.decode()
    assert "补假" in detail and LATE in detail
    only = client.get(reverse("daily:leave_list"), {"backdated": "on"})
    assert [row.pk for row, _overdue in only.context["rows"]] == [leave.pk]


def test_R11_staff_filter_backdated_leave_in_the_admin(client, world):
    backdated = request_leave(world, MON, today=WEDNESDAY, late_reason=LATE)
    request_leave(world, FRI, today=WEDNESDAY)
    client.force_login(world.users["countystaff"])
    changelist = reverse("admin:daily_leaverequest_changelist")
    listed = client.get(changelist, {"is_backdated__exact": "1"})
    assert list(listed.context["cl"].result_list) == [backdated]
    page = client.get(reverse("admin:daily_leaverequest_change", args=[backdated.pk])).content.decode()
    assert "补假原因" in page and LATE in page
