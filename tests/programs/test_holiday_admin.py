"""D3 in the admin: the holiday table is changed only by holders of the dedicated permission
(the top departments' staff and the superuser), a year is entered by pasting the State
Council's notice and confirming what was read, and from 1 November the index says when the
coming year is missing."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditLog
from programs.models import Holiday, HolidayYear
from tests.programs.test_holiday_schedule import NOTICE_2027

pytestmark = pytest.mark.django_db
NOTICE_URL = reverse("admin:programs_holiday_notice")


def holiday_urls(holiday):
    return {
        "add": reverse("admin:programs_holiday_add"),
        "change": reverse("admin:programs_holiday_change", args=[holiday.pk]),
        "delete": reverse("admin:programs_holiday_delete", args=[holiday.pk]),
        "notice": NOTICE_URL,
        "year_add": reverse("admin:programs_holidayyear_add"),
    }


@pytest.mark.parametrize("page", ["add", "change", "delete", "notice", "year_add"])
def test_D3_county_staff_are_refused_every_holiday_write(client, world, page):
    holiday = Holiday.objects.get(date=dt.date(2026, 10, 1))
    client.force_login(world.users["countystaff"])
    url = holiday_urls(holiday)[page]
    response = client.get(url)
    if page == "change":  # the day opens read-only, as any staff reads the table
        assert response.status_code == 200 and response.context["title"].startswith("查看")
    else:
        assert response.status_code == 403
    posted = {"date": "2026-10-01", "kind": "workday", "name": "改", "text": NOTICE_2027, "confirm": "1", "post": "yes",
              "year": "2027"}
    assert client.post(url, posted).status_code == 403
    holiday.refresh_from_db()
    assert holiday.kind == Holiday.Kind.HOLIDAY
    assert not HolidayYear.objects.filter(year=2027).exists()
    assert not AuditLog.objects.filter(action__startswith="holiday").exists()
    # They still read the table.
    assert client.get(reverse("admin:programs_holiday_changelist")).status_code == 200


@pytest.mark.parametrize("page", ["add", "change", "delete", "notice", "year_add"])
def test_D3_unit_roles_never_reach_the_holiday_pages(client, world, page):
    holiday = Holiday.objects.get(date=dt.date(2026, 10, 1))
    client.force_login(world.users["hostunit"])
    for response in (client.get(holiday_urls(holiday)[page]), client.post(holiday_urls(holiday)[page], {"text": NOTICE_2027})):
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_D3_the_top_department_staff_change_a_day_audited(client, world):
    staff = world.users["orgstaff"]
    client.force_login(staff)
    holiday = Holiday.objects.get(date=dt.date(2026, 10, 1))
    response = client.post(holiday_urls(holiday)["change"], {"date": "2026-10-01", "kind": "holiday", "name": "国庆"})
    assert response.status_code == 302
    holiday.refresh_from_db()
    assert (holiday.name, holiday.source) == ("国庆", Holiday.Source.STAFF)
    audit = AuditLog.objects.get(action="holiday_update", actor=staff)
    assert audit.data["before"]["name"] == "国庆节" and audit.data["name"] == "国庆"
    assert client.post(holiday_urls(holiday)["delete"], {"post": "yes"}).status_code == 302
    assert not Holiday.objects.filter(date=dt.date(2026, 10, 1)).exists()
    assert AuditLog.objects.filter(action="holiday_delete", actor=staff).exists()


def test_D3_notice_page_reads_shows_and_saves_after_confirmation(client, world):
    staff = world.users["orgstaff"]
    client.force_login(staff)
    changelist = client.get(reverse("admin:programs_holiday_changelist")).content.decode()
    assert NOTICE_URL in changelist and "按国务院通知录入" in changelist
    response = client.post(NOTICE_URL, {"text": NOTICE_2027, "read": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "读出的 2027 年节假日安排（国办发明电〔2026〕99号）" in page
    assert "2027-01-31" in page and "新增" in page
    assert not HolidayYear.objects.filter(year=2027).exists()  # nothing saved before confirmation
    digest = response.context["form"].initial["digest"]
    response = client.post(NOTICE_URL, {"text": NOTICE_2027, "digest": digest, "confirm": "1"})
    assert response.status_code == 302 and response.url.endswith("?date__year=2027")
    record = HolidayYear.objects.get(year=2027)
    assert (record.source, record.entered_by) == (HolidayYear.Source.NOTICE, staff)
    assert Holiday.objects.filter(date__year=2027, kind=Holiday.Kind.WORKDAY).count() == 6
    assert AuditLog.objects.filter(action="holiday_year_enter", actor=staff, target_id=str(record.pk)).exists()


def test_D3_notice_page_refuses_to_save_what_it_did_not_show(client, world):
    client.force_login(world.users["orgstaff"])
    response = client.post(NOTICE_URL, {"text": NOTICE_2027, "digest": "stale", "confirm": "1"})
    assert response.status_code == 200
    assert "节假日表在此期间有变化" in response.content.decode()
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_D3_notice_page_says_why_text_is_not_a_notice(client, world):
    client.force_login(world.admin)
    response = client.post(NOTICE_URL, {"text": "关于做好2027年春节期间值班工作的通知\n请各单位做好值班安排。", "confirm": "1"})
    assert response.status_code == 200
    assert "粘贴的内容不是国务院办公厅关于节假日安排的通知" in response.content.decode()
    assert not Holiday.objects.filter(date__year=2027).exists()


@pytest.mark.parametrize(
    ("username", "link"), [("orgstaff", True), ("countystaff", False)],
)
def test_D3_index_warns_from_1_november_until_the_coming_year_is_entered(client, world, username, link):
    client.force_login(world.users[username])
    with time_machine.travel(dt.datetime(2026, 10, 31, 10, tzinfo=dt.timezone.utc)):
        assert "节假日安排尚未录入" not in client.get(reverse("admin:index")).content.decode()
    with time_machine.travel(dt.datetime(2026, 12, 8, 10, tzinfo=dt.timezone.utc)):
        page = client.get(reverse("admin:index")).content.decode()
        assert "2027年节假日安排尚未录入" in page
        assert (NOTICE_URL in page) is link
        Holiday.objects.create(date=dt.date(2027, 1, 1), kind=Holiday.Kind.HOLIDAY, name="元旦")
        HolidayYear.objects.create(year=2027, source=HolidayYear.Source.NOTICE, entered_at=dt.datetime.now(dt.timezone.utc))
        assert "节假日安排尚未录入" not in client.get(reverse("admin:index")).content.decode()
