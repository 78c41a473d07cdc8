"""Deadline reminders (R12): 7 days and 1 day before a report is due and the day after it was
missed, in-app and by e-mail where the user has an address; never twice for the same report,
reminder and day, however often the daily job runs."""

import datetime as dt

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core import mail

from core.models import Job, Notification
from core.notifications import notification_email_send
from reports.models import Report, ReportReminder
from reports.services import reminders as reminder_services
from reports.services.reminders import RemindersIncomplete, reports_remind
from reports.services.schedule import reports_schedule
from reports.tasks import schedule_all, send_reminders
from secondment.celery import app

from .test_deadlines import at, mark_submitted, scheduled

K = Report.Kind
S = Report.Status
R = ReportReminder.Kind
pytestmark = pytest.mark.django_db

Q1_DUE = dt.date(2026, 4, 10)


def reminders():
    return list(ReportReminder.objects.order_by("for_date", "report__due_date").values_list(
        "report__kind", "report__sequence", "kind", "for_date"))


def test_R12_reminded_7_days_before_the_due_date(world):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    assert reports_remind(today=dt.date(2026, 4, 3)) == 1
    assert reminders() == [(K.QUARTERLY, 1, R.WEEK_BEFORE, dt.date(2026, 4, 3))]
    notification = Notification.objects.get()
    assert notification.recipient == world.users["cadre"]
    assert notification.title == "2026年第1季度工作报告将于7天后截止"
    assert "2026年4月10日" in notification.body
    assert notification.topic == f"reports.report:{q1.pk}"
    assert notification.url  # the report's page, or the portal while it is being built


def test_R12_reminded_1_day_before_the_due_date(world):
    scheduled(world)
    assert reports_remind(today=dt.date(2026, 4, 9)) == 1
    assert reminders() == [(K.QUARTERLY, 1, R.DAY_BEFORE, dt.date(2026, 4, 9))]
    assert Notification.objects.get().title == "2026年第1季度工作报告明天截止"


def test_R12_missed_reminder_the_day_after_goes_to_the_cadre_and_the_organising_department(world):
    scheduled(world)
    assert reports_remind(today=dt.date(2026, 4, 11)) == 1
    assert reminders() == [(K.QUARTERLY, 1, R.MISSED, dt.date(2026, 4, 11))]
    told = dict(Notification.objects.values_list("recipient__username", "title"))
    # 泽州县委组织部 organises the program; the city's staff above it are not messaged.
    assert told == {"cadre": "2026年第1季度工作报告已逾期未交", "countystaff": "李明的2026年第1季度工作报告逾期未交"}


@pytest.mark.parametrize("day", [dt.date(2026, 4, 2), dt.date(2026, 4, 4), dt.date(2026, 4, 8),
                                 Q1_DUE, dt.date(2026, 4, 12), dt.date(2026, 5, 1)])
def test_R12_no_reminder_on_other_days(world, day):
    scheduled(world)
    assert reports_remind(today=day) == 0
    assert not ReportReminder.objects.exists()
    assert not Notification.objects.exists()


def test_R12_several_reports_on_one_day(world):
    scheduled(world)
    # Q4 is due 2027-01-10 (day before: 01-09), the annual summary 2027-01-15 (week before: 01-08).
    assert reports_remind(today=dt.date(2027, 1, 8)) == 1
    assert reports_remind(today=dt.date(2027, 1, 9)) == 1
    assert reminders() == [
        (K.ANNUAL, 1, R.WEEK_BEFORE, dt.date(2027, 1, 8)), (K.QUARTERLY, 4, R.DAY_BEFORE, dt.date(2027, 1, 9)),
    ]


def test_R12_running_twice_on_the_same_day_sends_nothing_more(world):
    world.users["cadre"].email = "liming@zezhou.gov.cn"
    world.users["cadre"].save(update_fields=["email"])
    scheduled(world)
    assert reports_remind(today=dt.date(2026, 4, 11)) == 1
    counts = (ReportReminder.objects.count(), Notification.objects.count(), Job.objects.filter(task_name="core.notification_email").count())
    assert counts == (1, 2, 1)
    assert reports_remind(today=dt.date(2026, 4, 11)) == 0
    assert (ReportReminder.objects.count(), Notification.objects.count(),
            Job.objects.filter(task_name="core.notification_email").count()) == counts


def test_R12_each_reminder_once_per_report_kind_and_day(world):
    scheduled(world)
    for day in (dt.date(2026, 4, 3), dt.date(2026, 4, 9), dt.date(2026, 4, 11)):
        for _run in range(2):
            reports_remind(today=day)
    assert reminders() == [
        (K.QUARTERLY, 1, R.WEEK_BEFORE, dt.date(2026, 4, 3)), (K.QUARTERLY, 1, R.DAY_BEFORE, dt.date(2026, 4, 9)),
        (K.QUARTERLY, 1, R.MISSED, dt.date(2026, 4, 11)),
    ]
    assert Notification.objects.filter(recipient=world.users["cadre"]).count() == 3


def test_R12_a_reminder_row_written_elsewhere_means_already_sent(world):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    ReportReminder.objects.create(report=q1, kind=R.WEEK_BEFORE, for_date=dt.date(2026, 4, 3))
    assert reports_remind(today=dt.date(2026, 4, 3)) == 0
    assert not Notification.objects.exists()


