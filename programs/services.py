"""Writes of the programs area. Every function takes ``acting_user`` and leaves an audit row.

The admin and the portal call these; nothing else changes cadres, programs or placements.
"""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
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
from .idnumber import (
    id_number_birth_date,
    id_number_gender,
    id_number_normalize,
    validate_id_number,
)
from .models import (
    Cadre,
    Holiday,
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
from .roles import can_manage_holidays, user_scope
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
            _("性别“%(given)s”与身份证号（第17位）表示的性别“%(expected)s”不一致。")
            % {"given": Cadre.Gender(cadre.gender).label, "expected": Cadre.Gender(gender).label}
        )


def _cadre_full_clean(cadre: Cadre) -> None:
    try:
        cadre.full_clean(exclude=["id_number", "birth_date", "gender"] if cadre.pk else ["birth_date", "gender"])
    except ValidationError as exc:
        messages = []
        for field, errors in exc.message_dict.items():
            label = Cadre._meta.get_field(field).verbose_name if field != "__all__" else ""
            messages += [f"{label}：{error}" if label else error for error in errors]
        raise CadreDataError("；".join(messages)) from None


@transaction.atomic
def cadre_create(*, acting_user, **fields) -> Cadre:
    """Register a cadre. Birth date and gender default from the ID number; when given they must
    agree with it. The managing department defaults by D1 and starts the history."""
    fields["id_number"] = id_number_normalize(fields.get("id_number", ""))
    try:
        validate_id_number(fields["id_number"])
    except ValidationError as exc:
        raise CadreDataError(exc.messages[0]) from None
    # A form leaves blank fields as None or "": those too are read from the number.
    if not fields.get("birth_date"):
        fields["birth_date"] = id_number_birth_date(fields["id_number"])
    if not fields.get("gender"):
        fields["gender"] = id_number_gender(fields["id_number"])
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
    # Nobody hands a cadre to a department outside their own authority (e.g. county → another city).
    _ensure_staff_over(acting_user, department)
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
        raise ProgramsError("；".join(exc.messages)) from None
    program.save()
    ProgramPolicy.objects.create(program=program, preset=preset or PolicyPreset.objects.filter(is_default=True).first(), **values)
    audit_record(actor=acting_user, action="program_create", target=program, data={"preset": preset.code if preset else "default"})
    return program


def _policy_apply(policy: PolicyFields, changes: dict, *, also: tuple = ()) -> dict:
    """Set the changed settings on a locked policy row and validate the whole row (D2): each
    setting's range and the rules between them. Returns the audit diff; refuses with every error,
    each naming its setting. ``also`` names the row's other fields that may change."""
    unknown = set(changes) - set(PolicyFields.policy_field_names()) - set(also)
    if unknown:
        raise ProgramsError(_("未知的政策项：%(names)s") % {"names": "、".join(sorted(unknown))})
    before = {name: getattr(policy, name) for name in changes}
    for name, value in changes.items():
        setattr(policy, name, value)
    try:
        policy.full_clean()
    except ValidationError as exc:
        messages = []
        for name, errors in exc.message_dict.items():
            label = policy._meta.get_field(name).verbose_name if name != NON_FIELD_ERRORS else ""
            for error in errors:
                messages.append(_("%(field)s：%(error)s") % {"field": label, "error": error} if label else error)
        raise ProgramsError("".join(messages)) from None
    policy.save()
    # Compare the cleaned values ("3" and Decimal("3.0") are the same threshold).
    after = {name: getattr(policy, name) for name in changes}
    return {
        name: [_json_value(before[name]), _json_value(after[name])] for name in changes if before[name] != after[name]
    }


@transaction.atomic
def program_policy_update(*, acting_user, program: Program, **changes) -> ProgramPolicy:
    """Edit a program's policy. Validated (D2), audited field by field; applies to later actions."""
    _ensure_staff_over(acting_user, program.organising_department)
    policy = ProgramPolicy.objects.select_for_update().get(program=program)
    diff = _policy_apply(policy, changes)
    if diff:
        audit_record(actor=acting_user, action="program_policy_update", target=program, data=diff)
    return policy


