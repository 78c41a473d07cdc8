from celery import shared_task

from .jobs import OutboxTask, jobs_dispatch_pending


@shared_task(name="core.jobs_dispatch_pending", ignore_result=True)
def jobs_dispatch_pending_task() -> int:
    """Celery beat runs this every minute (settings.CELERY_BEAT_SCHEDULE)."""
    return jobs_dispatch_pending()


@shared_task(name="core.ping", base=OutboxTask)
def ping(note: str = "") -> str:
    """A no-op job: lets the health check and the tests see a job travel through a real worker."""
    return f"pong {note}".strip()


@shared_task(name="core.spreadsheet_import", base=OutboxTask)
def spreadsheet_import(import_job_id: int) -> None:
    """A spreadsheet import too big for a web request (core.imports.import_job_run)."""
    from .imports import import_job_run

    import_job_run(import_job_id=import_job_id)


@shared_task(name="core.notification_email", base=OutboxTask)
def notification_email(notification_id: int) -> int:
    from .notifications import notification_email_send

    return notification_email_send(notification_id=notification_id)
