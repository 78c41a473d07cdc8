"""People by name and days as people write them (core.display), on the pages that got them wrong:
the leave page's 申请人 showed the login name (`cadre`), the timeline and the attendance pages
"21.0 天"."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse

from core.display import days_text, person_name
from daily.models import AttendanceMonth, LeaveRequest, Violation
from tests.factories import make_user
from tests.visible_text import visible_text

pytestmark = pytest.mark.django_db


# --- the helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value,text", [
    (Decimal("3.0"), "3"), (Decimal("3.5"), "3.5"), (Decimal("21.0"), "21"), (Decimal("20"), "20"),
    (Decimal("0.50"), "0.5"), (Decimal("0.0"), "0"), (3, "3"), (2.5, "2.5"), (None, ""),
])
def test_D3_days_are_written_without_a_trailing_zero(value, text):
    assert days_text(value) == text
    assert Template("{% load display %}{{ value|days }}").render(Context({"value": value})) == text


def test_a_person_is_named_surname_first(db):
    user = make_user("lzq", first_name="志强", last_name="李")
    assert person_name(user) == "李志强"
    whole = make_user("lzq2", first_name="李志强")
    assert person_name(whole) == str(whole) == "李志强"


def test_only_an_account_nobody_named_shows_its_login_name(db):
    unnamed = make_user("unnamed")
    assert person_name(unnamed) == str(unnamed) == "unnamed"
    assert person_name(None) == person_name(AnonymousUser()) == ""


def test_the_person_filter_names_the_user(db):
    user = make_user("zhf", first_name="张海燕")
    assert Template("{% load display %}{{ user|person }}").render(Context({"user": user})) == "张海燕"


# --- the pages, on the demo ------------------------------------------------------------------------


def _demo_leave():
    return (LeaveRequest.objects.filter(placement__cadre__user__username="cadre", requested_by__username="cadre")
            .order_by("pk").first())


def test_leave_page_names_the_requester_not_the_account(demo, client):
    leave = _demo_leave()
    cadre_name = leave.placement.cadre.name
    client.force_login(get_user_model().objects.get(username="countystaff"))
    html = client.get(reverse("admin:daily_leaverequest_change", args=[leave.pk])).content.decode()
    requester = re.search(r'<label>申请人：</label>\s*<div class="readonly">(.*?)</div>', html, re.S)
    assert requester, "no 申请人 on the page"
    assert re.sub(r"<[^>]+>", "", requester.group(1)).strip() == cadre_name
    steps = visible_text(html)
    assert not re.search(r"(?<![A-Za-z])cadre(?![A-Za-z])", steps)


def test_portal_leave_steps_name_who_acted(demo, client):
    leave = _demo_leave()
    client.force_login(get_user_model().objects.get(username="cadre"))
    text = visible_text(client.get(reverse("daily:leave_detail", args=[leave.pk])).content.decode())
    assert leave.placement.cadre.name in text
    for username in ("cadre", "hostunit", "countystaff"):
        assert not re.search(rf"(?<![A-Za-z]){username}(?![A-Za-z])", text)


def test_D3_timeline_writes_attendance_days_without_decimals(demo, client):
    row = AttendanceMonth.objects.filter(placement__host_post__host_unit__name="泽州县巴公镇").order_by("-month").first()
    client.force_login(get_user_model().objects.get(username="hostunit"))
    text = visible_text(client.get(reverse("portal:placement_detail", args=[row.placement_id])).content.decode())
    assert f"应出勤 {days_text(row.working_days)} 天" in text
    assert not re.search(r"\d\.0 天", text)


def test_D3_attendance_pages_write_days_without_decimals(demo, client):
    client.force_login(get_user_model().objects.get(username="hostclerk"))
    html = client.get(reverse("daily:attendance_list")).content.decode()
    cells = re.findall(r'<td data-label="(?:应出勤|请假|擅离|出差|实际出勤)">([^<]*)</td>', html)
    assert cells and not [cell for cell in cells if cell.endswith(".0")], cells


@pytest.mark.parametrize("model,url_name", [
    (AttendanceMonth, "admin:daily_attendancemonth_changelist"), (Violation, "admin:daily_violation_changelist"),
    (LeaveRequest, "admin:daily_leaverequest_changelist"),
])
def test_D3_admin_lists_write_days_without_decimals(demo, client, model, url_name):
    assert model.objects.exists()
    client.force_login(get_user_model().objects.get(username="countystaff"))
    html = client.get(reverse(url_name)).content.decode()
    cells = re.findall(r'<td class="field-[a-z_]*days[a-z_]*">([^<]*)</td>', html)
    assert cells and not [cell for cell in cells if re.fullmatch(r"\d+\.0", cell)], cells


def test_D3_admin_change_pages_write_days_without_decimals(demo, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    month = AttendanceMonth.objects.order_by("pk").first()
    leave = _demo_leave()
    for url in (reverse("admin:daily_attendancemonth_change", args=[month.pk]),
                reverse("admin:daily_leaverequest_change", args=[leave.pk])):
        html = client.get(url).content.decode()
        values = re.findall(r'<div class="readonly">(\d+(?:\.\d+)?)</div>', html)
        assert values and not [value for value in values if value.endswith(".0")], (url, values)


def test_the_admin_greets_staff_by_full_name(client, db):
    # Django's greeting shows the given name only, or the login name when it is empty.
    client.force_login(make_user("liujj", first_name="建军", last_name="刘", staff=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert re.search(r'<div id="user-tools">\s*欢迎，<strong>刘建军</strong>', html)
