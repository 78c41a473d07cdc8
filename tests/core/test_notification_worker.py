"""In-app notifications with an e-mail copy (R11: each person who must act is told): the copy is
an outbox job that a real Celery worker on Redis sends after the leave request commits, once.
Skipped without REDIS_URL or on SQLite."""

import datetime as dt
import re

import pytest

from core.models import Job, Notification
from daily.services import leave as leave_services

from .brokers import wait_for_job


@pytest.mark.worker
def test_R11_the_approver_is_mailed_by_a_real_worker_after_commit(redis_url, redis_queue, start_worker, transactional_world):
    worker = start_worker(queue=redis_queue, broker_url=redis_url)
    approver = transactional_world.users["hostunit"]
    approver.email = "zhao@bagong.gov.cn"
    approver.save(update_fields=["email"])

    leave_services.leave_request_create(
        acting_user=transactional_world.users["cadre"], placement=transactional_world.placement, kind="personal",
        start_date=dt.date(2026, 6, 8), end_date=dt.date(2026, 6, 9), reason="家中有事", today=dt.date(2026, 6, 8),
    )

    notification = Notification.objects.get(recipient=approver)
    job = Job.objects.get(task_name="core.notification_email")
    assert job.kwargs == {"notification_id": notification.pk}
    wait_for_job(job, Job.Status.DONE, worker=worker, timeout=60)
    # The task returns the number of messages sent: one.
    assert re.search(rf"Task core\.notification_email\[{job.pk}\] succeeded in [0-9.]+s: 1$", worker.log(), re.MULTILINE)