PRESET_FIELDS = ("name", "code", "description", "is_default")


@transaction.atomic
def policy_preset_update(*, acting_user, preset: PolicyPreset, **changes) -> PolicyPreset:
    """Edit a locality's preset: the system administrator's (staff read them). Validated like a
    program's policy and audited; programs already created keep their own copy (D2)."""
    if not user_scope(acting_user).is_superuser:
        raise ProgramAccessDenied(_("只有系统管理员可以修改政策模板。"))
    preset = PolicyPreset.objects.select_for_update().get(pk=preset.pk)
    diff = _policy_apply(preset, changes, also=PRESET_FIELDS)
    if diff:
        audit_record(actor=acting_user, action="policy_preset_update", target=preset, data=diff)
    return preset


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- Placements (R4, R9, R10) ----------------------------------------------------------------


def placement_check_direction(*, program: Program, cadre: Cadre, host_post: HostPost) -> None:
    """R4 for a would-be placement (its units, and for 外挂 the cadre); raises DirectionRuleViolation."""
    secondment_direction_check(secondment_type=program.secondment_type, cadre=cadre, host_unit=host_post.host_unit)


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
    proposed_on: dt.date | None = None,
) -> Placement:
    """Propose a cadre for a host post (拟任). Checks the direction rule (R4), the post's free
    places, and that the cadre has no other active placement (a database constraint).
    ``proposed_on`` is the decision's date when it is recorded afterwards (default: today)."""
    program = host_post.program
    _ensure_staff_over(acting_user, program.organising_department)
    placement_check_direction(program=program, cadre=cadre, host_post=host_post)
    # Lock the post so two writers cannot both take its last place.
    host_post = HostPost.objects.select_for_update().get(pk=host_post.pk)
    taken = host_post.placements.filter(status__in=Placement.OPEN_STATUSES).count()
    if taken >= host_post.places:
        raise PlacementConflict(
            _("岗位“%(post)s”共 %(places)d 个名额，已全部安排。") % {"post": host_post, "places": host_post.places}
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
            _("干部“%(cadre)s”已有拟任或在岗的挂职安排，同一时间只能有一个。") % {"cadre": cadre.name}
        ) from None
    PlacementStatusChange.objects.create(
        placement=placement, from_status="", to_status=placement.status,
        effective_date=proposed_on or timezone.localdate(), note=_("拟任"), changed_by=acting_user,
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
    if to_status not in Placement.Status.values:
        raise InvalidTransition(_("未知的挂职安排状态“%(status)s”。") % {"status": to_status})
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
        if target == S.COMPLETED and effective_date < placement.planned_end:
            raise ProgramsError(
                _("期满日期 %(end)s 早于计划结束日期 %(planned)s：未到期结束请办理“提前结束”。")
                % {"end": effective_date.isoformat(), "planned": placement.planned_end.isoformat()}
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
    # R12/D5: reports are scheduled when the placement starts and follow its end.
    job_enqueue(REPORTS_SCHEDULE_TASK, kwargs={"placement_id": placement.pk})
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


# --- Writes the admin needs (units, programs, posts, placement details, holidays) ------------
# Same rules as above: keyword-only ``acting_user``, scope checked, one transaction with its
# audit row. Field changes are audited as ``{field: [before, after]}``.


def _validation_message(model, exc: ValidationError) -> str:
    """One Chinese sentence from a model ValidationError, each message led by its field label."""
    if not hasattr(exc, "error_dict"):
        return "；".join(exc.messages)
    parts = []
    for name, errors in exc.message_dict.items():
        label = model._meta.get_field(name).verbose_name if name != "__all__" else ""
        parts += [f"{label}：{error}" if label else error for error in errors]
    return "；".join(parts)


def _record_full_clean(record) -> None:
    try:
        record.full_clean()
    except ValidationError as exc:
        raise ProgramsError(_validation_message(type(record), exc)) from None


def _record_values(record, names) -> dict:
    return {name: getattr(record, name) for name in names}


def _audit_value(value):
    if hasattr(value, "_meta"):
        return str(value)
    if isinstance(value, FieldFile):  # by its name: an empty one has no url to ask for
        return value.name or ""
    return _json_value(value)


def _record_apply(record, changes: dict, allowed: set, label: str) -> dict:
    """Set ``changes`` on ``record`` and return the values they replaced. Unknown names are refused."""
    unknown = set(changes) - allowed
    if unknown:
        raise ProgramsError(
            _("%(what)s不能修改这些项：%(names)s") % {"what": label, "names": "、".join(sorted(unknown))}
        )
    before = _record_values(record, changes)
    for name, value in changes.items():
        setattr(record, name, value)
    return before


def _record_diff(record, before: dict) -> dict:
    """The audit diff, read after cleaning so that "3" and 3 are the same value."""
    return {
        name: [_audit_value(old), _audit_value(getattr(record, name))]
        for name, old in before.items() if old != getattr(record, name)
    }


def _ensure_holiday_editor(user) -> None:
    """D3: the table is national; only holders of the dedicated permission change it."""
    if not can_manage_holidays(user):
        raise ProgramAccessDenied(_("只有负责维护全国节假日表的工作人员可以修改节假日表。"))


UNIT_FIELDS = {
    "name", "level", "kind", "region", "parent", "department", "is_external", "is_comprehensive_department",
    "tied_to_economy", "project_count", "petition_volume",
}


@transaction.atomic
def unit_create(*, acting_user, **fields) -> Unit:
    """Register a unit (R2) under a department in the acting user's subtree."""
    unknown = set(fields) - UNIT_FIELDS
    if unknown:
        raise ProgramsError(_("单位没有这些项：%(names)s") % {"names": "、".join(sorted(unknown))})
    unit = Unit(**fields)
    _record_full_clean(unit)  # first: it also reports a missing department
    _ensure_staff_over(acting_user, unit.department)
    unit.save()
    audit_record(actor=acting_user, action="unit_create", target=unit)
    return unit


@transaction.atomic
def unit_update(*, acting_user, unit: Unit, **changes) -> Unit:
    """Change a unit. Both its old and its new department must be in the user's subtree."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _ensure_staff_over(acting_user, unit.department)
    before = _record_apply(unit, changes, UNIT_FIELDS, _("单位"))
    _ensure_staff_over(acting_user, unit.department)
    _record_full_clean(unit)
    diff = _record_diff(unit, before)
    unit.save()
    if diff:
        audit_record(actor=acting_user, action="unit_update", target=unit, data=diff)
    return unit


PROGRAM_FIELDS = {
    "name", "secondment_type", "year", "organising_department", "reference_date", "planned_start", "planned_end",
    "description",
}


@transaction.atomic
def program_update(*, acting_user, program: Program, **changes) -> Program:
    """Change a program's own fields (its policy changes through ``program_policy_update``).

    The secondment type cannot change once placements exist: they were checked against the
    old type's direction rule (R4)."""
    from .models import SecondmentType

    program = Program.objects.select_for_update().get(pk=program.pk)
    _ensure_staff_over(acting_user, program.organising_department)
    old_type = program.secondment_type
    before = _record_apply(program, changes, PROGRAM_FIELDS, _("挂职项目"))
    if program.secondment_type != old_type and program.placements.exists():
        raise ProgramsError(
            _("项目“%(program)s”已有挂职安排，挂职方式不能由“%(old)s”改为“%(new)s”。")
            % {
                "program": program.name,
                "old": SecondmentType(old_type).label,
                "new": SecondmentType(program.secondment_type).label,
            }
        )
    _ensure_staff_over(acting_user, program.organising_department)
    _record_full_clean(program)
    diff = _record_diff(program, before)
    program.save()
    if diff:
        audit_record(actor=acting_user, action="program_update", target=program, data=diff)
    return program


HOST_POST_FIELDS = {"host_unit", "title", "places", "duties"}


@transaction.atomic
def host_post_create(
    *, acting_user, program: Program, host_unit: Unit, title: str, places: int = 1, duties: str = ""
) -> HostPost:
    """Add a post (岗位) at a host unit to a program."""
    _ensure_staff_over(acting_user, program.organising_department)
    post = HostPost(program=program, host_unit=host_unit, title=title, places=places, duties=duties)
    _record_full_clean(post)
    post.save()
    audit_record(actor=acting_user, action="host_post_create", target=post, data={"program": program.pk})
    return post


@transaction.atomic
def host_post_update(*, acting_user, host_post: HostPost, **changes) -> HostPost:
    """Change a post. Places cannot drop below the open placements; the host unit cannot change
    once cadres are placed there (their placements were checked against it, R4)."""
    post = (
        HostPost.objects.select_for_update(of=("self",)).select_related("program__organising_department").get(pk=host_post.pk)
    )
    _ensure_staff_over(acting_user, post.program.organising_department)
    old_unit_id = post.host_unit_id
    before = _record_apply(post, changes, HOST_POST_FIELDS, _("挂职岗位"))
    if post.host_unit_id != old_unit_id and post.placements.exists():
        raise ProgramsError(_("岗位“%(post)s”已有挂职安排，不能更换挂职单位。") % {"post": post.title})
    taken = post.placements.filter(status__in=Placement.OPEN_STATUSES).count()
    if post.places < taken:
        raise ProgramsError(
            _("岗位“%(post)s”已安排 %(taken)d 人，名额不能少于已安排人数。") % {"post": post.title, "taken": taken}
        )
    _record_full_clean(post)
    diff = _record_diff(post, before)
    post.save()
    if diff:
        audit_record(actor=acting_user, action="host_post_update", target=post, data=diff)
    return post


@transaction.atomic
def host_post_delete(*, acting_user, host_post: HostPost) -> None:
    """Remove a post that no placement uses."""
    post = (
        HostPost.objects.select_for_update(of=("self",)).select_related("program__organising_department").get(pk=host_post.pk)
    )
    _ensure_staff_over(acting_user, post.program.organising_department)
    if post.placements.exists():
        raise ProgramsError(_("岗位“%(post)s”已有挂职安排，不能删除。") % {"post": post.title})
    audit_record(actor=acting_user, action="host_post_delete", target=post, data={"program": post.program_id})
    post.delete()


# The reports app's job (a task name, so that programs does not import reports).
REPORTS_SCHEDULE_TASK = "reports.placement_reports_schedule"
PLACEMENT_FIELDS = {"planned_start", "planned_end", "division_of_work", "work_targets"}


@transaction.atomic
def placement_update(*, acting_user, placement: Placement, **changes) -> Placement:
    """Change a placement's plan and its division of work and targets (R9, R10). The status and
    the actual dates move only through ``placement_transition``."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("program__organising_department", "cadre__managing_department")
        .get(pk=placement.pk)
    )
    _ensure_can_manage_placement(acting_user, placement)
    if "party_relation_moved" in changes:
        placement = placement_party_relation_set(
            acting_user=acting_user, placement=placement, moved=bool(changes.pop("party_relation_moved"))
        )
    before = _record_apply(placement, changes, PLACEMENT_FIELDS, _("挂职安排"))
    if placement.planned_end <= placement.planned_start:
        raise ProgramsError(_("计划结束日期应晚于计划开始日期。"))
    _record_full_clean(placement)
    diff = _record_diff(placement, before)
    placement.save()
    if diff:
        audit_record(actor=acting_user, action="placement_update", target=placement, data=diff)
    if {"planned_start", "planned_end"} & set(diff) and placement.status != Placement.Status.PROPOSED:
        # An extension or a shortened term reschedules the reports not yet submitted (D5).
        job_enqueue(REPORTS_SCHEDULE_TASK, kwargs={"placement_id": placement.pk})
    return placement


PARTY_STATUSES = (Cadre.PoliticalStatus.PARTY_MEMBER, Cadre.PoliticalStatus.PROBATIONARY)


@transaction.atomic
def placement_party_relation_set(*, acting_user, placement: Placement, moved: bool) -> Placement:
    """Staff record whether the cadre's party relation moved to the host unit (R9: personnel
    relations stay with the sending unit; the party relation may move, 安丘 组织关系随转)."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("program__organising_department", "program__policy", "cadre__managing_department")
        .get(pk=placement.pk)
    )
    if not user_scope(acting_user).is_org_staff and not user_scope(acting_user).is_superuser:
        raise ProgramAccessDenied(_("只有组织部工作人员可以登记组织关系转接。"))
    _ensure_can_manage_placement(acting_user, placement)
    if placement.party_relation_moved == moved:
        return placement
    if moved and not placement.program.policy.party_relation_moves:
        raise ProgramsError(_("该项目的组织关系不随转。"))
    if moved and placement.cadre.political_status not in PARTY_STATUSES:
        raise ProgramsError(_("%(cadre)s 不是中共党员，没有党组织关系可转。") % {"cadre": placement.cadre.name})
    placement.party_relation_moved = moved
    placement.save(update_fields=["party_relation_moved", "updated_at"])
    audit_record(actor=acting_user, action="placement_party_relation_set", target=placement, data={"moved": moved})
    return placement


