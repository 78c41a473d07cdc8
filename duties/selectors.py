"""Reads of the duties area, scoped by role (D1, D6): one ``<model>s_visible_to(user)`` per model.

Everyone who reaches a placement (``programs.selectors.placement_filter``: the cadre, the host unit,
the supervising township, the sending unit, mentors, staff) sees its duty records. Program-level
rows (exchange meetings, party branches) are seen by the staff who run the program and by anyone
who reaches one of its placements. Acting is narrower and checked by ``duties.services``.
"""

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.waiting import WaitingItem
from programs.models import Placement
from programs.roles import user_scope
from programs.selectors import placement_filter

from .models import (
    BranchActivity,
    CaseProgress,
    EarlyWarning,
    ExchangeMeeting,
    FeedbackCard,
    IntegrityUndertaking,
    OwnedCase,
    PartyBranch,
    TrainingRecord,
)


def _program_condition(user, prefix: str = "") -> Q:
    """Programs run by the user's department subtree, or with a placement the user reaches."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Q()
    condition = Q(**{f"{prefix}program_id__in": Placement.objects.filter(placement_filter(scope)).values("program_id")})
    if scope.is_org_staff:
        condition |= Q(**{f"{prefix}program__organising_department__path__startswith": scope.department_path})
    return condition


def exchange_meetings_visible_to(user) -> QuerySet[ExchangeMeeting]:
    return ExchangeMeeting.objects.filter(_program_condition(user))


def owned_cases_visible_to(user) -> QuerySet[OwnedCase]:
    return OwnedCase.objects.filter(placement_filter(user_scope(user), "placement__"))


def case_progress_visible_to(user) -> QuerySet[CaseProgress]:
    return CaseProgress.objects.filter(placement_filter(user_scope(user), "case__placement__"))


def feedback_cards_visible_to(user) -> QuerySet[FeedbackCard]:
    scope = user_scope(user)
    condition = placement_filter(scope, "placement__")
    if scope.township_unit_ids:
        # The township a card was sent to keeps it even if the village is later regrouped.
        condition |= Q(township_id__in=scope.township_unit_ids)
    return FeedbackCard.objects.filter(condition)


def early_warnings_visible_to(user) -> QuerySet[EarlyWarning]:
    scope = user_scope(user)
    condition = placement_filter(scope, "placement__")
    if scope.township_unit_ids:
        condition |= Q(township_id__in=scope.township_unit_ids)
    return EarlyWarning.objects.filter(condition)


def training_records_visible_to(user) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(placement_filter(user_scope(user), "placement__"))


def party_branches_visible_to(user) -> QuerySet[PartyBranch]:
    return PartyBranch.objects.filter(_program_condition(user))


def branch_activities_visible_to(user) -> QuerySet[BranchActivity]:
    return BranchActivity.objects.filter(branch__in=party_branches_visible_to(user))


def integrity_undertakings_visible_to(user) -> QuerySet[IntegrityUndertaking]:
    return IntegrityUndertaking.objects.filter(placement_filter(user_scope(user), "placement__"))


# --- What is missing --------------------------------------------------------------------------


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def exchange_meetings_missing(program, today: dt.date | None = None) -> list[dt.date]:
    """The months (as their first day) of the program's term, up to the last month that has ended,
    without an exchange meeting — where the policy asks for one each month (R14, 江东)."""
    if not program.policy.monthly_exchange_meeting:
        return []
    today = today or timezone.localdate()
    last = min(_month_start(today) - dt.timedelta(days=1), program.planned_end)
    held = {
        _month_start(day)
        for day in ExchangeMeeting.objects.filter(program=program).values_list("held_on", flat=True)
    }
    months, month = [], _month_start(program.planned_start)
    while month <= last:
        if month not in held:
            months.append(month)
        month = _next_month(month)
    return months


def undertakings_missing(placements: QuerySet[Placement] | None = None) -> QuerySet[Placement]:
    """Open placements (拟任, 在岗) whose cadre has not confirmed the integrity undertaking."""
    placements = Placement.objects.all() if placements is None else placements
    return placements.filter(status__in=Placement.OPEN_STATUSES, integrity_undertaking__isnull=True)


# --- Who waits for what ------------------------------------------------------------------------


def feedback_cards_awaiting(user) -> QuerySet[FeedbackCard]:
    """Cards waiting for this user's township to sign for them (R2)."""
    scope = user_scope(user)
    if not scope.township_unit_ids:
        return FeedbackCard.objects.none()
    return FeedbackCard.objects.filter(township_id__in=scope.township_unit_ids, acknowledged_at__isnull=True)


