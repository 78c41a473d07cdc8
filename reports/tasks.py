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