def _placement_record_save(*, acting_user, record, action: str):
    """Save a record that belongs to a placement (mentor, target letter): both the placement it
    belongs to and, on a change, the one it belonged to must be manageable by the user."""
    model = type(record)
    placements = [record.placement_id]
    before = {}
    if record.pk:
        stored = model.objects.select_for_update().get(pk=record.pk)
        placements.append(stored.placement_id)
        names = [f.name for f in model._meta.concrete_fields if f.name != "id"]
        before = _record_values(stored, names)
    for placement in Placement.objects.select_related(
        "program__organising_department", "cadre__managing_department"
    ).filter(pk__in=placements):
        _ensure_can_manage_placement(acting_user, placement)
    _record_full_clean(record)
    created = record.pk is None
    record.save()
    if created:
        audit_record(actor=acting_user, action=f"{action}_create", target=record, data={"placement": record.placement_id})
    else:
        diff = {
            name: [_audit_value(value), _audit_value(getattr(record, name))]
            for name, value in before.items() if value != getattr(record, name)
        }
        if diff:
            audit_record(actor=acting_user, action=f"{action}_update", target=record, data=diff)
    return record


def _placement_record_delete(*, acting_user, record, action: str) -> None:
    placement = Placement.objects.select_related(
        "program__organising_department", "cadre__managing_department"
    ).get(pk=record.placement_id)
    _ensure_can_manage_placement(acting_user, placement)
    audit_record(actor=acting_user, action=f"{action}_delete", target=record, data={"placement": placement.pk})
    record.delete()


