"""Writes of the programs area. Every function takes ``acting_user`` and leaves an audit row.

The admin and the portal call these; nothing else changes cadres, programs or placements.
"""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.jobs import job_enqueue

from .exceptions import (
    CadreDataError,
    InvalidTransition,
    PlacementConflict,
    ProgramAccessDenied,
    ProgramsError,
)
from .idnumber import id_number_birth_date, id_number_gender, id_number_normalize, validate_id_number
from .models import (
    Cadre,
    HostPost,
    ManagingDepartmentChange,
    OrgDepartment,
    Placement,
    PlacementStatusChange,
    PolicyFields,
    PolicyPreset,
    Program,
    ProgramPolicy,
    Unit,
)
from .roles import user_scope
from .rules import secondment_direction_check


def _ensure_staff_over(user, department: OrgDepartment) -> None:
    """The acting user must be a superuser or staff of ``department`` or one above it (D1)."""
    scope = user_scope(user)
    if scope.is_superuser:
        return
    if scope.is_org_staff and department.path.startswith(scope.department_path):
        return
    raise ProgramAccessDenied(_("您无权管理“%(department)s”的事项。") % {"department": department.name})


def _ensure_staff_over_cadre(user, cadre: Cadre) -> None:
    """Staff may register and edit cadres of units in their subtree, or cadres they manage."""
    scope = user_scope(user)
    if scope.is_superuser:
        return
    if scope.is_org_staff and (
        cadre.managing_department.path.startswith(scope.department_path)
        or cadre.sending_unit.department.path.startswith(scope.department_path)
    ):
        return
    raise ProgramAccessDenied(_("您无权管理干部“%(cadre)s”的信息。") % {"cadre": cadre.name})


def _ensure_can_manage_placement(user, placement: Placement) -> None:
    scope = user_scope(user)
    if scope.is_superuser:
        return
    if scope.is_org_staff and (
        placement.program.organising_department.path.startswith(scope.department_path)
        or placement.cadre.managing_department.path.startswith(scope.department_path)
    ):
        return
    raise ProgramAccessDenied(_("您无权变更该挂职安排。"))


# --- Cadres (R3, D1) -------------------------------------------------------------------------


def default_managing_department(*, rank: str, sending_unit: Unit) -> OrgDepartment:
    """D1: 县处级 and above → the city department; others → the sending unit's department."""
    tier = Cadre.RANK_TIERS[rank]
    if tier in (Cadre.RankTier.BUREAU, Cadre.RankTier.COUNTY):
        return sending_unit.department.city_department()
    return sending_unit.department


def _cadre_check_identity(cadre: Cadre) -> None:
    """R3: birth date and gender must agree with the ID number."""
    try:
        validate_id_number(cadre.id_number)
    except ValidationError as exc:
        raise CadreDataError(exc.messages[0]) from None
    birth = id_number_birth_date(cadre.id_number)
    if cadre.birth_date != birth:
        raise CadreDataError(
            _("出生日期 %(given)s 与身份证号中的出生日期 %(expected)s 不一致。")
            % {"given": cadre.birth_date.isoformat(), "expected": birth.isoformat()}
        )
    gender = id_number_gender(cadre.id_number)
    if cadre.gender != gender:
        raise CadreDataError(
            _("性别“%(given)s”与身份证号(第17位)表示的性别“%(expected)s”不一致。")
            % {"given": Cadre.Gender(cadre.gender).label, "expected": Cadre.Gender(gender).label}
        )


def _cadre_full_clean(cadre: Cadre) -> None:
    try:
        cadre.full_clean(exclude=["id_number", "birth_date", "gender"] if cadre.pk else ["birth_date", "gender"])
    except ValidationError as exc:
        messages = []
        for field, errors in exc.message_dict.items():
            label = Cadre._meta.get_field(field).verbose_name if field != "__all__" else ""
            messages += [f"{label}:{error}" if label else error for error in errors]
        raise CadreDataError(";".join(messages)) from None


@transaction.atomic
def cadre_create(*, acting_user, **fields) -> Cadre:
    """Register a cadre. Birth date and gender default from the ID number; when given they must
    agree with it. The managing department defaults by D1 and starts the history."""
    fields["id_number"] = id_number_normalize(fields.get("id_number", ""))
    try:
        validate_id_number(fields["id_number"])
    except ValidationError as exc:
        raise CadreDataError(exc.messages[0]) from None
    fields.setdefault("birth_date", id_number_birth_date(fields["id_number"]))
    fields.setdefault("gender", id_number_gender(fields["id_number"]))
    if not fields.get("managing_department"):
        fields["managing_department"] = default_managing_department(rank=fields["rank"], sending_unit=fields["sending_unit"])
    cadre = Cadre(**fields)
    _cadre_check_identity(cadre)
    _cadre_full_clean(cadre)
    _ensure_staff_over_cadre(acting_user, cadre)
    cadre.save()
    ManagingDepartmentChange.objects.create(
        cadre=cadre, department=cadre.managing_department, valid_from=timezone.localdate(),
        reason=_("登记"), changed_by=acting_user,
    )
    audit_record(actor=acting_user, action="cadre_create", target=cadre)
    return cadre


