"""The reports in the portal (R12, D6): what waits for each role in the badge, and the reports on
the per-cadre timeline within the user's scope."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.timeline import timeline_for
from portal.waiting import waiting_for
from programs.roles import user_scope
from reports import portal_hooks
from reports.models import Report, ReportReview, ReportVersion

from .test_deadlines import at, mark_submitted, scheduled

K = Report.Kind
S = Report.Status
pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 5)
TO_WRITE, TO_COMMENT, TO_DECIDE = "待写的书面报告", "待评阅的书面报告", "待审核的书面报告"


@pytest.fixture
def story(world, monkeypatch):
    """On 2026-10-05: Q1 submitted on time and waiting for review, Q2 missing, the half-year
    report returned for revision, Q3 due in 5 days; the rest later."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    reports = scheduled(world)
    q1 = mark_submitted(reports[(K.QUARTERLY, 1)], at(dt.date(2026, 4, 8)))
    half = mark_submitted(reports[(K.HALF_YEAR, 1)], at(dt.date(2026, 9, 10)))
    Report.objects.filter(pk=half.pk).update(status=S.RETURNED, return_reason="请补充思想方面的体会")
    world.version = ReportVersion.objects.create(report=q1, number=1, sections={"done": "完成"},
                                                 submitted_by=world.users["cadre"], submitted_at=q1.submitted_at)
    world.reports = reports
    return world


def waiting(user) -> dict:
    return {item.label: (item.count, item.url) for item in waiting_for(user) if "书面报告" in item.label}


def counts(user) -> dict:
    return {label: count for label, (count, _url) in waiting(user).items()}


def comment(world, username: str, role: str) -> ReportReview:
    return ReportReview.objects.create(report=world.version.report, version=world.version, kind=ReportReview.Kind.COMMENT,
                                       role=role, text="同意", author=world.users[username])


def test_R12_the_cadre_waits_for_reports_due_within_7_days_missing_or_returned(story):
    # Q2 missing, the half-year report returned, Q3 due on 10-10; Q4 (2027-01-10) not yet.
    assert counts(story.users["cadre"]) == {TO_WRITE: 3}
    assert counts(story.users["othercadre"]) == {}  # a count of 0 is not shown


def test_R12_host_unit_and_mentor_wait_for_submitted_reports_they_have_not_commented_on(story):
    assert counts(story.users["hostunit"]) == {TO_COMMENT: 1}
    assert counts(story.users["hostclerk"]) == {TO_COMMENT: 1}
    assert counts(story.users["mentor"]) == {TO_COMMENT: 1}
    assert counts(story.users["gphost"]) == {}  # another township's host unit

    comment(story, "hostunit", ReportReview.Role.HOST_UNIT)
    assert counts(story.users["hostunit"]) == {}
    assert counts(story.users["hostclerk"]) == {}  # the host unit has commented
    assert counts(story.users["mentor"]) == {TO_COMMENT: 1}  # the mentor has not
    comment(story, "mentor", ReportReview.Role.MENTOR)
    assert counts(story.users["mentor"]) == {}


def test_R12_a_comment_on_an_earlier_version_does_not_count_after_resubmission(story):
    comment(story, "hostunit", ReportReview.Role.HOST_UNIT)
    assert counts(story.users["hostunit"]) == {}
    Report.objects.filter(pk=story.version.report_id).update(submitted_at=timezone.now() + dt.timedelta(minutes=5))
    assert counts(story.users["hostunit"]) == {TO_COMMENT: 1}


def test_R12_staff_wait_for_submitted_reports_in_their_scope(story):
    assert counts(story.users["countystaff"]) == {TO_DECIDE: 1}
    assert counts(story.users["orgstaff"]) == {TO_DECIDE: 1}  # the city sees its counties
    assert counts(story.users["gaopingstaff"]) == {}
    assert counts(story.users["hzstaff"]) == {}
    count, url = waiting(story.users["countystaff"])[TO_DECIDE]
    assert url == "" or url.endswith("?status__exact=submitted")


def test_R12_sending_units_and_others_wait_for_no_reports(story):
    for username in ("sendunit", "township", "nobody"):
        assert counts(story.users[username]) == {}, username


def test_R12_the_badge_costs_one_counting_query_per_role(story, django_assert_num_queries):
    for username in ("cadre", "hostunit", "mentor", "countystaff"):
        user = story.users[username]
        user_scope(user)  # read once per request by the shell anyway
        with django_assert_num_queries(1):
            portal_hooks.waiting_items(user)


def timeline(user, placement) -> list:
    return [(e.date, e.title, e.tone) for e in timeline_for(user, placement) if e.category == "书面报告"]


def test_R12_timeline_shows_each_report_with_its_deadline_state(story):
    Report.objects.filter(pk=story.reports[(K.TERM_END, 1)].pk).update(status=S.CANCELLED, cancelled_reason="变更")
    events = timeline(story.users["cadre"], story.placement)
    assert sorted(events) == sorted([
        (dt.date(2026, 4, 8), "2026年第1季度工作报告：按时提交", "ok"),
        (dt.date(2026, 7, 10), "2026年第2季度工作报告：逾期未交", "danger"),
        (dt.date(2026, 9, 10), "第1次半年书面汇报：按时提交", "ok"),
        (dt.date(2026, 10, 10), "2026年第3季度工作报告：待提交", ""),
        (dt.date(2027, 1, 10), "2026年第4季度工作报告：待提交", ""),
        (dt.date(2027, 1, 15), "2026年度书面总结：待提交", ""),
    ])  # the cancelled term-end report is not shown


def test_R12_late_submission_is_a_warning_on_the_timeline(story):
    mark_submitted(story.reports[(K.QUARTERLY, 2)], at(dt.date(2026, 7, 20)))
    events = {title: (day, tone) for day, title, tone in timeline(story.users["cadre"], story.placement)}
    assert events["2026年第2季度工作报告：逾期提交"] == (dt.date(2026, 7, 20), "warning")


def test_D6_timeline_is_scoped_to_the_user(story):
    for username in ("cadre", "hostunit", "mentor", "countystaff", "orgstaff"):
        assert len(timeline(story.users[username], story.placement)) == 7, username
    # Another township's host unit, another county's staff, another cadre, the sending unit
    # (sees the placement, not what the cadre writes): nothing.
    for username in ("gphost", "gaopingstaff", "hzstaff", "othercadre", "sendunit", "nobody"):
        assert timeline(story.users[username], story.placement) == [], username
