"""Writes of the duties area (R9, R10, R14). Every function is keyword-only, takes
``acting_user``, runs in one transaction and leaves an audit row.

Who does what (D6):
- the host unit (approver or clerk) sets the division of work and targets (R10), opens owned
  cases and records their progress and closure, reports feedback cards and early warnings for its
  placements; the cadre may report cards, warnings and case progress for themself;
- the supervising township acknowledges the cards and warnings of its villages (R2); staff
  acknowledge warnings too;
- organisation-department staff over the placement or program record training scores,
  exchange meetings, the party branch and its activities and the party relation (R9);
- the cadre confirms the integrity undertaking, once, while the placement is open.

Each R14 item is refused with a clear message when the program's policy does not use it.
Early warnings reach the township and staff at once: the notifications are written in the same
transaction as the report.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from core.notifications import notify
from programs.models import Placement, Program, RoleAssignment, Unit
from programs.roles import user_scope
from programs.selectors import department_staff_users, unit_role_users
from programs.services import PARTY_STATUSES

from .exceptions import (
    AlreadyDone,
    DutiesAccessDenied,
    DutiesError,
    InvalidCaseTransition,
    PolicyNotInUse,
)
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

# The integrity undertaking as the cadre confirms it (勤政廉政制度: no personal demands on the host).
UNDERTAKING_TEXT = gettext_lazy(
    "本人在挂职锻炼期间，严格遵守党风廉政建设各项规定，勤政廉政、廉洁自律："
    "不向挂职单位提出任何个人要求，不接受挂职单位及管理服务对象的宴请、礼品礼金，"
    "不利用挂职身份谋取私利，自觉接受挂职单位、派出单位和组织部门的监督。"
)

POLICY_REFUSALS = {
    "monthly_exchange_meeting": gettext_lazy("该项目未实行每月经验交流会制度。"),
    "owned_cases": gettext_lazy("该项目未实行包案制度。"),
    "feedback_cards": gettext_lazy("该项目未实行村级决策信息反馈制度。"),
    "pre_post_training": gettext_lazy("该项目未实行岗前培训制度。"),
    "temporary_party_branch": gettext_lazy("该项目未成立挂职干部临时党支部。"),
}


# --- Who ------------------------------------------------------------------------------------------


def _placement(placement: Placement, *, lock: bool = False) -> Placement:
    """Re-read the placement with what the guards need (the caller's copy may be stale)."""
    queryset = Placement.objects.select_related(
        "program__policy", "program__organising_department", "cadre__managing_department", "cadre__user",
        "host_post__host_unit__parent",
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=placement.pk)


def _policy_require(program: Program, flag: str) -> None:
    """R14: a duty is recorded only where the program's policy uses it."""
    if not getattr(program.policy, flag):
        raise PolicyNotInUse(str(POLICY_REFUSALS[flag]))


def is_host_unit_of(user, placement: Placement) -> bool:
    scope = user_scope(user)
    return scope.is_superuser or placement.host_post.host_unit_id in scope.host_unit_ids


def is_cadre_of(user, placement: Placement) -> bool:
    scope = user_scope(user)
    return scope.cadre_id is not None and scope.cadre_id == placement.cadre_id


def is_staff_over_placement(user, placement: Placement) -> bool:
    """D1: the program's organising department or the cadre's managing department is in the subtree."""
    scope = user_scope(user)
    if scope.is_superuser:
        return True
    return scope.is_org_staff and (
        placement.program.organising_department.path.startswith(scope.department_path)
        or placement.cadre.managing_department.path.startswith(scope.department_path)
    )


def is_staff_over_program(user, program: Program) -> bool:
    scope = user_scope(user)
    if scope.is_superuser:
        return True
    return scope.is_org_staff and program.organising_department.path.startswith(scope.department_path)


def is_township_of(user, township_id: int | None) -> bool:
    scope = user_scope(user)
    return township_id is not None and (scope.is_superuser or township_id in scope.township_unit_ids)


def _ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise DutiesAccessDenied(message)


def _ensure_host_or_cadre(user, placement: Placement) -> None:
    _ensure(
        is_host_unit_of(user, placement) or is_cadre_of(user, placement),
        _("只有挂职单位或干部本人可以报送该事项。"),
    )


def _ensure_open(placement: Placement) -> None:
    if not placement.is_open:
        raise DutiesError(
            _("挂职安排已“%(status)s”，不能再记录此事项。") % {"status": placement.get_status_display()}
        )


def _township_users(township_id: int | None):
    return unit_role_users(RoleAssignment.Role.SUPERVISING_TOWNSHIP, [township_id] if township_id else [])


def _many_set(related, placements, diff: dict, key: str) -> None:
    """Set a many-to-many to ``placements``; when it changes, note [before, after] ids in ``diff``
    for the audit row."""
    before = sorted(related.values_list("pk", flat=True))
    after = sorted(p.pk for p in placements)
    if before != after:
        related.set(placements)
        diff[key] = [before, after]


def _clean(record) -> None:
    try:
        record.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        raise DutiesError("；".join(exc.messages)) from None


def _text(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DutiesError(_("请填写%(label)s。") % {"label": label})
    return value


def _not_future(day: dt.date, label: str) -> None:
    if day > timezone.localdate():
        raise DutiesError(_("%(label)s不能晚于今天。") % {"label": label})


def _placement_url(placement: Placement) -> str:
    return reverse("duties:placement_duties", kwargs={"pk": placement.pk})


# --- R10: division of work and targets; R9: party relation ----------------------------------------


@transaction.atomic
def placement_duties_set(*, acting_user, placement: Placement, division_of_work: str, work_targets: str) -> Placement:
    """The host unit assigns the division of work and the targets (R10); staff over the placement may too."""
    placement = _placement(placement, lock=True)
    _ensure(
        is_host_unit_of(acting_user, placement) or is_staff_over_placement(acting_user, placement),
        _("只有挂职单位“%(unit)s”可以确定工作分工和目标任务。") % {"unit": placement.host_post.host_unit},
    )
    _ensure_open(placement)
    before = {"division_of_work": placement.division_of_work, "work_targets": placement.work_targets}
    placement.division_of_work = (division_of_work or "").strip()
    placement.work_targets = (work_targets or "").strip()
    diff = {name: [old, getattr(placement, name)] for name, old in before.items() if old != getattr(placement, name)}
    if diff:
        placement.save(update_fields=["division_of_work", "work_targets", "updated_at"])
        audit_record(actor=acting_user, action="placement_duties_set", target=placement, data=diff)
    return placement


# --- R14 江东: monthly exchange meetings ----------------------------------------------------------


def _attendees_check(program: Program, placements, label: str) -> list[Placement]:
    # Re-read: the caller's objects may carry a stale program or political status.
    ids = [p.pk for p in placements or []]
    placements = list(Placement.objects.filter(pk__in=ids).select_related("cadre").order_by("pk"))
    strangers = [p for p in placements if p.program_id != program.pk]
    if strangers:
        raise DutiesError(
            _("%(label)s只能是本项目的挂职干部：%(names)s") % {
                "label": label, "names": "、".join(p.cadre.name for p in strangers)}
        )
    return placements


@transaction.atomic
def exchange_meeting_record(*, acting_user, program: Program, held_on: dt.date, topic: str, summary: str = "",
                            attendees: Iterable[Placement] = (), minutes=None) -> ExchangeMeeting:
    """Record a monthly experience-exchange meeting (R14, 江东)."""
    program = Program.objects.select_related("policy", "organising_department").get(pk=program.pk)
    _ensure(is_staff_over_program(acting_user, program), _("只有组织该项目的组织部可以记录经验交流会。"))
    _policy_require(program, "monthly_exchange_meeting")
    _not_future(held_on, _("召开日期"))
    attendees = _attendees_check(program, attendees, _("参会人员"))
    meeting = ExchangeMeeting(
        program=program, held_on=held_on, topic=_text(topic, _("主题")), summary=(summary or "").strip(),
        recorded_by=acting_user if acting_user.pk else None,
    )
    if minutes:
        meeting.minutes = minutes
    _clean(meeting)
    meeting.save()
    meeting.attendees.set(attendees)
    audit_record(actor=acting_user, action="exchange_meeting_record", target=meeting,
                 data={"program": program.pk, "held_on": held_on.isoformat(), "attendees": [p.pk for p in attendees]})
    return meeting


@transaction.atomic
def exchange_meeting_update(*, acting_user, meeting: ExchangeMeeting, attendees: Iterable[Placement] | None = None,
                            **changes) -> ExchangeMeeting:
    meeting = ExchangeMeeting.objects.select_for_update(of=("self",)).select_related(
        "program__policy", "program__organising_department").get(pk=meeting.pk)
    _ensure(is_staff_over_program(acting_user, meeting.program), _("只有组织该项目的组织部可以修改经验交流会。"))
    allowed = {"held_on", "topic", "summary", "minutes"}
    if set(changes) - allowed:
        raise DutiesError(_("经验交流会不能修改这些项：%(names)s") % {"names": "、".join(sorted(set(changes) - allowed))})
    diff = {}
    for name, value in changes.items():
        old = getattr(meeting, name)
        setattr(meeting, name, value)
        if str(old) != str(value):
            diff[name] = [str(old), str(value)]
    if "held_on" in changes:
        _not_future(meeting.held_on, _("召开日期"))
    _clean(meeting)
    meeting.save()
    if attendees is not None:
        attendees = _attendees_check(meeting.program, attendees, _("参会人员"))
        _many_set(meeting.attendees, attendees, diff, "attendees")
    if diff:
        audit_record(actor=acting_user, action="exchange_meeting_update", target=meeting, data=diff)
    return meeting


# --- R14 江东: owned cases (包案) -----------------------------------------------------------------


@transaction.atomic
def owned_case_open(*, acting_user, placement: Placement, title: str, opened_on: dt.date,
                    description: str = "") -> OwnedCase:
    """The host unit hands an important case to the cadre to own to the end (R14, 江东)."""
    placement = _placement(placement)
    _ensure(
        is_host_unit_of(acting_user, placement) or is_staff_over_placement(acting_user, placement),
        _("只有挂职单位可以交办包案。"),
    )
    _policy_require(placement.program, "owned_cases")
    _ensure_open(placement)
    _not_future(opened_on, _("包案日期"))
    case = OwnedCase(placement=placement, title=_text(title, _("案件名称")), description=(description or "").strip(),
                     opened_on=opened_on, opened_by=acting_user if acting_user.pk else None)
    _clean(case)
    case.save()
    audit_record(actor=acting_user, action="owned_case_open", target=case,
                 data={"placement": placement.pk, "opened_on": opened_on.isoformat()})
    return case


def _case(case: OwnedCase) -> OwnedCase:
    return OwnedCase.objects.select_for_update(of=("self",)).select_related(
        "placement__program__policy", "placement__program__organising_department",
        "placement__cadre__managing_department", "placement__host_post__host_unit",
    ).get(pk=case.pk)


@transaction.atomic
def case_progress_add(*, acting_user, case: OwnedCase, date: dt.date, note: str) -> CaseProgress:
    """Record a step of an owned case: by the host unit or the cadre who owns it."""
    case = _case(case)
    placement = case.placement
    _ensure(
        is_host_unit_of(acting_user, placement) or is_cadre_of(acting_user, placement),
        _("只有挂职单位或包案干部本人可以记录办理进展。"),
    )
    _policy_require(placement.program, "owned_cases")
    if case.status != OwnedCase.Status.OPEN:
        raise DutiesError(_("包案“%(case)s”已办结，不能再记录进展。") % {"case": case.title})
    _not_future(date, _("日期"))
    if date < case.opened_on:
        raise DutiesError(_("进展日期不能早于包案日期 %(day)s。") % {"day": case.opened_on.isoformat()})
    progress = CaseProgress(case=case, date=date, note=_text(note, _("办理进展")), recorded_by=acting_user)
    progress.save()
    audit_record(actor=acting_user, action="case_progress_add", target=case, data={"progress": progress.pk, "date": date.isoformat()})
    return progress


@transaction.atomic
def owned_case_close(*, acting_user, case: OwnedCase, closed_on: dt.date, outcome: str) -> OwnedCase:
    """Close an owned case with its outcome (R14: owned to the end). The host unit confirms the
    closure; staff over the placement may too. A closing progress row keeps the history."""
    case = _case(case)
    placement = case.placement
    _ensure(
        is_host_unit_of(acting_user, placement) or is_staff_over_placement(acting_user, placement),
        _("只有挂职单位可以确认包案办结。"),
    )
    _policy_require(placement.program, "owned_cases")
    target = OwnedCase.Status.CLOSED
    if target not in OwnedCase.TRANSITIONS[OwnedCase.Status(case.status)]:
        raise InvalidCaseTransition(
            _("包案状态为“%(current)s”，不能变更为“%(target)s”。") % {
                "current": case.get_status_display(), "target": target.label}
        )
    _not_future(closed_on, _("办结日期"))
    if closed_on < case.opened_on:
        raise DutiesError(_("办结日期不能早于包案日期 %(day)s。") % {"day": case.opened_on.isoformat()})
    case.status = target
    case.closed_on = closed_on
    case.outcome = _text(outcome, _("办理结果"))
    case.closed_by = acting_user if acting_user.pk else None
    _clean(case)
    case.save()
    CaseProgress.objects.create(case=case, date=closed_on, note=case.outcome, closes_case=True, recorded_by=case.closed_by)
    audit_record(actor=acting_user, action="owned_case_close", target=case,
                 data={"from": OwnedCase.Status.OPEN, "to": target, "closed_on": closed_on.isoformat()})
    return case


# --- R14 淮上: feedback cards and early warnings --------------------------------------------------


@transaction.atomic
def feedback_card_report(*, acting_user, placement: Placement, matter: str, decided_on: dt.date,
                         content: str) -> FeedbackCard:
    """Report a major village decision on an information feedback card to the supervising
    township's party committee (R14, R2)."""
    placement = _placement(placement)
    _ensure_host_or_cadre(acting_user, placement)
    _policy_require(placement.program, "feedback_cards")
    township = placement.host_post.host_unit.supervising_township
    if township is None:
        raise DutiesError(_("信息反馈卡只适用于到村任职的挂职干部：“%(unit)s”不是村（社区）。") % {
            "unit": placement.host_post.host_unit})
    _ensure_open(placement)
    _not_future(decided_on, _("决策会议日期"))
    card = FeedbackCard(
        placement=placement, township=township, matter=_text(matter, _("决策事项")), decided_on=decided_on,
        content=_text(content, _("会议记录及决策内容")), reported_by=acting_user,
    )
    card.save()
    audit_record(actor=acting_user, action="feedback_card_report", target=card,
                 data={"placement": placement.pk, "township": township.pk})
    notify(
        recipients=_township_users(township.pk),
        title=_("信息反馈卡：%(unit)s %(matter)s") % {"unit": placement.host_post.host_unit.name, "matter": card.matter},
        body=_("%(cadre)s 报送了 %(day)s 村级决策会议的信息反馈卡，请签收。") % {
            "cadre": placement.cadre.name, "day": decided_on.isoformat()},
        url=_placement_url(placement), topic=f"duties.feedbackcard:{card.pk}",
    )
    return card


@transaction.atomic
def feedback_card_acknowledge(*, acting_user, card: FeedbackCard, note: str = "") -> FeedbackCard:
    """The supervising township signs for a feedback card (R2)."""
    card = FeedbackCard.objects.select_for_update(of=("self",)).select_related("placement__cadre").get(pk=card.pk)
    _ensure(is_township_of(acting_user, card.township_id), _("只有“%(unit)s”党委可以签收该信息反馈卡。") % {"unit": card.township})
    if card.acknowledged_at is not None:
        raise AlreadyDone(_("该信息反馈卡已于 %(at)s 签收。") % {"at": timezone.localtime(card.acknowledged_at).strftime("%Y-%m-%d %H:%M")})
    card.acknowledged_by = acting_user
    card.acknowledged_at = timezone.now()
    card.acknowledgement_note = (note or "").strip()
    card.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
    audit_record(actor=acting_user, action="feedback_card_acknowledge", target=card, data={"note": card.acknowledgement_note})
    return card


@transaction.atomic
def early_warning_report(*, acting_user, placement: Placement, occurred_on: dt.date, content: str) -> EarlyWarning:
    """Report an early warning sign at once (R14): the supervising township (R2) and the staff of
    the cadre's managing department and of the program's organising department are notified in
    the same transaction."""
    placement = _placement(placement)
    _ensure_host_or_cadre(acting_user, placement)
    _policy_require(placement.program, "feedback_cards")
    _ensure_open(placement)
    _not_future(occurred_on, _("发现日期"))
    township = placement.host_post.host_unit.supervising_township
    warning = EarlyWarning(
        placement=placement, township=township, occurred_on=occurred_on, content=_text(content, _("事件情况")),
        reported_by=acting_user,
    )
    warning.save()
    audit_record(actor=acting_user, action="early_warning_report", target=warning,
                 data={"placement": placement.pk, "township": township.pk if township else None})
    departments = {placement.cadre.managing_department_id, placement.program.organising_department_id}
    recipients = list(_township_users(township.pk if township else None)) + list(department_staff_users(departments))
    notify(
        recipients=[user for user in recipients if user.pk != acting_user.pk],
        title=_("苗头性事件报告：%(unit)s") % {"unit": placement.host_post.host_unit.name},
        body=_("%(cadre)s 报告 %(day)s 发现的苗头性事件，请及时处置。") % {
            "cadre": placement.cadre.name, "day": occurred_on.isoformat()},
        url=_placement_url(placement), topic=f"duties.earlywarning:{warning.pk}",
    )
    return warning


@transaction.atomic
def early_warning_acknowledge(*, acting_user, warning: EarlyWarning, note: str = "") -> EarlyWarning:
    """The supervising township and the staff each sign for a warning. A user who is both
    signs for every side still open."""
    warning = EarlyWarning.objects.select_for_update(of=("self",)).select_related(
        "placement__program__organising_department", "placement__cadre__managing_department",
    ).get(pk=warning.pk)
    as_township = is_township_of(acting_user, warning.township_id)
    as_staff = is_staff_over_placement(acting_user, warning.placement)
    _ensure(as_township or as_staff, _("只有乡镇（街道）党委或组织部可以签收苗头性事件报告。"))
    now, note, sides = timezone.now(), (note or "").strip(), []
    if as_township and warning.township_acknowledged_at is None:
        warning.township_acknowledged_by, warning.township_acknowledged_at, warning.township_note = acting_user, now, note
        sides.append("township")
    if as_staff and warning.staff_acknowledged_at is None:
        warning.staff_acknowledged_by, warning.staff_acknowledged_at, warning.staff_note = acting_user, now, note
        sides.append("staff")
    if not sides:
        raise AlreadyDone(_("该苗头性事件报告已签收。"))
    warning.save()
    audit_record(actor=acting_user, action="early_warning_acknowledge", target=warning, data={"sides": sides, "note": note})
    return warning


# --- R14: pre-post training ---------------------------------------------------------------------


def _training_check(record: TrainingRecord) -> None:
    if record.score is not None and not (Decimal(0) <= Decimal(record.score) <= Decimal(100)):
        raise DutiesError(_("成绩应在 0 到 100 之间。"))
    if record.hours is None or Decimal(record.hours) <= 0:
        raise DutiesError(_("学时应大于 0。"))


@transaction.atomic
def training_record_create(*, acting_user, placement: Placement, course: str, held_on: dt.date, hours,
                           score=None, passed: bool | None = None) -> TrainingRecord:
    """Staff record a pre-post training course and its score (R14)."""
    placement = _placement(placement)
    _ensure(is_staff_over_placement(acting_user, placement), _("只有组织部工作人员可以登记岗前培训成绩。"))
    _policy_require(placement.program, "pre_post_training")
    record = TrainingRecord(placement=placement, course=_text(course, _("培训内容")), held_on=held_on, hours=hours,
                            score=score, passed=passed, recorded_by=acting_user if acting_user.pk else None)
    _training_check(record)
    _clean(record)
    record.save()
    audit_record(actor=acting_user, action="training_record_create", target=record,
                 data={"placement": placement.pk, "score": None if score is None else str(score), "passed": passed})
    return record


@transaction.atomic
def training_record_update(*, acting_user, record: TrainingRecord, **changes) -> TrainingRecord:
    record = TrainingRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)
    placement = _placement(record.placement)
    _ensure(is_staff_over_placement(acting_user, placement), _("只有组织部工作人员可以修改岗前培训成绩。"))
    allowed = {"course", "held_on", "hours", "score", "passed"}
    if set(changes) - allowed:
        raise DutiesError(_("岗前培训记录不能修改这些项：%(names)s") % {"names": "、".join(sorted(set(changes) - allowed))})
    diff = {}
    for name, value in changes.items():
        old = getattr(record, name)
        setattr(record, name, value)
        if str(old) != str(value):
            diff[name] = [str(old), str(value)]
    _training_check(record)
    _clean(record)
    record.save()
    if diff:
        audit_record(actor=acting_user, action="training_record_update", target=record, data=diff)
    return record


@transaction.atomic
def training_record_delete(*, acting_user, record: TrainingRecord) -> None:
    placement = _placement(record.placement)
    _ensure(is_staff_over_placement(acting_user, placement), _("只有组织部工作人员可以删除岗前培训记录。"))
    audit_record(actor=acting_user, action="training_record_delete", target=record, data={"placement": placement.pk})
    record.delete()


# --- R14 杭州: the temporary party branch ---------------------------------------------------------


def _members_check(program: Program, placements, label: str) -> list[Placement]:
    placements = _attendees_check(program, placements, label)
    outsiders = [p for p in placements if p.cadre.political_status not in PARTY_STATUSES]
    if outsiders:
        raise DutiesError(
            _("临时党支部只接收中共党员（含预备党员）：%(names)s 不是党员。") % {
                "names": "、".join(p.cadre.name for p in outsiders)}
        )
    return placements


@transaction.atomic
def party_branch_create(*, acting_user, program: Program, name: str, established_on: dt.date,
                        host_unit: Unit | None = None, secretary: Placement | None = None,
                        members: Iterable[Placement] = ()) -> PartyBranch:
    """Set up a temporary party branch for the program's seconded party members (R14, 杭州)."""
    program = Program.objects.select_related("policy", "organising_department").get(pk=program.pk)
    _ensure(is_staff_over_program(acting_user, program), _("只有组织该项目的组织部可以成立临时党支部。"))
    _policy_require(program, "temporary_party_branch")
    members = _members_check(program, [p for p in members], _("支部党员"))
    if secretary is not None:
        _members_check(program, [secretary], _("支部书记"))
        if secretary.pk not in {p.pk for p in members}:
            members.append(secretary)
    branch = PartyBranch(program=program, name=_text(name, _("支部名称")), established_on=established_on,
                         host_unit=host_unit, secretary=secretary, created_by=acting_user if acting_user.pk else None)
    duplicate = DutiesError(_("本项目已有名为“%(name)s”的临时党支部。") % {"name": branch.name})
    if PartyBranch.objects.filter(program=program, name=branch.name).exists():
        raise duplicate
    _clean(branch)
    try:
        with transaction.atomic():
            branch.save()
    except IntegrityError:  # a concurrent creation with the same name
        raise duplicate from None
    branch.members.set(members)
    audit_record(actor=acting_user, action="party_branch_create", target=branch,
                 data={"program": program.pk, "members": [p.pk for p in members]})
    return branch


@transaction.atomic
def party_branch_update(*, acting_user, branch: PartyBranch, members: Iterable[Placement] | None = None,
                        **changes) -> PartyBranch:
    branch = PartyBranch.objects.select_for_update(of=("self",)).select_related(
        "program__policy", "program__organising_department").get(pk=branch.pk)
    _ensure(is_staff_over_program(acting_user, branch.program), _("只有组织该项目的组织部可以修改临时党支部。"))
    allowed = {"name", "established_on", "host_unit", "secretary"}
    if set(changes) - allowed:
        raise DutiesError(_("临时党支部不能修改这些项：%(names)s") % {"names": "、".join(sorted(set(changes) - allowed))})
    diff = {}
    for field, value in changes.items():
        old = getattr(branch, field)
        setattr(branch, field, value)
        if old != value:
            diff[field] = [str(old) if old is not None else None, str(value) if value is not None else None]
    if branch.secretary is not None:
        _members_check(branch.program, [branch.secretary], _("支部书记"))
    _clean(branch)
    branch.save()
    if members is not None:
        members = _members_check(branch.program, list(members), _("支部党员"))
        if branch.secretary is not None and branch.secretary.pk not in {p.pk for p in members}:
            members.append(branch.secretary)
        _many_set(branch.members, members, diff, "members")
    if diff:
        audit_record(actor=acting_user, action="party_branch_update", target=branch, data=diff)
    return branch


@transaction.atomic
def branch_activity_record(*, acting_user, branch: PartyBranch, held_on: dt.date, topic: str, content: str = "",
                           attendees: Iterable[Placement] = ()) -> BranchActivity:
    """Record an activity of a temporary party branch (组织生活). Attendees are its members."""
    branch = PartyBranch.objects.select_related("program__policy", "program__organising_department").get(pk=branch.pk)
    _ensure(is_staff_over_program(acting_user, branch.program), _("只有组织该项目的组织部可以记录支部活动。"))
    _policy_require(branch.program, "temporary_party_branch")
    _not_future(held_on, _("活动日期"))
    attendees = _branch_attendees(branch, attendees)
    activity = BranchActivity(branch=branch, held_on=held_on, topic=_text(topic, _("主题")), content=(content or "").strip(),
                              recorded_by=acting_user if acting_user.pk else None)
    _clean(activity)
    activity.save()
    activity.attendees.set(attendees)
    audit_record(actor=acting_user, action="branch_activity_record", target=activity,
                 data={"branch": branch.pk, "attendees": [p.pk for p in attendees]})
    return activity


def _branch_attendees(branch: PartyBranch, attendees) -> list[Placement]:
    attendees = list(attendees or [])
    member_ids = set(branch.members.values_list("pk", flat=True))
    strangers = [p for p in attendees if p.pk not in member_ids]
    if strangers:
        raise DutiesError(_("参加人员须是本支部党员：%(names)s") % {"names": "、".join(p.cadre.name for p in strangers)})
    return attendees


@transaction.atomic
def branch_activity_update(*, acting_user, activity: BranchActivity, attendees: Iterable[Placement] | None = None,
                           **changes) -> BranchActivity:
    activity = BranchActivity.objects.select_for_update(of=("self",)).select_related(
        "branch__program__organising_department").get(pk=activity.pk)
    _ensure(is_staff_over_program(acting_user, activity.branch.program), _("只有组织该项目的组织部可以修改支部活动。"))
    allowed = {"held_on", "topic", "content"}
    if set(changes) - allowed:
        raise DutiesError(_("支部活动不能修改这些项：%(names)s") % {"names": "、".join(sorted(set(changes) - allowed))})
    diff = {}
    for field, value in changes.items():
        old = getattr(activity, field)
        setattr(activity, field, value)
        if old != value:
            diff[field] = [str(old), str(value)]
    _not_future(activity.held_on, _("活动日期"))
    _clean(activity)
    activity.save()
    if attendees is not None:
        attendees = _branch_attendees(activity.branch, attendees)
        _many_set(activity.attendees, attendees, diff, "attendees")
    if diff:
        audit_record(actor=acting_user, action="branch_activity_update", target=activity, data=diff)
    return activity


# --- R14: the integrity undertaking -------------------------------------------------------------


@transaction.atomic
def integrity_undertaking_confirm(*, acting_user, placement: Placement) -> IntegrityUndertaking:
    """The cadre confirms the integrity undertaking (勤政廉政) for their own placement: once,
    while it is 拟任 or 在岗. The text confirmed is stored with the confirmation."""
    placement = _placement(placement, lock=True)
    _ensure(is_cadre_of(acting_user, placement), _("勤政廉政承诺只能由干部本人确认。"))
    existing = IntegrityUndertaking.objects.filter(placement=placement).first()
    if existing is not None:
        raise AlreadyDone(_("您已于 %(at)s 确认勤政廉政承诺。") % {
            "at": timezone.localtime(existing.confirmed_at).strftime("%Y-%m-%d %H:%M")})
    if not placement.is_open:
        raise DutiesError(
            _("挂职安排已“%(status)s”，不能再确认勤政廉政承诺。") % {"status": placement.get_status_display()}
        )
    undertaking = IntegrityUndertaking.objects.create(
        placement=placement, text=str(UNDERTAKING_TEXT), confirmed_at=timezone.now(), confirmed_by=acting_user
    )
    audit_record(actor=acting_user, action="integrity_undertaking_confirm", target=undertaking, data={"placement": placement.pk})
    return undertaking
