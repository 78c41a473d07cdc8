"""Objections to the public notice (公示, R7, D3): received within the notice period — its first
to its last working day, both included — and not after the day they are recorded."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from core.models import AuditLog
from selection import services
from selection.exceptions import SelectionError
from selection.models import Objection
from tests.selection.steps import AFTER_NOTICE, NOTICE_END, NOTICE_START, in_notice

pytestmark = pytest.mark.django_db


def record(scene, received_on, *, today):
    return services.objection_record(
        acting_user=scene.staff, application=scene.applications["王芳"], received_on=received_on,
        content="反映该同志工作作风问题", today=today,
    )


@pytest.mark.parametrize("received_on", [NOTICE_START - dt.timedelta(days=1), NOTICE_END + dt.timedelta(days=1)],
                         ids=["before-the-start", "after-the-end"])
def test_R7_an_objection_outside_the_notice_period_is_refused_with_the_dates(scene, received_on):
    in_notice(scene)
    message = f"收到日期 {received_on.year}年{received_on.month}月{received_on.day}日 不在公示期（2027年2月1日 至 2027年2月5日）内。"
    with pytest.raises(SelectionError, match=re.escape(message)):
        record(scene, received_on, today=AFTER_NOTICE)
    assert not Objection.objects.exists() and not AuditLog.objects.filter(action="objection_record").exists()


def test_R7_an_objection_cannot_be_received_in_the_future(scene):
    in_notice(scene)
    with pytest.raises(SelectionError, match=re.escape("收到日期 2027年2月4日 晚于今天（2027年2月3日）。")):
        record(scene, dt.date(2027, 2, 4), today=dt.date(2027, 2, 3))
    assert not Objection.objects.exists()


def test_R7_an_objection_received_on_the_last_day_of_the_notice_is_recorded(scene):
    in_notice(scene)
    objection = record(scene, NOTICE_END, today=NOTICE_END)
    assert objection.received_on == NOTICE_END
    first_day = record(scene, NOTICE_START, today=AFTER_NOTICE)  # recorded later, received in time
    assert Objection.objects.count() == 2 and first_day.received_on == NOTICE_START
    assert AuditLog.objects.filter(action="objection_record", target_id=str(objection.pk)).exists()


def test_R7_the_notice_end_follows_the_holiday_table(scene):
    # The notice's end is its last working day (D3), stored when the notice starts.
    in_notice(scene)
    scene.selection.refresh_from_db()
    assert (scene.selection.notice_start, scene.selection.notice_end) == (NOTICE_START, NOTICE_END)
    with pytest.raises(SelectionError, match="不在公示期"):
        record(scene, dt.date(2027, 2, 6), today=AFTER_NOTICE)  # the Saturday after


def test_R7_the_admin_inline_refuses_a_future_objection(client, scene, monkeypatch):
    from tests.programs.test_admin import changeform_data, login
    from tests.selection.test_admin import url

    in_notice(scene)
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2027, 2, 2))
    login(client, scene.staff)
    data = changeform_data(client.get(url("selection", "change", scene.selection.pk)))
    data.update({
        "objections-TOTAL_FORMS": "1", "objections-0-application": scene.applications["王芳"].pk,
        "objections-0-received_on": "2027-02-03", "objections-0-content": "反映问题",
    })
    response = client.post(url("selection", "change", scene.selection.pk), data)
    assert "收到日期 2027年2月3日 晚于今天（2027年2月2日）。" in response.content.decode()
    assert not Objection.objects.exists()
