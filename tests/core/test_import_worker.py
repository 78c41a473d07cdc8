"""A background spreadsheet import (core.imports, issue 3) run by a real Celery worker over Redis:
the file goes the admin's way (upload → ``ImportJob`` + outbox job in one transaction), the
worker process reads it from the shared media folder and imports it, and the job row shows the
end — done, every row processed, the cadres written. Skipped without REDIS_URL or on SQLite."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ImportJob, Job
from programs.models import Cadre, ManagingDepartmentChange
from tests.programs.test_imports import cadre_row, importer, workbook

from .brokers import wait_for_job


@pytest.mark.worker
def test_a_background_cadre_import_is_completed_by_a_real_worker(
    redis_url, redis_queue, start_worker, transactional_world, client, settings, tmp_path, monkeypatch
):
    # The worker process must read the stored upload: one media folder for both processes.
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(media))
    worker = start_worker(queue=redis_queue, broker_url=redis_url)

    user = importer(transactional_world.users["countystaff"])
    client.force_login(user)
    rows = [cadre_row(f"工作进程{i}", birth=dt.date(1980 + i, 3, 1)) for i in range(25)]
    response = client.post(
        reverse("admin:programs_cadre_import_background"),
        {"import_file": SimpleUploadedFile("后台干部.xlsx", workbook(rows))},
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:core_importjob_change", args=[job.pk])
    outbox = Job.objects.get(task_name="core.spreadsheet_import", kwargs={"import_job_id": job.pk})
    wait_for_job(outbox, Job.Status.DONE, worker=worker, timeout=60)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, (job.status, job.errors, worker.log())
    assert job.processed_rows == job.total_rows == 25
    assert (job.created_count, job.updated_count, job.errors) == (25, 0, [])
    assert job.finished_at is not None and not job.file
    cadres = Cadre.objects.filter(name__startswith="工作进程")
    assert cadres.count() == 25
    assert ManagingDepartmentChange.objects.filter(cadre__in=cadres).count() == 25
    assert not any(media.rglob("*.xlsx"))  # the personal data is not kept once imported
    assert f"Task core.spreadsheet_import[{outbox.pk}] succeeded" in worker.log()
