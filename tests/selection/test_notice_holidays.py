"""D3 and R7: the public notice over 春节 2027 before its schedule is entered, and what happens
to a notice already published when the schedule arrives."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditLog, Notification
from programs.holiday_notice import notice_parse
from programs.holiday_schedule import holiday_notice_enter
from programs.models import HolidayYear
from selection import services
from tests.programs.test_holiday_schedule import NOTICE_2027
from tests.selection.steps import decided, scene  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unentered(scene):  # noqa: F811
    HolidayYear.objects.filter(year=2027).delete()  # the scene records 2027 as entered
    return decided(scene)


def test_D3_a_notice_from_2027_02_05_does_not_end_in_the_spring_festival(client, unentered):
    services.selection_notice_start(acting_user=unentered.staff, selection=unentered.selection, start=dt.date(2027, 2, 5))
    unentered.selection.refresh_from_db()
    # By law 2-5 to 2-10 are off (除夕 to 初三 and two days in lieu): 2-11, 12, 15, 16, 17.
    assert unentered.selection.notice_end == dt.date(2027, 2, 17)
    assert unentered.selection.notice_end_provisional is True
    client.force_login(unentered.staff)
    shown = "2027-02-17（暂按法定节假日计算，待国务院公布安排后核定）"
    assert shown in client.get(reverse("admin:selection_selection_changelist")).content.decode()
    assert shown in client.get(reverse("admin:selection_selection_change", args=[unentered.selection.pk])).content.decode()


def test_D3_a_published_notice_made_short_by_the_schedule_is_reported_not_moved(unentered):
    services.selection_notice_start(acting_user=unentered.staff, selection=unentered.selection, start=dt.date(2027, 2, 5))
    entered = holiday_notice_enter(acting_user=unentered.world.users["orgstaff"], notice=notice_parse(NOTICE_2027))
    unentered.selection.refresh_from_db()
    # The notice: 2-5 to 2-13 off, 2-20 worked; five working days reach 2-19, after the announced 2-17.
    assert (unentered.selection.notice_end, unentered.selection.notice_end_provisional) == (dt.date(2027, 2, 17), False)
    audit = AuditLog.objects.get(action="selection_notice_recheck", target_id=str(unentered.selection.pk))
    assert audit.data == {"year": 2027, "provisional": False, "shortest_end": "2027-02-19", "too_short": True}
    told = Notification.objects.get(recipient=unentered.staff, title__startswith="请核对公示期")
    assert "应到 2027-02-19，公示现定于 2027-02-17 结束" in told.body
    assert "1 个选派工作的公示期按新安排不足规定的工作日，已通知组织部核对。" in entered.follow_up