@transaction.atomic
def cadre_update(*, acting_user, cadre: Cadre, **changes) -> Cadre:
    """Change a cadre's record. A change of managing department goes through
    ``cadre_set_managing_department`` so its history is kept."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    _ensure_staff_over_cadre(acting_user, cadre)
    new_department = changes.pop("managing_department", None)
    if "id_number" in changes:
        changes["id_number"] = id_number_normalize(changes["id_number"])
    before = {name: getattr(cadre, name) for name in changes}
    for name, value in changes.items():
        setattr(cadre, name, value)
    _cadre_check_identity(cadre)
    _cadre_full_clean(cadre)
    cadre.save()
    diff = {name: [str(before[name]), str(value)] for name, value in changes.items() if before[name] != value}
    if diff:
        audit_record(actor=acting_user, action="cadre_update", target=cadre, data=diff)
    if new_department is not None and new_department.pk != cadre.managing_department_id:
        cadre = cadre_set_managing_department(
            acting_user=acting_user, cadre=cadre, department=new_department, valid_from=timezone.localdate(),
            reason=_("修改干部信息时变更"),
        )
    return cadre


@transaction.atomic
def cadre_set_managing_department(
    *, acting_user, cadre: Cadre, department: OrgDepartment, valid_from: dt.date, reason: str = ""
) -> Cadre:
    """D1: the managing department is editable; each change is kept with its date."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    _ensure_staff_over_cadre(acting_user, cadre)
    old = cadre.managing_department
    cadre.managing_department = department
    cadre.save(update_fields=["managing_department", "updated_at"])
    ManagingDepartmentChange.objects.create(
        cadre=cadre, department=department, valid_from=valid_from, reason=reason, changed_by=acting_user
    )
    audit_record(
        actor=acting_user, action="cadre_set_managing_department", target=cadre,
        data={"from": old.name, "to": department.name, "valid_from": valid_from.isoformat(), "reason": reason},
    )
    return cadre


# --- Programs and policies (D2, R8) ----------------------------------------------------------


def policy_values_from(preset: PolicyPreset | None) -> dict:
    """A preset's values, or the 晋城 defaults of the model when there is no preset."""
    if preset is None:
        preset = PolicyPreset.objects.filter(is_default=True).first()
    if preset is None:
        return {}
    return preset.policy_values()


@transaction.atomic
def program_create(
    *,
    acting_user,
    name: str,
    secondment_type: str,
    year: int,
    organising_department: OrgDepartment,
    reference_date: dt.date,
    planned_start: dt.date,
    planned_end: dt.date | None = None,
    preset: PolicyPreset | None = None,
    description: str = "",
) -> Program:
    """Create a program with its own copy of the chosen preset (D2). The planned end defaults
    to the start plus the policy's term (R8)."""
    _ensure_staff_over(acting_user, organising_department)
    values = policy_values_from(preset)
    if planned_end is None:
        term = values.get("term_months", PolicyFields._meta.get_field("term_months").default)
        planned_end = planned_start + relativedelta(months=term) - dt.timedelta(days=1)
    program = Program(
        name=name, secondment_type=secondment_type, year=year, organising_department=organising_department,
        reference_date=reference_date, planned_start=planned_start, planned_end=planned_end,
        description=description, created_by=acting_user,
    )
    try:
        program.full_clean()
    except ValidationError as exc:
        raise ProgramsError(";".join(exc.messages)) from None
    program.save()
    ProgramPolicy.objects.create(program=program, preset=preset or PolicyPreset.objects.filter(is_default=True).first(), **values)
    audit_record(actor=acting_user, action="program_create", target=program, data={"preset": preset.code if preset else "default"})
    return program


@transaction.atomic
def program_policy_update(*, acting_user, program: Program, **changes) -> ProgramPolicy:
    """Edit a program's policy. Audited field by field; applies to later actions (D2)."""
    _ensure_staff_over(acting_user, program.organising_department)
    policy = ProgramPolicy.objects.select_for_update().get(program=program)
    allowed = set(PolicyFields.policy_field_names())
    unknown = set(changes) - allowed
    if unknown:
        raise ProgramsError(_("未知的政策项:%(names)s") % {"names": "、".join(sorted(unknown))})
    before = {name: getattr(policy, name) for name in changes}
    for name, value in changes.items():
        setattr(policy, name, value)
    try:
        policy.full_clean()
    except ValidationError as exc:
        raise ProgramsError(";".join(exc.messages)) from None
    policy.save()
    diff = {
        name: [_json_value(before[name]), _json_value(value)] for name, value in changes.items() if before[name] != value
    }
    if diff:
        audit_record(actor=acting_user, action="program_policy_update", target=program, data=diff)
    return policy


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- Placements (R4, R9, R10) ----------------------------------------------------------------


def placement_check_direction(*, program: Program, cadre: Cadre, host_post: HostPost) -> None:
    """R4 for a would-be placement; raises DirectionRuleViolation."""
    secondment_direction_check(
        secondment_type=program.secondment_type, sending_unit=cadre.sending_unit, host_unit=host_post.host_unit
    )