@transaction.atomic
def mentor_save(*, acting_user, mentor):
    """Name or change a mentor (帮带责任人) of a placement (R10)."""
    return _placement_record_save(acting_user=acting_user, record=mentor, action="mentor")


@transaction.atomic
def mentor_delete(*, acting_user, mentor) -> None:
    _placement_record_delete(acting_user=acting_user, record=mentor, action="mentor")


@transaction.atomic
def target_letter_save(*, acting_user, target_letter):
    """Record or change a target responsibility letter (目标管理责任书, R10)."""
    return _placement_record_save(acting_user=acting_user, record=target_letter, action="target_letter")


@transaction.atomic
def target_letter_delete(*, acting_user, target_letter) -> None:
    _placement_record_delete(acting_user=acting_user, record=target_letter, action="target_letter")


@transaction.atomic
def resume_entry_save(*, acting_user, resume_entry):
    """Add or change a résumé line (简历) of a cadre the user may edit (R3)."""
    from .models import ResumeEntry

    cadres = [resume_entry.cadre_id]
    if resume_entry.pk:
        cadres.append(ResumeEntry.objects.select_for_update().get(pk=resume_entry.pk).cadre_id)
    for cadre in Cadre.objects.select_related("managing_department", "sending_unit__department").filter(pk__in=cadres):
        _ensure_staff_over_cadre(acting_user, cadre)
    _record_full_clean(resume_entry)
    action = "resume_entry_update" if resume_entry.pk else "resume_entry_create"
    resume_entry.save()
    audit_record(actor=acting_user, action=action, target=resume_entry.cadre, data={"entry": str(resume_entry)})
    return resume_entry


