"""Duties reads (D1, D6): who sees which record, what is missing, what waits for whom."""

import datetime as dt
from decimal import Decimal

import pytest

from duties import selectors, services
from programs.models import Placement

from .conftest import policy_set

DAY = dt.date(2026, 4, 10)


@pytest.fixture
def records(duties):
    u = duties.users
    case = services.owned_case_open(acting_user=u["hostunit"], placement=duties.placement, title="信访件", opened_on=DAY)
    services.case_progress_add(acting_user=u["cadre"], case=case, date=DAY, note="约见")
    card = services.feedback_card_report(acting_user=u["villagecadre"], placement=duties.village, matter="流转",
                                         decided_on=DAY, content="通过")
    warning = services.early_warning_report(acting_user=u["villagecadre"], placement=duties.village, occurred_on=DAY,
                                            content="纠纷")
    training = services.training_record_create(acting_user=u["countystaff"], placement=duties.placement, course="培训",
                                               held_on=DAY, hours=Decimal(8), score=Decimal(90), passed=True)
    meeting = services.exchange_meeting_record(acting_user=u["countystaff"], program=duties.program, held_on=DAY,
                                               topic="交流", attendees=[duties.placement])
    branch = services.party_branch_create(acting_user=u["countystaff"], program=duties.program, name="临时党支部",
                                          established_on=DAY, members=[duties.placement])
    activity = services.branch_activity_record(acting_user=u["countystaff"], branch=branch, held_on=DAY, topic="学习",
                                               attendees=[duties.placement])
    undertaking = services.integrity_undertaking_confirm(acting_user=u["cadre"], placement=duties.placement)
    return {"case": case, "card": card, "warning": warning, "training": training, "meeting": meeting, "branch": branch,
            "activity": activity, "undertaking": undertaking}


SELECTORS = {
    "case": selectors.owned_cases_visible_to,
    "training": selectors.training_records_visible_to,
    "meeting": selectors.exchange_meetings_visible_to,
    "branch": selectors.party_branches_visible_to,
    "activity": selectors.branch_activities_visible_to,
    "undertaking": selectors.integrity_undertakings_visible_to,
}


@pytest.mark.parametrize("username", ["cadre", "hostunit", "hostclerk", "sendunit", "mentor", "countystaff", "orgstaff"])
@pytest.mark.parametrize("what", sorted(SELECTORS))
def test_D6_those_who_reach_the_placement_see_its_duties(duties, records, username, what):
    assert records[what] in SELECTORS[what](duties.users[username])


@pytest.mark.parametrize("username", ["othercadre", "gphost", "gaopingstaff", "hzstaff", "nobody"])
@pytest.mark.parametrize("what", sorted(SELECTORS))
def test_D6_other_units_cadres_and_departments_see_nothing(duties, records, username, what):
    assert records[what] not in SELECTORS[what](duties.users[username])


@pytest.mark.parametrize("username", ["villagecadre", "villagehost", "township", "countystaff", "orgstaff"])
def test_R2_village_reports_are_seen_by_the_township_host_cadre_and_staff(duties, records, username):
    user = duties.users[username]
    assert records["card"] in selectors.feedback_cards_visible_to(user)
    assert records["warning"] in selectors.early_warnings_visible_to(user)


@pytest.mark.parametrize("username", ["cadre", "hostunit", "gphost", "gaopingstaff", "othercadre", "nobody"])
def test_R2_village_reports_are_hidden_from_everyone_else(duties, records, username):
    user = duties.users[username]
    assert records["card"] not in selectors.feedback_cards_visible_to(user)
    assert records["warning"] not in selectors.early_warnings_visible_to(user)


def test_R14_progress_visible_through_its_case(duties, records):
    assert selectors.case_progress_visible_to(duties.users["cadre"]).count() == 1
    assert selectors.case_progress_visible_to(duties.users["othercadre"]).count() == 0


def test_R14_months_without_an_exchange_meeting(duties):
    # The program runs from March 2026; on 15 June, March–May have ended.
    services.exchange_meeting_record(acting_user=duties.users["countystaff"], program=duties.program,
                                     held_on=dt.date(2026, 4, 25), topic="四月")
    assert selectors.exchange_meetings_missing(duties.program, dt.date(2026, 6, 15)) == [
        dt.date(2026, 3, 1), dt.date(2026, 5, 1)]
    policy_set(duties.program, monthly_exchange_meeting=False)
    assert selectors.exchange_meetings_missing(duties.program, dt.date(2026, 6, 15)) == []


def test_R14_open_placements_without_an_undertaking(duties):
    missing = selectors.undertakings_missing(Placement.objects.all())
    assert set(missing) == {duties.placement, duties.village, duties.hz_placement}
    services.integrity_undertaking_confirm(acting_user=duties.users["cadre"], placement=duties.placement)
    assert duties.placement not in selectors.undertakings_missing()


def test_R14_waiting_items_per_role(duties):
    labels = lambda user: {item.label: item.count for item in selectors.waiting_items(user)}  # noqa: E731
    assert labels(duties.users["cadre"]) == {"待确认的勤政廉政承诺": 1}
    services.feedback_card_report(acting_user=duties.users["villagecadre"], placement=duties.village, matter="x",
                                  decided_on=DAY, content="y")
    warning = services.early_warning_report(acting_user=duties.users["villagecadre"], placement=duties.village,
                                            occurred_on=DAY, content="y")
    assert labels(duties.users["township"]) == {"待签收的苗头性事件报告": 1, "待签收的信息反馈卡": 1}
    assert labels(duties.users["countystaff"])["待签收的苗头性事件报告"] == 1
    # The city department was not notified; the report does not wait for it.
    assert labels(duties.users["orgstaff"])["待签收的苗头性事件报告"] == 0
    services.early_warning_acknowledge(acting_user=duties.users["township"], warning=warning)
    assert labels(duties.users["township"])["待签收的苗头性事件报告"] == 0
    assert labels(duties.users["countystaff"])["待签收的苗头性事件报告"] == 1


def test_R14_timeline_shows_duties_in_scope(duties, records):
    categories = {event.category for event in selectors.timeline_events(duties.users["cadre"], duties.placement)}
    assert {"包案", "岗前培训", "经验交流会", "临时党支部", "勤政廉政"} <= categories
    assert selectors.timeline_events(duties.users["othercadre"], duties.placement) == []
