"""Deadline states of the reports (R12: each report shows due, submitted on time, late, missing)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reports.models import DeadlineState, Report
from reports.selectors import reports_late_filter
from reports.services.schedule import reports_schedule

K = Report.Kind
S = Report.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def scheduled(world) -> dict:
    """world.placement's reports by (kind, sequence): Q1 due 2026-04-10, Q2 07-10, half-year
    09-16, Q3 10-10, Q4 2027-01-10, annual 2027-01-15, term-end 2027-02-28 (test_schedule)."""
    reports_schedule(placement=world.placement)
    return {(r.kind, r.sequence): r for r in world.placement.reports.all()}


def mark_submitted(report: Report, moment: dt.datetime, status: str = S.SUBMITTED) -> Report:
    """The submission's timestamps (the writing service is tested on its own)."""
    Report.objects.filter(pk=report.pk).update(status=status, first_submitted_at=moment, submitted_at=moment)
    report.refresh_from_db()
    return report


def test_R12_due_until_and_on_the_due_date(world):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    assert q1.due_date == dt.date(2026, 4, 10)
    assert q1.deadline_state(dt.date(2026, 4, 1)) == DeadlineState.DUE
    assert q1.deadline_state(dt.date(2026, 4, 10)) == DeadlineState.DUE


def test_R12_missing_from_the_day_after_the_due_date(world):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    assert q1.deadline_state(dt.date(2026, 4, 11)) == DeadlineState.MISSING
    assert Report.objects.filter(reports_late_filter(dt.date(2026, 4, 11)), pk=q1.pk).exists()
    assert not Report.objects.filter(reports_late_filter(dt.date(2026, 4, 10)), pk=q1.pk).exists()


def test_R12_submitted_on_the_due_date_in_china_is_on_time(world):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    # 23:30 in 晋城 on the due date is 15:30 UTC: still the due date where the cadre is.
    mark_submitted(q1, at(dt.date(2026, 4, 10), 23).replace(minute=30))
    assert q1.deadline_state(dt.date(2026, 6, 1)) == DeadlineState.ON_TIME


def test_R12_submitted_after_the_due_date_is_late_even_once_accepted(world):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    mark_submitted(q1, at(dt.date(2026, 4, 11), 0).replace(minute=5), status=S.ACCEPTED)
    assert q1.deadline_state(dt.date(2026, 6, 1)) == DeadlineState.LATE
    assert Report.objects.filter(reports_late_filter(dt.date(2026, 6, 1)), pk=q1.pk).exists()


def test_R12_a_returned_report_keeps_the_state_of_its_first_submission(world):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    mark_submitted(q1, at(dt.date(2026, 4, 9)))
    Report.objects.filter(pk=q1.pk).update(status=S.RETURNED, return_reason="请补充项目推进情况")
    q1.refresh_from_db()
    assert q1.deadline_state(dt.date(2026, 5, 1)) == DeadlineState.ON_TIME


def test_R12_a_cancelled_report_has_no_deadline_state(world):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    Report.objects.filter(pk=q1.pk).update(status=S.CANCELLED, cancelled_reason="挂职时间变更")
    q1.refresh_from_db()
    assert q1.deadline_state(dt.date(2026, 6, 1)) == ""
    assert not Report.objects.filter(reports_late_filter(dt.date(2026, 6, 1)), pk=q1.pk).exists()


def test_R12_the_states_have_chinese_labels():
    assert [state.label for state in DeadlineState] == ["待提交", "按时提交", "逾期提交", "逾期未交"]


def test_R12_demo_story_shows_every_deadline_state_once(world):
    from programs.demo.registry import DemoRegistry
    from reports.demo import reports_seed

    # The world's cadre, host unit and department staff play the demo's accounts.
    registry = DemoRegistry()
    registry.add(world.placement)
    for username in ("cadre", "hostunit", "countystaff"):
        registry.add(world.users[username], f"user:{username}")
    today = dt.date(2026, 11, 28)
    created = reports_seed(registry=registry, today=today)
    assert created == {"reports": 7, "versions": 3, "reviews": 4, "drafts": 1}
    states = [(r.label, r.status, r.deadline_state(today), bool(r.draft_saved_at))
              for r in world.placement.reports.order_by("due_date")]
    assert states == [
        ("2026年第1季度工作报告", S.ACCEPTED, DeadlineState.ON_TIME, True),
        ("2026年第2季度工作报告", S.ACCEPTED, DeadlineState.ON_TIME, True),
        ("第1次半年书面汇报", S.SUBMITTED, DeadlineState.LATE, True),
        ("2026年第3季度工作报告", S.PENDING, DeadlineState.MISSING, False),
        ("2026年第4季度工作报告", S.PENDING, DeadlineState.DUE, True),  # a draft begun
        ("2026年度书面总结", S.PENDING, DeadlineState.DUE, False),
        ("期满工作报告", S.PENDING, DeadlineState.DUE, False),
    ]
    assert reports_seed(registry=registry, today=today) == {"reports": 0, "versions": 0, "reviews": 0, "drafts": 0}