@transaction.atomic
def resume_entry_delete(*, acting_user, resume_entry) -> None:
    _ensure_staff_over_cadre(acting_user, resume_entry.cadre)
    audit_record(actor=acting_user, action="resume_entry_delete", target=resume_entry.cadre, data={"entry": str(resume_entry)})
    resume_entry.delete()


@transaction.atomic
def holiday_save(*, acting_user, holiday):
    """Add or change a day of the holiday table (D3); every working-day count reads it."""
    _ensure_holiday_editor(acting_user)
    _record_full_clean(holiday)
    action = "holiday_update" if holiday.pk else "holiday_create"
    before = Holiday.objects.filter(pk=holiday.pk).values("date", "kind", "name").first() if holiday.pk else None
    holiday.source = Holiday.Source.STAFF  # a row staff entered or corrected: a library fill never overwrites it
    holiday.save()
    data = {"date": holiday.date.isoformat(), "kind": holiday.kind, "name": holiday.name}
    if before:
        data["before"] = {"date": before["date"].isoformat(), "kind": before["kind"], "name": before["name"]}
    audit_record(actor=acting_user, action=action, target=holiday, data=data)
    return holiday


@transaction.atomic
def holiday_delete(*, acting_user, holiday) -> None:
    _ensure_holiday_editor(acting_user)
    audit_record(
        actor=acting_user, action="holiday_delete", target=holiday,
        data={"date": holiday.date.isoformat(), "kind": holiday.kind, "name": holiday.name},
    )
    holiday.delete()


