"""Reminders about report deadlines (R12): 7 days and 1 day before a report is due, and the day
after it was missed, in-app and by e-mail where the user has an address (``core.notifications``).

The daily job (``reports.send_reminders``, Celery beat) calls ``reports_remind``. It is
idempotent: the ``ReportReminder`` row is written before anyone is told, in the same transaction,
and the unique constraint (report, kind, day) lets only one run — of two run one after the
other or at once on two workers — write it; the other finds it and tells no one.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.notifications import notify
from programs.selectors import department_staff_users

from ..models import Report, ReportReminder
from .common import report_topic

logger = logging.getLogger(__name__)

Kind = ReportReminder.Kind
# Which reminder falls on ``today`` for a report due on ``today + offset``.
REMINDER_OFFSETS = ((Kind.WEEK_BEFORE, 7), (Kind.DAY_BEFORE, 1), (Kind.MISSED, -1))


class RemindersIncomplete(Exception):
    """Some reminders failed; the others were sent. Raised so the task retries (idempotently)."""


def report_portal_url(report: Report) -> str:
    """Where the cadre writes (or reads) the report."""
    name = "reports:edit" if report.status in Report.WRITABLE_STATUSES else "reports:detail"
    return reverse(name, args=[report.pk])


def report_admin_url(report: Report) -> str:
    return reverse("admin:reports_report_change", args=[report.pk])


def reminder_candidates(today: dt.date):
    """The reports owing a reminder today, with the reminder each owes: (report, kind) pairs.

    Before the due date: reports the cadre may still write to (pending, or returned for
    revision). The day after: reports never submitted — a returned report was submitted, so
    its deadline was met or missed already and is not "missed" now.
    """
    due_dates = {today + dt.timedelta(days=offset): kind for kind, offset in REMINDER_OFFSETS}
    reports = (
        Report.objects.filter(due_date__in=list(due_dates), status__in=Report.WRITABLE_STATUSES)
        .select_related("placement__cadre__user", "placement__program")
        .order_by("due_date", "pk")
    )
    for report in reports:
        kind = due_dates[report.due_date]
        if kind == Kind.MISSED and report.first_submitted_at is not None:
            continue
        yield report, kind


def _tell(report: Report, kind: str) -> int:
    """Notify about one report; returns how many people were told."""
    cadre_user = report.placement.cadre.user
    facts = {"label": report.label, "due": date_format(report.due_date, "DATE_FORMAT"),
             "cadre": report.placement.cadre.name}
    url = report_portal_url(report)
    topic = report_topic(report)
    title, body = {
        Kind.WEEK_BEFORE: (_("%(label)s将于7天后截止"), _("%(label)s的截止日期为%(due)s，请按时提交。")),
        Kind.DAY_BEFORE: (_("%(label)s明天截止"), _("%(label)s的截止日期为%(due)s（明天），请及时提交。")),
        Kind.MISSED: (_("%(label)s已逾期未交"), _("%(label)s的截止日期为%(due)s，至今未提交，请尽快提交。")),
    }[kind]
    told = notify(recipients=[cadre_user], title=title % facts, body=body % facts, url=url, topic=topic)
    if kind != Kind.MISSED:
        return len(told)
    # The organising department follows up missing reports (R12: missing ones show).
    staff = department_staff_users([report.placement.program.organising_department_id])
    if cadre_user is not None:
        staff = staff.exclude(pk=cadre_user.pk)
    told += notify(
        recipients=staff, title=_("%(cadre)s的%(label)s逾期未交") % facts,
        body=_("%(cadre)s的%(label)s截止日期为%(due)s，至今未提交。") % facts,
        url=report_admin_url(report), topic=topic,
    )
    return len(told)


def report_remind(*, report: Report, kind: str, today: dt.date) -> bool:
    """Send one reminder unless it was sent already. Returns whether it was sent now.

    The row and the notifications (with their e-mail jobs) commit together or not at all.
    """
    try:
        with transaction.atomic():
            _reminder, created = ReportReminder.objects.get_or_create(report=report, kind=kind, for_date=today)
            if not created:
                return False
            if _tell(report, kind) == 0:
                # Nobody to tell (no account yet): record nothing, so a later run may still tell them.
                transaction.set_rollback(True)
                return False
    except IntegrityError:
        # Another run wrote the row between our look-up and our insert: it was sent there.
        return False
    return True


def reports_remind(*, today: dt.date | None = None) -> int:
    """Send today's deadline reminders (R12). Returns how many were sent; running it again on
    the same day sends none. Each report in a transaction of its own: one failure does not undo
    the others, and is raised at the end so the job is retried."""
    today = today or timezone.localdate()
    sent = failed = 0
    for report, kind in list(reminder_candidates(today)):
        try:
            sent += report_remind(report=report, kind=kind, today=today)
        except Exception:
            failed += 1
            logger.exception("reminder %s for report %s on %s failed", kind, report.pk, today)
    logger.info("report reminders for %s: %d sent, %d failed", today.isoformat(), sent, failed)
    if failed:
        raise RemindersIncomplete(f"{failed} reminder(s) for {today.isoformat()} failed; {sent} sent")
    return sent