@transaction.atomic
def placement_create(
    *,
    acting_user,
    cadre: Cadre,
    host_post: HostPost,
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
    division_of_work: str = "",
    work_targets: str = "",
) -> Placement:
    """Propose a cadre for a host post (拟任). Checks the direction rule (R4), the post's free
    places, and that the cadre has no other active placement (a database constraint)."""
    program = host_post.program
    _ensure_staff_over(acting_user, program.organising_department)
    placement_check_direction(program=program, cadre=cadre, host_post=host_post)
    # Lock the post so two writers cannot both take its last place.
    host_post = HostPost.objects.select_for_update().get(pk=host_post.pk)
    taken = host_post.placements.filter(status__in=Placement.OPEN_STATUSES).count()
    if taken >= host_post.places:
        raise PlacementConflict(
            _("岗位“%(post)s”共 %(places)d 个名额,已全部安排。") % {"post": host_post, "places": host_post.places}
        )
    planned_start = planned_start or program.planned_start
    planned_end = planned_end or program.planned_end
    if planned_end <= planned_start:
        raise ProgramsError(_("计划结束日期应晚于计划开始日期。"))
    placement = Placement(
        cadre=cadre, program=program, host_post=host_post, planned_start=planned_start, planned_end=planned_end,
        division_of_work=division_of_work, work_targets=work_targets, created_by=acting_user,
        status_changed_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError:
        raise PlacementConflict(
            _("干部“%(cadre)s”已有拟任或在岗的挂职安排,同一时间只能有一个。") % {"cadre": cadre.name}
        ) from None
    PlacementStatusChange.objects.create(
        placement=placement, from_status="", to_status=placement.status, effective_date=timezone.localdate(),
        note=_("拟任"), changed_by=acting_user,
    )
    audit_record(actor=acting_user, action="placement_create", target=placement)
    return placement


@transaction.atomic
def placement_transition(
    *, acting_user, placement: Placement, to_status: str, effective_date: dt.date | None = None, note: str = ""
) -> Placement:
    """Move a placement along its pipeline (拟任 → 在岗 → 期满 / 提前结束 / 召回).

    Re-reads the row under lock; a move not in ``Placement.TRANSITIONS`` is refused with a
    message naming both states. Writes the status-change row and the audit row, and requests
    the side effects (later: report schedules, archives) through the job outbox.
    """
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("program__organising_department", "cadre__managing_department")
        .get(pk=placement.pk)
    )
    _ensure_can_manage_placement(acting_user, placement)
    current = Placement.Status(placement.status)
    target = Placement.Status(to_status)
    if target not in Placement.TRANSITIONS[current]:
        raise InvalidTransition(
            _("挂职安排不能从“%(current)s”变为“%(target)s”。") % {"current": current.label, "target": target.label}
        )
    effective_date = effective_date or timezone.localdate()
    S = Placement.Status
    if target == S.ACTIVE:
        placement.actual_start = effective_date
    else:
        if effective_date < placement.actual_start:
            raise ProgramsError(
                _("结束日期 %(end)s 早于实际到岗日期 %(start)s。")
                % {"end": effective_date.isoformat(), "start": placement.actual_start.isoformat()}
            )
        if target in (S.ENDED_EARLY, S.RECALLED) and not note.strip():
            raise ProgramsError(_("“%(target)s”须说明原因。") % {"target": target.label})
        placement.actual_end = effective_date
        placement.end_reason = note
    placement.status = target
    placement.status_changed_at = timezone.now()
    placement.save()
    PlacementStatusChange.objects.create(
        placement=placement, from_status=current, to_status=target, effective_date=effective_date, note=note,
        changed_by=acting_user,
    )
    audit_record(
        actor=acting_user, action="placement_transition", target=placement,
        data={"from": current.value, "to": target.value, "effective_date": effective_date.isoformat(), "note": note},
    )
    job_enqueue("programs.placement_status_changed", kwargs={"placement_id": placement.pk, "status": target.value})
    return placement


def placement_start(*, acting_user, placement: Placement, effective_date: dt.date | None = None, note: str = "") -> Placement:
    return placement_transition(
        acting_user=acting_user, placement=placement, to_status=Placement.Status.ACTIVE,
        effective_date=effective_date, note=note,
    )


def placement_complete(*, acting_user, placement: Placement, effective_date: dt.date | None = None, note: str = "") -> Placement:
    return placement_transition(
        acting_user=acting_user, placement=placement, to_status=Placement.Status.COMPLETED,
        effective_date=effective_date, note=note,
    )


def placement_end_early(*, acting_user, placement: Placement, effective_date: dt.date | None = None, note: str) -> Placement:
    return placement_transition(
        acting_user=acting_user, placement=placement, to_status=Placement.Status.ENDED_EARLY,
        effective_date=effective_date, note=note,
    )


def placement_recall(*, acting_user, placement: Placement, effective_date: dt.date | None = None, note: str) -> Placement:
    return placement_transition(
        acting_user=acting_user, placement=placement, to_status=Placement.Status.RECALLED,
        effective_date=effective_date, note=note,
    )
