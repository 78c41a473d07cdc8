"""Background jobs of the selection area. Thin and idempotent: take ids, call a service."""

from celery import shared_task

from core.jobs import OutboxTask


@shared_task(name="selection.stage_changed", base=OutboxTask)
def selection_stage_changed(selection_id: int, stage: str) -> int:
    from .notifications import selection_stage_notify

    return selection_stage_notify(selection_id=selection_id, stage=stage)
