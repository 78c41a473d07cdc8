"""The job outbox (core.jobs): a job exists exactly when its transaction committed, is handed to
the broker after commit, survives a broker outage and runs once in a real worker."""

import datetime as dt
import sqlite3
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.jobs import job_dispatch, job_enqueue, jobs_dispatch_pending
from core.models import Job
from core.tasks import ping

from .brokers import (
    BASE_DIR,
    DEAD_BROKER_URL,
    Worker,
    filesystem_messages,
    subprocess_env,
    unique_queue,
    use_broker,
    wait_for_job,
)

# --- the outbox, against a real (filesystem) broker in a temporary folder --------------------


def test_job_row_is_written_in_the_callers_transaction_and_rolled_back_with_it(
    db, fs_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                job_enqueue("core.ping", kwargs={"note": "rolled back"})
                assert Job.objects.count() == 1
                raise RuntimeError("the business change failed")
    assert Job.objects.count() == 0
    assert callbacks == []
    assert filesystem_messages(fs_broker) == []


def test_job_is_not_sent_before_commit(db, fs_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            job = job_enqueue("core.ping", args=["a"], kwargs={"note": "b"})
            assert filesystem_messages(fs_broker) == []
            assert Job.objects.get(pk=job.pk).status == Job.Status.PENDING
        assert filesystem_messages(fs_broker) == []
    assert len(callbacks) == 1

    messages = filesystem_messages(fs_broker)
    assert [m["headers"]["id"] for m in messages] == [str(job.pk)]
    assert messages[0]["headers"]["task"] == "core.ping"


def test_dispatch_marks_the_job_sent(db, fs_broker):
    job = job_enqueue("core.ping", kwargs={"note": "x"})

    assert job_dispatch(job_id=job.pk) is True

    job.refresh_from_db()
    assert job.status == Job.Status.SENT
    assert job.attempts == 1
    assert job.sent_at is not None
    assert job.last_error == ""
    assert len(filesystem_messages(fs_broker)) == 1


def test_broker_down_leaves_the_job_pending_with_the_error_and_attempts(db):
    job = job_enqueue("core.ping")

    with use_broker(DEAD_BROKER_URL, queue=unique_queue()):
        assert job_dispatch(job_id=job.pk) is False
        assert job_dispatch(job_id=job.pk) is False

    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.attempts == 2
    assert job.last_error
    assert job.sent_at is None


def test_broker_down_does_not_break_the_callers_commit(transactional_db):
    with use_broker(DEAD_BROKER_URL, queue=unique_queue()):
        with transaction.atomic():
            job = job_enqueue("core.ping")

    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.attempts == 1
    assert job.last_error


def _job(status, *, age_seconds: int, sent_age_seconds: int | None = None) -> Job:
    job = Job.objects.create(task_name="core.ping", status=status)
    now = timezone.now()
    sent_at = now - dt.timedelta(seconds=sent_age_seconds) if sent_age_seconds is not None else None
    Job.objects.filter(pk=job.pk).update(created_at=now - dt.timedelta(seconds=age_seconds), sent_at=sent_at)
    job.refresh_from_db()
    return job


def test_dispatch_pending_resends_old_pending_and_lost_jobs_only(db, fs_broker, settings):
    settings.JOBS_RESEND_AFTER_SECONDS = 60
    settings.CELERY_TASK_TIME_LIMIT = 600
    old_pending = _job(Job.Status.PENDING, age_seconds=120)
    fresh_pending = _job(Job.Status.PENDING, age_seconds=5)
    lost = _job(Job.Status.SENT, age_seconds=4000, sent_age_seconds=3600)
    recently_sent = _job(Job.Status.SENT, age_seconds=300, sent_age_seconds=300)
    done = _job(Job.Status.DONE, age_seconds=4000, sent_age_seconds=3600)
    failed = _job(Job.Status.FAILED, age_seconds=4000, sent_age_seconds=3600)

    assert jobs_dispatch_pending() == 2

    sent_ids = {m["headers"]["id"] for m in filesystem_messages(fs_broker)}
    assert sent_ids == {str(old_pending.pk), str(lost.pk)}
    for job in (old_pending, lost):
        job.refresh_from_db()
        assert job.status == Job.Status.SENT
        assert job.sent_at > timezone.now() - dt.timedelta(seconds=30)
    for job, status in ((fresh_pending, Job.Status.PENDING), (recently_sent, Job.Status.SENT),
                        (done, Job.Status.DONE), (failed, Job.Status.FAILED)):
        before = job.sent_at
        job.refresh_from_db()
        assert job.status == status
        assert job.sent_at == before


def test_dispatch_jobs_command_reports_how_many_were_sent(db, fs_broker, settings, capsys):
    settings.JOBS_RESEND_AFTER_SECONDS = 60
    _job(Job.Status.PENDING, age_seconds=120)

    call_command("dispatch_jobs")

    assert "已发送 1 个任务" in capsys.readouterr().out


def test_outbox_task_runs_a_pending_job_and_marks_it_done(db):
    job = job_enqueue("core.ping")

    result = ping.apply(kwargs={"note": "eager"}, task_id=str(job.pk))

    assert result.get() == "pong eager"
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.finished_at is not None


def test_outbox_task_skips_a_job_already_done(db):
    job = job_enqueue("core.ping")
    finished = timezone.now() - dt.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=finished)

    result = ping.apply(kwargs={"note": "again"}, task_id=str(job.pk))

    assert result.get() is None  # not run: a job sent twice runs once
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.finished_at == finished


def test_outbox_task_failure_is_recorded_but_never_undoes_done(db):
    failing = job_enqueue("core.ping")
    done = job_enqueue("core.ping")
    Job.objects.filter(pk=done.pk).update(status=Job.Status.DONE)

    for job in (failing, done):
        ping.on_failure(ValueError("boom"), str(job.pk), (), {}, None)

    failing.refresh_from_db()
    done.refresh_from_db()
    assert (failing.status, failing.last_error) == (Job.Status.FAILED, "boom")
    assert done.status == Job.Status.DONE


# --- a real worker process -------------------------------------------------------------------


@pytest.mark.worker
def test_job_enqueued_in_a_transaction_runs_in_a_real_worker_over_redis(redis_url, redis_queue, start_worker):
    worker = start_worker(queue=redis_queue, broker_url=redis_url)

    with transaction.atomic():
        job = job_enqueue("core.ping", kwargs={"note": "worker"})

    job = wait_for_job(job, Job.Status.DONE, worker=worker)
    assert job.attempts == 1
    assert job.finished_at is not None
    assert f"Task core.ping[{job.pk}] succeeded" in worker.log()


@pytest.mark.worker
def test_job_enqueued_while_the_broker_is_down_is_resent_and_runs(redis_url, redis_queue, start_worker, settings):
    worker = start_worker(queue=redis_queue, broker_url=redis_url)

    with use_broker(DEAD_BROKER_URL, queue=redis_queue):
        with transaction.atomic():
            job = job_enqueue("core.ping", kwargs={"note": "outage"})
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.attempts == 1
    assert job.last_error

    # The broker is back (use_broker restored it); the periodic dispatcher sends the job again.
    settings.JOBS_RESEND_AFTER_SECONDS = 0
    assert jobs_dispatch_pending() == 1

    job = wait_for_job(job, Job.Status.DONE, worker=worker)
    assert job.attempts == 2
    assert job.last_error == ""


@pytest.mark.worker
def test_embedded_default_runs_jobs_in_a_worker_over_the_filesystem_transport(tmp_path):
    """`make run` without REDIS_URL: SQLite file and kombu's filesystem transport, separate processes."""
    db_path = tmp_path / "db.sqlite3"
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="secondment.settings",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY=None,
        DATABASE_URL=f"sqlite:///{db_path}",
        REDIS_URL=None,
        CELERY_DATA_DIR=str(tmp_path / "celery"),
    )
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=BASE_DIR, check=True, timeout=120)
    worker = Worker(env=env, queue="celery", log_path=tmp_path / "worker.log")
    try:
        worker.wait_ready()
        enqueue = (
            "from django.db import transaction\n"
            "from core.jobs import job_enqueue\n"
            "with transaction.atomic():\n"
            "    job = job_enqueue('core.ping', kwargs={'note': 'filesystem'})\n"
            "print(job.pk.hex)\n"
        )
        out = subprocess.run([*manage, "shell", "-c", enqueue], env=env, cwd=BASE_DIR, check=True, timeout=60,
                             capture_output=True, text=True).stdout
        job_hex = out.strip().splitlines()[-1]

        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            with sqlite3.connect(db_path, timeout=10) as conn:
                status = conn.execute("SELECT status FROM core_job WHERE id = ?", [job_hex]).fetchone()[0]
            if status == Job.Status.DONE:
                break
            time.sleep(0.2)
        assert status == Job.Status.DONE, worker.log()
        assert "succeeded" in worker.log()
    finally:
        worker.stop()
