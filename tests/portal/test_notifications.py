"""In-app notifications (/portal/notifications/): each user reads, opens and marks only their
own; opening one goes to its page only when that is a local path (never an open redirect)."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Notification
from core.notifications import notify

from .conftest import login, request_leave

LIST = "/portal/notifications/"


def _note(world, username, title, url=""):
    return notify(recipients=[world.users[username]], title=title, body=f"{title}的内容", url=url)[0]


@pytest.fixture
def notes(world):
    return {
        "own_old": _note(world, "hostunit", "旧通知甲", "/portal/"),
        "own": _note(world, "hostunit", "请审批请假", "/portal/placements/"),
        "other": _note(world, "sendunit", "派出单位的通知", "/portal/"),
    }


def test_anonymous_users_are_sent_to_login(client, world, notes):
    for url in (LIST, reverse("portal:notification_open", args=[notes["own"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    for url in (reverse("portal:notification_read", args=[notes["own"].pk]), reverse("portal:notifications_read_all")):
        response = client.post(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_list_shows_only_own_notifications_unread_first(client, world, notes):
    Notification.objects.filter(pk=notes["own"].pk).update(read_at=notes["own"].created_at)
    html = login(client, world, "hostunit").get(LIST).content.decode()
    assert "旧通知甲" in html and "请审批请假" in html
    assert "派出单位的通知" not in html
    # The unread one comes first although the read one is newer.
    assert html.index("旧通知甲") < html.index("请审批请假")
    assert "未读 1 条" in html


def test_list_is_paginated(client, world):
    for index in range(25):
        _note(world, "mentor", f"第{index:02d}条通知")
    login(client, world, "mentor")
    first = client.get(LIST).content.decode()
    assert "第24条通知" in first and "第00条通知" not in first and "下一页" in first
    second = client.get(LIST + "?page=2").content.decode()
    assert "第00条通知" in second and "第24条通知" not in second


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, world, notes):
    response = login(client, world, "hostunit").get(reverse("portal:notification_open", args=[notes["own"].pk]))
    assert response.status_code == 302 and response["Location"] == "/portal/placements/"
    notes["own"].refresh_from_db()
    assert notes["own"].read_at is not None
    notes["own_old"].refresh_from_db()
    assert notes["own_old"].read_at is None


def test_D6_someone_elses_notification_is_not_found(client, world, notes):
    login(client, world, "hostunit")
    other = notes["other"]
    assert client.get(reverse("portal:notification_open", args=[other.pk])).status_code == 404
    assert client.post(reverse("portal:notification_read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.parametrize("url", [
    "https://evil.example/phish", "//evil.example/phish", "/\\evil.example", "javascript:alert(1)",
    "http:/evil.example", " /portal/", "/\t/evil.example", "evil.example",
])
def test_opening_never_redirects_off_site(client, world, url):
    note = _note(world, "hostunit", "可疑链接", url)
    response = login(client, world, "hostunit").get(reverse("portal:notification_open", args=[note.pk]))
    assert response.status_code == 200  # shown here instead
    assert "可疑链接" in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_notification_without_link_is_shown_in_the_portal(client, world):
    note = _note(world, "cadre", "请按时提交季度工作报告")
    response = login(client, world, "cadre").get(reverse("portal:notification_open", args=[note.pk]))
    assert response.status_code == 200
    assert "请按时提交季度工作报告的内容" in response.content.decode()


def test_mark_one_read_by_post_only(client, world, notes):
    login(client, world, "hostunit")
    url = reverse("portal:notification_read", args=[notes["own"].pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == LIST
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("title", flat=True)) == {"旧通知甲", "派出单位的通知"}


def test_mark_all_read_touches_only_own_rows(client, world, notes):
    login(client, world, "hostunit")
    assert client.get(reverse("portal:notifications_read_all")).status_code == 405
    assert client.post(reverse("portal:notifications_read_all"), {"page": "2"})["Location"] == LIST + "?page=2"
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("title", flat=True)) == ["派出单位的通知"]


def test_marking_read_needs_the_csrf_token(world, notes):
    client = Client(enforce_csrf_checks=True)
    login(client, world, "hostunit")
    assert client.post(reverse("portal:notifications_read_all")).status_code == 403
    assert client.post(reverse("portal:notification_read", args=[notes["own"].pk])).status_code == 403
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    html = client.get(LIST).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html


def test_R11_host_approver_is_told_of_a_leave_request_and_opens_it(client, world):
    leave = request_leave(world)
    note = Notification.objects.get(recipient=world.users["hostunit"])
    html = login(client, world, "hostunit").get(LIST).content.decode()
    assert note.title in html
    response = client.get(reverse("portal:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("daily:leave_detail", args=[leave.pk])
