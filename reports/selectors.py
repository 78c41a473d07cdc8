"""Reads of reports, scoped by role (D1, D6, D8).

The cadre sees their own reports; the host unit (approver, clerk), the supervising township of a
village, the mentors of the placement and the staff who reach the placement see its reports.
Sending units see their cadres' placement status in the portal, not what the cadre wrote.
"""

import dataclasses
import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from programs.models import Mentor
from programs.roles import user_scope
from programs.selectors import placement_filter

from .models import Report, ReportAttachment, ReportReminder, ReportReview, ReportVersion


def _reports_filter(user, prefix: str = "") -> Q:
    scope = dataclasses.replace(user_scope(user), sending_unit_ids=frozenset())
    return placement_filter(scope, f"{prefix}placement__")


def reports_visible_to(user) -> QuerySet[Report]:
    return Report.objects.filter(_reports_filter(user))


def report_versions_visible_to(user) -> QuerySet[ReportVersion]:
    return ReportVersion.objects.filter(_reports_filter(user, "report__"))


def report_attachments_visible_to(user) -> QuerySet[ReportAttachment]:
    """Attachments of submitted versions, to everyone who reaches the report; an attachment still
    on the draft (no version yet), to its cadre only (R12: reviewers read what was submitted)."""
    scope = user_scope(user)
    draft_owner = Q(report__placement__cadre_id=scope.cadre_id) if scope.cadre_id else Q(pk__in=[])
    return ReportAttachment.objects.filter(_reports_filter(user, "report__")).filter(
        Q(version__isnull=False) | draft_owner
    )


def report_reviews_visible_to(user) -> QuerySet[ReportReview]:
    return ReportReview.objects.filter(_reports_filter(user, "report__"))


def report_reminders_visible_to(user) -> QuerySet[ReportReminder]:
    return ReportReminder.objects.filter(_reports_filter(user, "report__"))


def review_role_of(user, report: Report) -> str | None:
    """The role in which the user comments on the report (D6): host unit or mentor; None otherwise."""
    scope = user_scope(user)
    if report.placement.host_post.host_unit_id in scope.host_unit_ids:
        return ReportReview.Role.HOST_UNIT
    if scope.is_mentor and Mentor.objects.filter(placement_id=report.placement_id, user_id=scope.user_id).exists():
        return ReportReview.Role.MENTOR
    return None


def reports_late_filter(today: dt.date | None = None) -> Q:
    """Reports late or missing against their due date (R12): first submitted after it, or not
    submitted and past it."""
    today = today or timezone.localdate()
    S = Report.Status
    missing = Q(first_submitted_at__isnull=True, due_date__lt=today) & ~Q(status=S.CANCELLED)
    return missing | Q(first_submitted_at__date__gt=F("due_date"))


def report_review_summary(placement) -> dict:
    """What the reports say for the daily assessment (R15): counts by deadline state and the
    reviews, for the assessment issue to read."""
    today = timezone.localdate()
    reports = list(placement.reports.exclude(status=Report.Status.CANCELLED).prefetch_related("reviews"))
    states: dict[str, int] = {}
    for report in reports:
        state = report.deadline_state(today)
        states[state] = states.get(state, 0) + 1
    return {
        "reports": len(reports),
        "accepted": sum(report.status == Report.Status.ACCEPTED for report in reports),
        "returned_ever": sum(any(r.kind == ReportReview.Kind.RETURN for r in report.reviews.all()) for report in reports),
        "deadline_states": states,
        "reviews": [
            {"report": report.label, "kind": review.kind, "role": review.role, "text": review.text,
             "at": review.created_at.isoformat()}
            for report in reports for review in report.reviews.all()
        ],
    }
