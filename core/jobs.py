"""The job outbox: the one way any part of the system requests background work.

``job_enqueue`` writes a :class:`~core.models.Job` row in the caller's transaction, so a job
exists exactly when the business change that asked for it was committed. After commit the row
is handed to Celery with the job's id as the Celery task id. If the broker does not take it
(outage, restart of a Redis that keeps nothing on disk), the row stays pending and
``jobs_dispatch_pending`` — run by Celery beat every minute and by ``manage.py dispatch_jobs`` —
sends it again. Tasks run through :class:`OutboxTask`, which skips a job already done, so a
job sent twice runs once.
"""

import logging
from datetime import timedelta
from functools import partial

from celery import Task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)


def job_enqueue(task_name: str, *, args: list | tuple = (), kwargs: dict | None = None) -> Job:
    """Record a job in the current transaction; it is sent to the broker after commit.

    Django drops the after-commit send with the row when a savepoint around it rolls back.
    """
    job = Job.objects.create(task_name=task_name, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(partial(_job_send, job), robust=True)
    return job


def job_dispatch(*, job_id) -> bool:
    """Hand one job to the broker unless it has finished. Returns whether the broker took it."""
    job = Job.objects.filter(pk=job_id).exclude(status__in=[Job.Status.DONE, Job.Status.FAILED]).first()
    return job is not None and _job_send(job)


def _job_send(job: Job) -> bool:
    from secondment.celery import app

    try:
        app.send_task(job.task_name, args=job.args, kwargs=job.kwargs, task_id=str(job.pk), retry=False)
    except Exception as exc:  # the broker is unreachable: the dispatcher retries later
        logger.warning("job %s not taken by the broker: %s", job.pk, exc)
        Job.objects.filter(pk=job.pk, status=Job.Status.PENDING).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:2000]
        )
        return False
    # The worker may already have finished it: never move a job back from DONE or FAILED.
    Job.objects.filter(pk=job.pk, status__in=[Job.Status.PENDING, Job.Status.SENT]).update(
        status=Job.Status.SENT, attempts=F("attempts") + 1, sent_at=timezone.now(), last_error=""
    )
    return True


def jobs_dispatch_pending(*, now=None) -> int:
    """Send again what the broker has not taken, and what it took but seems to have lost.

    Pending jobs older than ``JOBS_RESEND_AFTER_SECONDS`` were not taken (the after-commit send
    failed or the process died first). Sent jobs not finished long after the task time limit
    were lost by the broker. Returns how many jobs the broker took.
    """
    now = now or timezone.now()
    pending_before = now - timedelta(seconds=settings.JOBS_RESEND_AFTER_SECONDS)
    lost_before = now - timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT + settings.JOBS_RESEND_AFTER_SECONDS)
    due = Job.objects.filter(
        Q(status=Job.Status.PENDING, created_at__lt=pending_before) | Q(status=Job.Status.SENT, sent_at__lt=lost_before)
    ).order_by("created_at")
    return sum(_job_send(job) for job in due.iterator())


class OutboxTask(Task):
    """Base class of every task requested through the outbox.

    The Celery task id is the job id. A job already done is not run again; success and final
    failure are written back to the job row.
    """

    autoretry_for = (Exception,)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5

    def __call__(self, *args, **kwargs):
        job_id = self.request.id
        if job_id and Job.objects.filter(pk=job_id, status=Job.Status.DONE).exists():
            logger.info("job %s already done; not run again", job_id)
            return None
        return super().__call__(*args, **kwargs)

    def on_success(self, retval, task_id, args, kwargs):
        # A run skipped because the job was already done leaves the first finish time alone.
        Job.objects.filter(pk=task_id).exclude(status=Job.Status.DONE).update(
            status=Job.Status.DONE, finished_at=timezone.now(), last_error=""
        )

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        Job.objects.filter(pk=task_id).exclude(status=Job.Status.DONE).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), last_error=str(exc)[:2000]
        )