def early_warnings_awaiting(user) -> QuerySet[EarlyWarning]:
    """Warnings waiting for this user: as supervising township, or as staff of the department the
    report went to (the cadre's managing department or the program's organising department)."""
    scope = user_scope(user)
    condition = Q(pk__in=[])
    if scope.township_unit_ids:
        condition |= Q(township_id__in=scope.township_unit_ids, township_acknowledged_at__isnull=True)
    if scope.is_org_staff:
        condition |= Q(staff_acknowledged_at__isnull=True) & (
            Q(placement__cadre__managing_department_id=scope.department_id)
            | Q(placement__program__organising_department_id=scope.department_id)
        )
    return EarlyWarning.objects.filter(condition)


def waiting_items(user) -> list[WaitingItem]:
    """The duties part of the portal badge (portal.waiting)."""
    scope = user_scope(user)
    items = []
    if scope.cadre_id:
        own = undertakings_missing(Placement.objects.filter(cadre_id=scope.cadre_id)).first()
        if own is not None:
            items.append(WaitingItem(_("待确认的勤政廉政承诺"), 1, reverse("duties:undertaking", kwargs={"pk": own.pk})))
    if scope.township_unit_ids or scope.is_org_staff:
        reports = reverse("duties:reports")
        warnings = early_warnings_awaiting(user).count()
        items.append(WaitingItem(_("待签收的苗头性事件报告"), warnings, f"{reports}?kind=warning&pending=1"))
        if scope.township_unit_ids:
            cards = feedback_cards_awaiting(user).count()
            items.append(WaitingItem(_("待签收的信息反馈卡"), cards, f"{reports}?kind=card&pending=1"))
    return items


def timeline_events(user, placement) -> list:
    """Duty records of one placement for the portal's per-cadre timeline."""
    from portal.timeline import TimelineEvent

    url = reverse("duties:placement_duties", kwargs={"pk": placement.pk})
    events = []
    for case in owned_cases_visible_to(user).filter(placement=placement)[:100]:
        events.append(TimelineEvent(date=case.opened_on, category=_("包案"), title=_("包案：%(title)s") % {"title": case.title},
                                    url=url, tone="warning"))
        if case.closed_on:
            events.append(TimelineEvent(date=case.closed_on, category=_("包案"),
                                        title=_("包案办结：%(title)s") % {"title": case.title}, url=url, tone="ok"))
    for card in feedback_cards_visible_to(user).filter(placement=placement)[:100]:
        events.append(TimelineEvent(date=card.decided_on, category=_("信息反馈卡"), title=card.matter, url=url,
                                    tone="ok" if card.acknowledged_at else "warning"))
    for warning in early_warnings_visible_to(user).filter(placement=placement)[:100]:
        events.append(TimelineEvent(date=warning.occurred_on, category=_("苗头性事件"), title=_("报告苗头性事件"),
                                    detail=warning.content[:100], url=url, tone="danger"))
    for record in training_records_visible_to(user).filter(placement=placement)[:100]:
        events.append(TimelineEvent(date=record.held_on, category=_("岗前培训"), title=record.course, url=url,
                                    tone="danger" if record.passed is False else "ok"))
    for meeting in exchange_meetings_visible_to(user).filter(attendees=placement)[:100]:
        events.append(TimelineEvent(date=meeting.held_on, category=_("经验交流会"), title=meeting.topic, url=url))
    for activity in branch_activities_visible_to(user).filter(attendees=placement).select_related("branch")[:100]:
        events.append(TimelineEvent(date=activity.held_on, category=_("临时党支部"),
                                    title=_("%(branch)s：%(topic)s") % {"branch": activity.branch.name, "topic": activity.topic},
                                    url=url))
    undertaking = integrity_undertakings_visible_to(user).filter(placement=placement).first()
    if undertaking is not None:
        events.append(TimelineEvent(date=timezone.localtime(undertaking.confirmed_at).date(), category=_("勤政廉政"),
                                    title=_("确认勤政廉政承诺"), url=url, tone="ok"))
    return events