def test_R12_submitted_accepted_and_cancelled_reports_are_not_reminded(world):
    reports = scheduled(world)
    mark_submitted(reports[(K.QUARTERLY, 1)], at(dt.date(2026, 4, 2)))
    mark_submitted(reports[(K.QUARTERLY, 2)], at(dt.date(2026, 7, 2)), status=S.ACCEPTED)
    Report.objects.filter(pk=reports[(K.HALF_YEAR, 1)].pk).update(status=S.CANCELLED, cancelled_reason="挂职时间变更")
    for day in (dt.date(2026, 4, 3), dt.date(2026, 4, 9), dt.date(2026, 4, 11),
                dt.date(2026, 7, 3), dt.date(2026, 7, 9), dt.date(2026, 7, 11),
                dt.date(2026, 9, 9), dt.date(2026, 9, 15), dt.date(2026, 9, 17)):
        assert reports_remind(today=day) == 0, day
    assert not Notification.objects.exists()


def test_R12_a_returned_report_is_reminded_before_its_due_date_but_never_as_missed(world):
    q1 = scheduled(world)[(K.QUARTERLY, 1)]
    mark_submitted(q1, at(dt.date(2026, 3, 31)))
    Report.objects.filter(pk=q1.pk).update(status=S.RETURNED, return_reason="请补充项目推进情况")
    assert reports_remind(today=dt.date(2026, 4, 9)) == 1
    assert reports_remind(today=dt.date(2026, 4, 11)) == 0  # first submitted on time: not missed
    assert reminders() == [(K.QUARTERLY, 1, R.DAY_BEFORE, dt.date(2026, 4, 9))]


def test_R12_email_copy_only_for_users_with_an_address(world):
    cadre = world.users["cadre"]
    cadre.email = "liming@zezhou.gov.cn"
    cadre.save(update_fields=["email"])
    scheduled(world)
    reports_remind(today=dt.date(2026, 4, 11))  # cadre (address) and countystaff (none)
    jobs = list(Job.objects.filter(task_name="core.notification_email"))
    assert [job.kwargs for job in jobs] == [{"notification_id": Notification.objects.get(recipient=cadre).pk}]
    for job in jobs:
        notification_email_send(**job.kwargs)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["liming@zezhou.gov.cn"], "2026年第1季度工作报告已逾期未交")]


def test_R12_nobody_to_tell_records_no_reminder(world):
    cadre = world.users["cadre"]
    cadre.is_active = False
    cadre.save(update_fields=["is_active"])
    scheduled(world)
    assert reports_remind(today=dt.date(2026, 4, 3)) == 0
    assert not ReportReminder.objects.exists()
    # Missed: the organising department is still told.
    assert reports_remind(today=dt.date(2026, 4, 11)) == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["countystaff"]


def test_R12_one_failing_report_does_not_stop_the_others_and_is_retried(world, monkeypatch):
    reports_schedule(placement=world.placement)
    # A second placement owing the same reminder on the same day: 王芳, also from 2026-03-02.
    from programs import services as program_services

    other = program_services.placement_create(acting_user=world.admin, cadre=world.cadres["zz_second"],
                                              host_post=world.posts["township"])
    program_services.placement_start(acting_user=world.admin, placement=other, effective_date=dt.date(2026, 3, 2))
    reports_schedule(placement=other)
    other_user = world.users["othercadre"].__class__.objects.create_user("wangfang")
    world.cadres["zz_second"].__class__.objects.filter(pk=world.cadres["zz_second"].pk).update(user=other_user)
    failing = world.placement.reports.get(kind=K.QUARTERLY, sequence=1)
    real_tell = reminder_services._tell

    def tell(report, kind):
        if report.pk == failing.pk:
            raise RuntimeError("mail queue full")
        return real_tell(report, kind)

    monkeypatch.setattr(reminder_services, "_tell", tell)
    with pytest.raises(RemindersIncomplete):
        reports_remind(today=dt.date(2026, 4, 3))
    assert list(ReportReminder.objects.values_list("report__placement", flat=True)) == [other.pk]
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["wangfang"]

    monkeypatch.setattr(reminder_services, "_tell", real_tell)
    assert reports_remind(today=dt.date(2026, 4, 3)) == 1  # the retry sends only what failed
    assert ReportReminder.objects.count() == 2
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["cadre", "wangfang"]


# --- the daily job ---------------------------------------------------------------------------


def test_R12_beat_runs_the_reminders_every_morning_in_china():
    entry = django_settings.CELERY_BEAT_SCHEDULE["reports-send-reminders"]
    assert entry["task"] == "reports.send_reminders" and entry["task"] in app.tasks
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {30}
    assert django_settings.CELERY_TIMEZONE == "Asia/Shanghai"
    safety_net = django_settings.CELERY_BEAT_SCHEDULE["reports-schedule-all"]
    assert safety_net["task"] == "reports.schedule_all" and safety_net["task"] in app.tasks
    # The reports are brought in line before the reminders about them go out.
    assert (min(safety_net["schedule"].hour), min(safety_net["schedule"].minute)) < (7, 30)


def test_R12_the_task_takes_an_iso_date_and_is_safe_to_run_twice(world):
    scheduled(world)
    assert send_reminders.apply(kwargs={"today": "2026-04-11"}).get() == 1
    assert send_reminders.apply(kwargs={"today": "2026-04-11"}).get() == 0
    assert ReportReminder.objects.count() == 1


def test_R12_the_task_defaults_to_today(world, monkeypatch):
    scheduled(world)
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 4, 9))
    assert send_reminders.apply().get() == 1
    assert reminders() == [(K.QUARTERLY, 1, R.DAY_BEFORE, dt.date(2026, 4, 9))]


def test_D5_the_daily_safety_net_schedules_active_placements_once(world):
    assert not Report.objects.exists()
    assert schedule_all.apply().get() == 1  # world.placement; the 杭州 one is only proposed
    assert world.placement.reports.count() == 7
    assert schedule_all.apply().get() == 0
    assert Report.objects.count() == 7
