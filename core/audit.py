"""Writing the audit trail. Call inside the service's transaction."""

from django.db import models

from .models import AuditLog


def audit_record(*, actor, action: str, target: models.Model, data: dict | None = None) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        data=data or {},
    )
