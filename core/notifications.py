"""Telling people: an in-app notification for each recipient, and an e-mail copy for those with
an address on file, sent by a background job after the business transaction commits."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .jobs import job_enqueue
from .models import Notification


def notify(*, recipients: Iterable, title: str, body: str = "", url: str = "", topic: str = "") -> list[Notification]:
    """Notify each distinct active user once. Call inside the service's transaction."""
    seen, rows = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, title=title[:200], body=body, url=url[:300], topic=topic[:100]))
    created = Notification.objects.bulk_create(rows)
    for notification in created:
        if notification.recipient.email:
            job_enqueue("core.notification_email", kwargs={"notification_id": notification.pk})
    return created


def notification_email_send(*, notification_id: int) -> int:
    """Send one notification's e-mail copy. A notification the user has read by now is not mailed."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.read_at is not None or not notification.recipient.email:
        return 0
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.url}" if settings.SITE_URL else body
    return send_mail(notification.title, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or the given ids) as read; others' are untouched."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    with transaction.atomic():
        return unread.update(read_at=timezone.now())


def notifications_close_topic(*, topic: str, recipients=None) -> int:
    """Mark every unread message about a topic as read — or only those of ``recipients`` (users
    or a user queryset): once one approver has acted, the others' "please act" messages no longer
    wait for them."""
    unread = Notification.objects.filter(topic=topic, read_at__isnull=True)
    if recipients is not None:
        unread = unread.filter(recipient__in=recipients)
    return unread.update(read_at=timezone.now())
