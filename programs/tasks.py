"""Background jobs of the programs area. Thin and idempotent: take ids, call a service."""

from celery import shared_task

from core.jobs import OutboxTask


@shared_task(name="programs.placement_status_changed", base=OutboxTask)
def placement_status_changed(placement_id: int, status: str) -> int:
    from .notifications import placement_status_notify

    return placement_status_notify(placement_id=placement_id, status=status)
