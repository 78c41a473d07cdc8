"""Background jobs of the reports area. Thin and idempotent: take ids, call a service."""

from celery import shared_task

from core.jobs import OutboxTask


@shared_task(name="reports.placement_reports_schedule", base=OutboxTask)
def placement_reports_schedule(placement_id: int) -> int:
    """Requested when a placement starts, ends or changes its dates (programs.services)."""
    from programs.models import Placement

    from .services.schedule import reports_schedule

    placement = Placement.objects.filter(pk=placement_id).first()
    if placement is None:
        return 0
    result = reports_schedule(placement=placement)
    return len(result.created) + len(result.updated) + len(result.cancelled) + len(result.restored)


@shared_task(name="reports.send_reminders", base=OutboxTask)
def send_reminders(today: str | None = None) -> int:
    """Celery beat runs this every morning (settings.CELERY_BEAT_SCHEDULE): 7 days and 1 day
    before a due date, and the day after it was missed. Safe to run twice: a reminder already
    sent for the report, kind and day is not sent again. ``today`` (ISO date) is for tests and
    for catching up a missed day by hand."""
    import datetime as dt

    from .services.reminders import reports_remind

    return reports_remind(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="reports.schedule_all", base=OutboxTask)
def schedule_all() -> int:
    """A daily safety net behind the per-placement job: bring every active placement's reports in
    line with its plan (idempotent; a placement already in line is left untouched). Placements
    that ended were scheduled by the job their end requested. Returns how many changed."""
    from programs.models import Placement

    from .services.schedule import reports_schedule

    changed = 0
    for placement_id in Placement.objects.filter(status=Placement.Status.ACTIVE).values_list("pk", flat=True):
        changed += reports_schedule(placement=Placement(pk=placement_id)).changed
    return changed
