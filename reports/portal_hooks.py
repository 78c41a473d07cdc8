"""The reports' part of the portal: what waits for the user (the badge) and a placement's reports
on the per-cadre timeline (R12: due, submitted on time, late, missing).

Registered in ``ReportsConfig.ready``. Reads go through ``reports.selectors``, so neither shows
more than the user's scope.
"""

import datetime as dt
import operator
from functools import reduce

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.timeline import TimelineEvent
from portal.waiting import WaitingItem
from programs.models import Mentor
from programs.roles import user_scope

from .models import DeadlineState, Report, ReportReview
from .selectors import reports_visible_to

S = Report.Status
# How far ahead a report counts as "to write" for the cadre: the first reminder's distance.
DUE_SOON_DAYS = 7


def _commented_since_submission(**review) -> Exists:
    """A comment written after the report's latest submission, i.e. on its current version."""
    return Exists(ReportReview.objects.filter(
        report=OuterRef("pk"), kind=ReportReview.Kind.COMMENT, created_at__gte=OuterRef("submitted_at"), **review
    ))


def waiting_items(user) -> list[WaitingItem]:
    """Reports to write (cadre), to comment on (host unit, mentor) and to accept or return
    (staff). One counting query per role the user holds."""
    scope = user_scope(user)
    items = []
    if scope.cadre_id:
        soon = timezone.localdate() + dt.timedelta(days=DUE_SOON_DAYS)
        to_write = reports_visible_to(user).filter(
            Q(status=S.PENDING, due_date__lte=soon) | Q(status=S.RETURNED), placement__cadre_id=scope.cadre_id
        ).count()
        items.append(WaitingItem(_("待写的书面报告"), to_write, reverse("reports:list")))
    to_comment = []
    if scope.host_unit_ids:
        to_comment.append(
            Q(placement__host_post__host_unit_id__in=scope.host_unit_ids)
            & ~_commented_since_submission(role=ReportReview.Role.HOST_UNIT)
        )
    if scope.is_mentor:
        to_comment.append(
            Q(placement_id__in=Mentor.objects.filter(user_id=scope.user_id).values("placement_id"))
            & ~_commented_since_submission(role=ReportReview.Role.MENTOR, author_id=scope.user_id)
        )
    if to_comment:
        count = reports_visible_to(user).filter(reduce(operator.or_, to_comment), status=S.SUBMITTED).count()
        items.append(WaitingItem(_("待评阅的书面报告"), count, reverse("reports:list")))
    if scope.is_org_staff:
        count = reports_visible_to(user).filter(status=S.SUBMITTED).count()
        items.append(WaitingItem(
            _("待审核的书面报告"), count, reverse("admin:reports_report_changelist") + "?status__exact=submitted"
        ))
    return items


def timeline_events(user, placement) -> list[TimelineEvent]:
    """One event per report of the placement the user may see: on the day it was first
    submitted, or on its due date while it has not been; cancelled reports are left out."""
    scope = user_scope(user)
    staff = user.is_superuser or (user.is_staff and scope.is_org_staff)
    own = scope.cadre_id is not None and scope.cadre_id == placement.cadre_id
    today = timezone.localdate()
    reports = reports_visible_to(user).filter(placement=placement).exclude(status=S.CANCELLED).order_by("due_date", "pk")
    events = []
    for report in reports.select_related("placement"):
        state = report.deadline_state(today)
        if staff:
            url = reverse("admin:reports_report_change", args=[report.pk])
        elif own and report.status in Report.WRITABLE_STATUSES:
            url = reverse("reports:edit", args=[report.pk])
        else:
            url = reverse("reports:detail", args=[report.pk])
        submitted = report.first_submitted_at is not None
        events.append(TimelineEvent(
            date=timezone.localtime(report.first_submitted_at).date() if submitted else report.due_date,
            category=_("书面报告"),
            title=_("%(label)s：%(state)s") % {"label": report.label, "state": DeadlineState(state).label},
            detail=_("截止日期 %(due)s，%(status)s") % {"due": report.due_date.isoformat(),
                                                     "status": report.get_status_display()},
            url=url, tone=DeadlineState(state).tone,
        ))
    return events