# --- Bulk import from spreadsheets (programs.imports) ----------------------------------------
# A spreadsheet row passes the same rules as cadre_create / unit_create, reported per field so
# the import can say "第 N 行“列名”:原因"; then all rows are written in one transaction with
# the managing-department history (D1) and one summary audit row.


def cadre_manageable_by(user, cadre: Cadre) -> bool:
    """Whether ``user`` may register or change ``cadre`` (the guard of cadre_create/update)."""
    try:
        _ensure_staff_over_cadre(user, cadre)
    except ProgramAccessDenied:
        return False
    return True


def unit_manageable_by(user, unit: Unit) -> bool:
    try:
        _ensure_staff_over(user, unit.department)
    except ProgramAccessDenied:
        return False
    return True


_CHOICE_VALUES: dict = {}


def _choice_values(field) -> frozenset:
    if field not in _CHOICE_VALUES:
        _CHOICE_VALUES[field] = frozenset(value for value, _label in field.flatchoices)
    return _CHOICE_VALUES[field]


def _clean_fields_errors(record, exclude: set) -> dict[str, str]:
    """The checks ``Model.clean_fields`` makes for the imported kinds of field — required,
    length, choices, type — with Django's own messages, at a tenth of the cost (it runs for
    every cell of a 10,000-row import). Uniqueness is settled by the import's key; foreign
    keys come from the import's scoped lookup; the check constraints hold in the database."""
    import datetime

    from django.db import models
    from django.db.models.fields import PositiveIntegerRelDbTypeMixin

    errors: dict[str, str] = {}
    for field in type(record)._meta.concrete_fields:
        if field.name in exclude or field.is_relation or field.primary_key or not field.editable:
            continue
        value = getattr(record, field.attname)
        if value is None or value == "":
            if value is None and not field.null and not (field.blank and isinstance(field, (models.CharField, models.TextField))):
                errors[field.name] = str(field.error_messages["null"])
            elif value == "" and not field.blank:
                errors[field.name] = str(field.error_messages["blank"])
            continue
        if isinstance(field, (models.CharField, models.TextField)):
            if not isinstance(value, str):
                errors[field.name] = str(field.error_messages["invalid"] if "invalid" in field.error_messages else value)
            elif field.max_length and len(value) > field.max_length:
                errors[field.name] = _("最多 %(limit)d 个字符（现为 %(length)d 个）。") % {
                    "limit": field.max_length, "length": len(value)
                }
        elif isinstance(field, models.DateField) and not isinstance(value, datetime.date):
            errors[field.name] = str(field.error_messages["invalid"]) % {"value": value}
        elif isinstance(field, models.BooleanField) and not isinstance(value, bool):
            errors[field.name] = str(field.error_messages["invalid"]) % {"value": value}
        elif isinstance(field, models.IntegerField) and (not isinstance(value, int) or isinstance(value, bool)):
            errors[field.name] = str(field.error_messages["invalid"]) % {"value": value}
        elif isinstance(field, PositiveIntegerRelDbTypeMixin) and value < 0:
            errors[field.name] = _("不能小于 0。")
        if field.name not in errors and field.choices and value not in _choice_values(field):
            errors[field.name] = str(field.error_messages["invalid_choice"]) % {"value": value}
    return errors


