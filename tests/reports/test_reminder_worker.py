"""The daily reminder job (R12) run twice through Redis by real Celery workers — one after the
other or at the same time on two workers: each report is reminded once, each person told once.
Skipped without REDIS_URL or on SQLite."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model

from core.jobs import job_enqueue
from core.models import Job, Notification
from programs import services as program_services
from programs.models import Cadre
from reports.models import ReportReminder
from reports.services.schedule import reports_schedule
from tests.core.brokers import wait_for_job
from tests.core.conftest import redis_queue, redis_url, start_worker  # noqa: F401 (fixtures)


def two_placements_due(world):
    """李明 and 王芳, both in 巴公镇 from 2026-03-02: Q1 due 2026-04-10 for each."""
    wang = get_user_model().objects.create_user("wangfang")
    Cadre.objects.filter(pk=world.cadres["zz_second"].pk).update(user=wang)
    other = program_services.placement_create(acting_user=world.admin, cadre=world.cadres["zz_second"],
                                              host_post=world.posts["township"])
    program_services.placement_start(acting_user=world.admin, placement=other, effective_date=dt.date(2026, 3, 2))
    for placement in (world.placement, other):
        reports_schedule(placement=placement)
    return [world.placement, other]


@pytest.mark.worker
@pytest.mark.parametrize("workers", [1, 2], ids=["one-worker-twice", "two-workers-at-once"])
def test_R12_reminder_job_run_twice_by_real_workers_reminds_once(
    redis_url, redis_queue, start_worker, transactional_world, workers  # noqa: F811
):
    running = [start_worker(queue=redis_queue, broker_url=redis_url) for _ in range(workers)]
    placements = two_placements_due(transactional_world)
    Job.objects.all().delete()  # the placements' own scheduling jobs: not this test's business

    # The day after the due date: "missed" for both; the job requested twice (e.g. beat and a
    # manual catch-up, or a redelivery), each after commit.
    first = job_enqueue("reports.send_reminders", kwargs={"today": "2026-04-11"})
    second = job_enqueue("reports.send_reminders", kwargs={"today": "2026-04-11"})
    for job in (first, second):
        wait_for_job(job, Job.Status.DONE, worker=running[0], timeout=60)

    reminders = ReportReminder.objects.order_by("report__placement_id")
    assert list(reminders.values_list("report__placement_id", "kind", "for_date")) == [
        (placement.pk, ReportReminder.Kind.MISSED, dt.date(2026, 4, 11)) for placement in placements
    ]
    # Each cadre once; 泽州县委组织部's staff once per report.
    told = sorted(Notification.objects.values_list("recipient__username", flat=True))
    assert told == ["cadre", "countystaff", "countystaff", "wangfang"]
    logs = "".join(worker.log() for worker in running)
    results = [int(n) for n in re.findall(r"Task reports\.send_reminders\[[0-9a-f-]+\] succeeded in [0-9.]+s: (\d+)", logs)]
    # One worker: the second run finds everything sent. Two at once may share the reports
    # between them, but never both send the same one.
    assert len(results) == 2 and sum(results) == 2, logs
    if workers == 1:
        assert results == [2, 0], logs

    # Nobody here has an e-mail address: a worker would send the copies on its default queue,
    # not this test's (the e-mail job through a real worker: tests/core/test_notification_worker).
    assert not Job.objects.filter(task_name="core.notification_email").exists()
