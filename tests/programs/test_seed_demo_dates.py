"""The demo is relative to the day it is seeded (D9): on any day, the same states and the same
waiting items for each account, and the README's walk-through works as written.

The demo is seeded once per day below (time-machine travels there for the module), inside a
transaction rolled back at the end; each test runs in a savepoint within it.
"""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from daily.models import AttendanceMonth, LeaveRequest
from daily.selectors import leave_requests_awaiting
from daily.services import leave as leave_services
from portal.waiting import waiting_for
from programs.demo import hangzhou2006
from programs.models import Cadre, Placement, Program
from reports.models import DeadlineState, Report
from reports.services.review import report_accept, report_comment
from selection import services as selection_services
from selection.demo import ZEZHOU_PROGRAM
from selection.models import Application, Selection
from selection.selectors import selections_open_to_cadre
from tests.programs.test_seed_demo import placed_cadres_meet_their_programs_eligibility

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A spring day next year and a summer day in a leap year, a Saturday.
DAYS = [dt.date(2027, 3, 15), dt.date(2028, 7, 1)]


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", params=DAYS, ids=str)
def seeded_on(request, django_db_setup, django_db_blocker):
    day = request.param
    traveller = time_machine.travel(dt.datetime.combine(day, dt.time(9, 30), tzinfo=SHANGHAI), tick=True)
    traveller.start()
    try:
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                _seed()
                yield day
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
    finally:
        traveller.stop()


def user(username: str):
    return get_user_model().objects.get(username=username)


# --- the README's walk-through -----------------------------------------------------------------