def cadre_import_row_errors(*, acting_user, cadre: Cadre, is_new: bool, skip=frozenset()) -> dict[str, str]:
    """R3, D1 for one spreadsheet row: the ID number is valid (a number Excel mangled is
    named as such), birth date and gender agree with it (and default from it when left
    blank), the sending unit is one the user manages; a new cadre's managing department
    defaults by D1. Returns ``{field: message}``; fills the defaults on ``cadre``."""
    errors: dict[str, str] = {}
    if "id_number" not in skip:
        cadre.id_number = id_number_normalize(cadre.id_number or "")
        try:
            validate_id_number(cadre.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
    if "id_number" not in skip and "id_number" not in errors:
        birth = id_number_birth_date(cadre.id_number)
        gender = id_number_gender(cadre.id_number)
        if "birth_date" not in skip:
            if not cadre.birth_date:
                cadre.birth_date = birth
            elif cadre.birth_date != birth:
                errors["birth_date"] = _("出生日期 %(given)s 与身份证号中的出生日期 %(expected)s 不一致。") % {
                    "given": cadre.birth_date.isoformat(), "expected": birth.isoformat()
                }
        if "gender" not in skip:
            if not cadre.gender:
                cadre.gender = gender
            elif cadre.gender != gender:
                errors["gender"] = _("性别“%(given)s”与身份证号（第17位）表示的性别“%(expected)s”不一致。") % {
                    "given": Cadre.Gender(cadre.gender).label, "expected": Cadre.Gender(gender).label
                }
    if cadre.sending_unit_id and "sending_unit" not in skip and cadre.rank in Cadre.RANK_TIERS:
        if is_new:
            cadre.managing_department = default_managing_department(rank=cadre.rank, sending_unit=cadre.sending_unit)
        if not cadre_manageable_by(acting_user, cadre):
            errors["sending_unit"] = _("找不到单位“%(unit)s”，或您无权管理该单位的干部。") % {"unit": cadre.sending_unit.name}
    exclude = set(skip) | set(errors) | {"id_number", "photo", "user", "managing_department"}
    if "id_number" in errors or "id_number" in skip:
        exclude |= {"birth_date", "gender"}  # they default from a valid ID number only
    if not cadre.sending_unit_id:
        exclude.add("sending_unit")
    for name, message in _clean_fields_errors(cadre, exclude).items():
        errors.setdefault(name, message)
    return errors


@transaction.atomic
def cadres_import(
    *, acting_user, creates: list[Cadre], updates: list[Cadre], update_fields: list[str], file_name: str = ""
) -> dict:
    """Write the rows of a checked spreadsheet (each passed ``cadre_import_row_errors``):
    new cadres with their first managing-department row (D1), changed cadres' imported
    fields. One transaction; one summary audit row."""
    for cadre in [*creates, *updates]:
        _ensure_staff_over_cadre(acting_user, cadre)
    now = timezone.now()
    from core.bulk import bulk_insert

    try:
        with transaction.atomic():
            bulk_insert(Cadre, creates)
            for cadre in updates:
                cadre.updated_at = now
            Cadre.objects.bulk_update(updates, [*update_fields, "updated_at"], batch_size=1000)
    except IntegrityError as exc:
        raise CadreDataError(_("写入数据库时冲突（可能有人同时登记了相同身份证号的干部），请重新导入：%(error)s") % {"error": exc}) from None
    today = timezone.localdate()
    bulk_insert(
        ManagingDepartmentChange,
        [
            ManagingDepartmentChange(
                cadre=cadre, department_id=cadre.managing_department_id, valid_from=today,
                reason=_("批量导入登记"), changed_by=acting_user,
            )
            for cadre in creates
        ],
    )
    _import_audit(acting_user, "cadres_import", Cadre, file_name, creates, updates)
    return {"created": len(creates), "updated": len(updates)}


def unit_import_row_errors(*, acting_user, unit: Unit, is_new: bool, original_department=None, skip=frozenset()) -> dict[str, str]:
    """R2 for one spreadsheet row: the unit's department (old and new) is in the user's
    subtree, as ``unit_create``/``unit_update`` require."""
    errors: dict[str, str] = {}
    if original_department is not None and not _service_allows_department(acting_user, original_department):
        errors["name"] = _("单位“%(unit)s”已由%(department)s登记，您无权修改。") % {
            "unit": unit.name, "department": original_department.name
        }
    if unit.department_id and "department" not in skip and not _service_allows_department(acting_user, unit.department):
        errors["department"] = _("找不到组织部“%(department)s”，或您无权管理。") % {"department": unit.department.name}
    if unit.parent_id and unit.pk and unit.parent_id == unit.pk:
        errors["parent"] = _("上级单位不能是单位自身。")
    if unit.is_comprehensive_department is True and unit.level != Unit.Level.CITY and "level" not in skip:
        # The database holds this too (unit_comprehensive_department_is_city); here it is a row error.
        errors["is_comprehensive_department"] = _("只有市级单位可以标为市直综合部门。")
    exclude = set(skip) | set(errors)
    for name in ("parent", "department"):
        if not getattr(unit, f"{name}_id"):
            if name == "department" and name not in exclude:
                errors[name] = _("不能为空。")
            exclude.add(name)
    for name, message in _clean_fields_errors(unit, exclude).items():
        errors.setdefault(name, message)
    return errors


def _service_allows_department(user, department: OrgDepartment) -> bool:
    try:
        _ensure_staff_over(user, department)
    except ProgramAccessDenied:
        return False
    return True


@transaction.atomic
def units_import(*, acting_user, creates: list[Unit], updates: list[Unit], update_fields: list[str], file_name: str = "") -> dict:
    """Write the rows of a checked unit spreadsheet; one summary audit row."""
    for unit in [*creates, *updates]:
        _ensure_staff_over(acting_user, unit.department)
    try:
        from core.bulk import bulk_insert

        with transaction.atomic():
            bulk_insert(Unit, creates)
            Unit.objects.bulk_update(updates, update_fields, batch_size=1000)
    except IntegrityError as exc:
        raise ProgramsError(_("写入数据库时冲突（可能有人同时登记了同一单位），请重新导入：%(error)s") % {"error": exc}) from None
    _import_audit(acting_user, "units_import", Unit, file_name, creates, updates)
    return {"created": len(creates), "updated": len(updates)}


def _import_audit(acting_user, action: str, model, file_name: str, creates: list, updates: list) -> None:
    from core.models import AuditLog

    AuditLog.objects.create(
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        action=action,
        target_type=model._meta.label_lower,
        target_id="",
        target_repr=(file_name or str(model._meta.verbose_name))[:200],
        data={
            "file": file_name,
            "created": len(creates),
            "updated": len(updates),
            "created_ids": [record.pk for record in creates],
            "updated_ids": [record.pk for record in updates],
        },
    )