def test_D9_countystaff_shortlists_the_zezhou_second_batch_in_the_admin(seeded_on, db, client):
    """"在报名人选中确定初步人选": the application window has closed and the units have recommended."""
    selection = Selection.objects.select_related("program").get(program__name=ZEZHOU_PROGRAM)
    assert selection.stage == Selection.Stage.ANNOUNCED
    assert selection.apply_from < selection.apply_until < seeded_on
    recommended = list(selection.applications.filter(status=Application.Status.RECOMMENDED).order_by("pk"))
    assert len(recommended) >= 2 * selection_services.selection_places(selection)
    client.force_login(user("countystaff"))
    changelist = reverse("admin:selection_application_changelist")
    assert client.get(changelist).status_code == 200

    response = client.post(changelist, {
        "action": "action_shortlist", "_selected_action": [a.pk for a in recommended], "apply": "1",
        "meeting_on": seeded_on.isoformat(), "document_number": "泽组字〔2027〕12号", "shortfall_reason": "",
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    selection.refresh_from_db()
    assert selection.stage == Selection.Stage.SHORTLISTED
    assert set(selection.applications.filter(status=Application.Status.SHORTLISTED)) == set(recommended)


def test_D9_cadre_and_sendunit_find_a_selection_open_for_applications(seeded_on, db):
    cadre = Cadre.objects.get(user__username="cadre")
    open_now = [s for s in selections_open_to_cadre(cadre).select_related("program")
                if s.stage == Selection.Stage.ANNOUNCED and s.apply_from <= seeded_on <= s.apply_until]
    assert len(open_now) == 1
    application = selection_services.application_apply(
        acting_user=user("cadre"), selection=open_now[0], statement="本人自愿报名,服从组织安排。",
    )
    assert application.status == Application.Status.APPLIED and application.applied_on == seeded_on
    colleague = Cadre.objects.filter(sending_unit=cadre.sending_unit).exclude(pk=cadre.pk).first()
    nominated = selection_services.application_create(
        acting_user=user("sendunit"), selection=open_now[0], cadre=colleague, source=Application.Source.UNIT,
    )
    assert nominated.source == Application.Source.UNIT and nominated.registered_by.username == "sendunit"


def test_D9_leave_waits_for_hostunit_and_for_countystaff(seeded_on, db):
    hostunit, countystaff = user("hostunit"), user("countystaff")
    at_host = leave_requests_awaiting(hostunit).get()
    at_department = leave_requests_awaiting(countystaff).get()
    for leave in (at_host, at_department):
        assert leave.placement.cadre.user.username == "cadre" and leave.escalated
        assert leave.department.name == "泽州县委组织部" and leave.start_date > seeded_on
    assert at_host.status == LeaveRequest.Status.PENDING_HOST
    assert at_department.status == LeaveRequest.Status.PENDING_DEPARTMENT

    leave_services.leave_host_decide(acting_user=hostunit, leave=at_host, approve=True, opinion="同意,报县委组织部审批。")
    assert set(leave_requests_awaiting(countystaff)) == {at_host, at_department}
    for leave in (at_host, at_department):
        leave_services.leave_department_decide(acting_user=countystaff, leave=leave, approve=True)
        leave.refresh_from_db()
        assert leave.status == LeaveRequest.Status.APPROVED


def test_D9_the_cadre_reports_show_every_deadline_state(seeded_on, db):
    placement = Placement.objects.get(cadre__user__username="cadre", status=Placement.Status.ACTIVE)
    reports = list(placement.reports.exclude(status=Report.Status.CANCELLED).order_by("due_date", "pk"))
    states = [r.deadline_state(seeded_on) for r in reports]
    assert DeadlineState.ON_TIME in states
    assert states.count(DeadlineState.LATE) == 1 and states.count(DeadlineState.MISSING) == 1
    assert all(r.status == Report.Status.ACCEPTED for r in reports if r.deadline_state(seeded_on) == DeadlineState.ON_TIME)
    due = [r for r in reports if r.deadline_state(seeded_on) == DeadlineState.DUE]
    assert due and due[0].draft_saved_at and not any(r.draft_saved_at for r in due[1:])

    # The late one waits for the host unit's comment and the department's decision.
    late = reports[states.index(DeadlineState.LATE)]
    assert late.status == Report.Status.SUBMITTED
    report_comment(acting_user=user("hostunit"), report=late, text="同意。")
    report_accept(acting_user=user("countystaff"), report=late)
    late.refresh_from_db()
    assert late.status == Report.Status.ACCEPTED


def test_D9_hostclerk_has_last_month_to_confirm(seeded_on, db):
    last_month = (seeded_on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    at_bagong = AttendanceMonth.objects.filter(placement__host_post__host_unit__name="泽州县巴公镇")
    assert at_bagong.filter(month=last_month, confirmed_at__isnull=True).exists()
    assert at_bagong.filter(month__lt=last_month, confirmed_at__isnull=False).exists()
    assert not AttendanceMonth.objects.filter(month__gt=last_month).exists()


# --- the same demo on every day ----------------------------------------------------------------


# What waits for each account right after seeding, on any day: the README's walk-through.
WAITING = {
    "orgstaff": [("待审核的书面报告", 1)],
    "countystaff": [("待审批的请假", 1), ("待审核的书面报告", 1)],
    "hostunit": [("待审批的请假", 1), ("待确认的月度考勤", 2), ("待评阅的书面报告", 1)],
    "hostclerk": [("待确认的月度考勤", 2), ("待评阅的书面报告", 1)],
    "cadre": [("待写的书面报告", 1), ("待确认的勤政廉政承诺", 1)],
    "sendunit": [],
    "mentor": [("待评阅的书面报告", 1)],
    "township": [("待签收的苗头性事件报告", 1)],
    "jdpetition": [("待确认的月度考勤", 36)],
    "hzclerk": [("待确认的月度考勤", 2)],
}


def waiting_table() -> dict:
    return {username: sorted((item.label, item.count) for item in waiting_for(user(username))) for username in WAITING}


def test_D9_every_account_waits_for_the_same_items_on_any_day(seeded_on, db):
    assert waiting_table() == WAITING


def test_D9_placements_are_where_they_should_be_on_the_day(seeded_on, db):
    for placement in Placement.objects.exclude(program__year=2006):
        if placement.status == Placement.Status.PROPOSED:
            assert placement.planned_start > seeded_on, placement
        else:
            assert placement.actual_start <= seeded_on, placement
        if placement.actual_end:
            assert placement.actual_end <= seeded_on
        for change in placement.status_changes.all():
            assert change.effective_date <= seeded_on
    assert Placement.objects.filter(status=Placement.Status.PROPOSED).exists()
    assert set(Placement.objects.values_list("status", flat=True)) == set(Placement.Status.values)


def test_D9_placed_cadres_meet_their_programs_eligibility_on_any_day(seeded_on, db):
    placed_cadres_meet_their_programs_eligibility()


def test_R25_history_stays_history_on_any_day(seeded_on, db):
    batch = Program.objects.get(organising_department__name="杭州市委组织部", year=2006)
    composition = hangzhou2006.batch_composition(
        Cadre.objects.filter(placements__program=batch).distinct(), batch.reference_date
    )
    assert composition == {
        "total": 150, "party_members": 130, "city_reserve": 14, "county_deputy_or_above": 96, "university": 118,
        "masters": 14, "doctors": 1, "born_1970_or_later": 46, "youngest_birth_year": 1983,
        "average_age": Decimal("38.1"),
    }
    assert set(batch.placements.values_list("actual_start", "actual_end")) == {
        (hangzhou2006.ACTUAL_START, hangzhou2006.PLANNED_END)
    }


def test_D9_a_later_run_keeps_the_demo_day_and_adds_nothing(seeded_on, db):
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    later = seeded_on + dt.timedelta(days=45)
    with time_machine.travel(dt.datetime.combine(later, dt.time(9, 30), tzinfo=SHANGHAI), tick=True):
        output = _seed()
    assert {model._meta.label: model._default_manager.count() for model in apps.get_models()} == counts
    assert "本次未新建任何数据" in output
    assert f"{seeded_on:%Y-%m-%d}" in output
