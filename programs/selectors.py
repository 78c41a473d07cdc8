"""Reads, scoped by role (D1, D6): one ``<model>s_visible_to(user)`` per model.

Every view, admin page, autocomplete, filter and action reads through these, so a user sees
exactly what their roles and unit allow. Filters are built from indexed ``IN``/prefix
conditions and subqueries, never joins that multiply rows, so no ``distinct()`` is needed.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    Cadre,
    Holiday,
    HolidayYear,
    HostPost,
    ManagingDepartmentChange,
    Mentor,
    OrgDepartment,
    Placement,
    PlacementStatusChange,
    PolicyPreset,
    Program,
    ProgramPolicy,
    ResumeEntry,
    RoleAssignment,
    TargetLetter,
    Unit,
)
from .roles import UserScope, user_scope

NOTHING = Q(pk__in=[])


def _any(conditions: list[Q]) -> Q:
    result = NOTHING
    for condition in conditions:
        result |= condition
    return result


def placement_filter(scope: UserScope, prefix: str = "") -> Q:
    """The placements a scope reaches, as a filter on ``prefix`` (e.g. ``"placement__"``)."""
    if scope.is_superuser:
        return Q()
    p = prefix
    conditions = []
    if scope.is_org_staff:
        # D1: the program's organising department or the cadre's managing department is in the subtree.
        conditions.append(Q(**{f"{p}program__organising_department__path__startswith": scope.department_path}))
        conditions.append(Q(**{f"{p}cadre__managing_department__path__startswith": scope.department_path}))
    if scope.host_unit_ids:
        conditions.append(Q(**{f"{p}host_post__host_unit_id__in": scope.host_unit_ids}))
    if scope.township_unit_ids:
        conditions.append(
            Q(**{f"{p}host_post__host_unit__parent_id__in": scope.township_unit_ids,
                 f"{p}host_post__host_unit__level": Unit.Level.VILLAGE})
        )
    if scope.sending_unit_ids:
        conditions.append(Q(**{f"{p}cadre__sending_unit_id__in": scope.sending_unit_ids}))
    if scope.cadre_id:
        conditions.append(Q(**{f"{p}cadre_id": scope.cadre_id}))
    if scope.is_mentor:
        conditions.append(Q(**{f"{p}pk__in": Mentor.objects.filter(user_id=scope.user_id).values("placement_id")}))
    return _any(conditions)


def placements_visible_to(user) -> QuerySet[Placement]:
    scope = user_scope(user)
    return Placement.objects.filter(placement_filter(scope))


def departments_visible_to(user) -> QuerySet[OrgDepartment]:
    scope = user_scope(user)
    if scope.is_superuser:
        return OrgDepartment.objects.all()
    if scope.is_org_staff:
        return OrgDepartment.objects.filter(path__startswith=scope.department_path)
    return OrgDepartment.objects.none()


def units_visible_to(user) -> QuerySet[Unit]:
    """Staff: units in their departments' jurisdiction, plus the host units of their programs.
    Unit roles: their own units; a supervising township also the villages under it."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Unit.objects.all()
    conditions = []
    if scope.is_org_staff:
        conditions.append(Q(department__path__startswith=scope.department_path))
        conditions.append(
            Q(pk__in=HostPost.objects.filter(
                program__organising_department__path__startswith=scope.department_path
            ).values("host_unit_id"))
        )
    own_units = scope.host_unit_ids | scope.township_unit_ids | scope.sending_unit_ids
    if own_units:
        conditions.append(Q(pk__in=own_units))
    if scope.township_unit_ids:
        # A supervising township reaches the villages under it, as it reaches their placements.
        conditions.append(Q(parent_id__in=scope.township_unit_ids, level=Unit.Level.VILLAGE))
    return Unit.objects.filter(_any(conditions))


def cadres_visible_to(user) -> QuerySet[Cadre]:
    """Staff: cadres their subtree manages, and cadres placed in their programs (D1).
    Unit roles, mentors: the cadres of the placements they reach. A cadre: themself."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Cadre.objects.all()
    conditions = []
    if scope.is_org_staff:
        conditions.append(Q(managing_department__path__startswith=scope.department_path))
    if scope.sending_unit_ids:
        conditions.append(Q(sending_unit_id__in=scope.sending_unit_ids))
    if scope.cadre_id:
        conditions.append(Q(pk=scope.cadre_id))
    placement_roles = scope.is_org_staff or scope.host_unit_ids or scope.township_unit_ids or scope.is_mentor
    if placement_roles:
        conditions.append(Q(pk__in=Placement.objects.filter(placement_filter(scope)).values("cadre_id")))
    return Cadre.objects.filter(_any(conditions))


def programs_visible_to(user) -> QuerySet[Program]:
    scope = user_scope(user)
    if scope.is_superuser:
        return Program.objects.all()
    conditions = [Q(pk__in=Placement.objects.filter(placement_filter(scope)).values("program_id"))]
    if scope.is_org_staff:
        conditions.append(Q(organising_department__path__startswith=scope.department_path))
    if scope.host_unit_ids:
        conditions.append(Q(pk__in=HostPost.objects.filter(host_unit_id__in=scope.host_unit_ids).values("program_id")))
    return Program.objects.filter(_any(conditions))


def programs_managed_by(user) -> QuerySet[Program]:
    """Programs the user may change: organised within their department's subtree."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Program.objects.all()
    if scope.is_org_staff:
        return Program.objects.filter(organising_department__path__startswith=scope.department_path)
    return Program.objects.none()


def program_policies_visible_to(user) -> QuerySet[ProgramPolicy]:
    return ProgramPolicy.objects.filter(program__in=programs_visible_to(user))


def host_posts_visible_to(user) -> QuerySet[HostPost]:
    scope = user_scope(user)
    if scope.is_superuser:
        return HostPost.objects.all()
    conditions = [Q(program__in=programs_managed_by(user))] if scope.is_org_staff else []
    if scope.host_unit_ids:
        conditions.append(Q(host_unit_id__in=scope.host_unit_ids))
    conditions.append(Q(pk__in=Placement.objects.filter(placement_filter(scope)).values("host_post_id")))
    return HostPost.objects.filter(_any(conditions))


def placement_status_changes_visible_to(user) -> QuerySet[PlacementStatusChange]:
    return PlacementStatusChange.objects.filter(placement_filter(user_scope(user), "placement__"))


def mentors_visible_to(user) -> QuerySet[Mentor]:
    return Mentor.objects.filter(placement_filter(user_scope(user), "placement__"))


def target_letters_visible_to(user) -> QuerySet[TargetLetter]:
    return TargetLetter.objects.filter(placement_filter(user_scope(user), "placement__"))


def mentors_missing(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    """R10: open placements (拟任, 在岗) with fewer mentors than their program's policy asks
    (``policy.mentors_per_cadre``; 江东: a deputy director and an expert, 2). Annotated with
    ``mentor_count``."""
    named = (
        Mentor.objects.filter(placement=OuterRef("pk")).order_by().values("placement")
        .annotate(count=Count("pk")).values("count")
    )
    return (
        placements.filter(status__in=Placement.OPEN_STATUSES, program__policy__mentors_per_cadre__gt=0)
        .annotate(mentor_count=Coalesce(Subquery(named, output_field=IntegerField()), 0))
        .filter(mentor_count__lt=F("program__policy__mentors_per_cadre"))
    )


def target_letters_missing(placements: QuerySet[Placement], year: int | None = None) -> QuerySet[Placement]:
    """R10 (淮上: a target responsibility letter each year): placements on post (在岗) in programs
    whose policy asks for it (``policy.yearly_target_letter``) with no letter for ``year``
    (default: this year)."""
    year = year or timezone.localdate().year
    return placements.filter(
        status=Placement.Status.ACTIVE, program__policy__yearly_target_letter=True, actual_start__year__lte=year,
    ).exclude(Exists(TargetLetter.objects.filter(placement=OuterRef("pk"), year=year)))


def resume_entries_visible_to(user) -> QuerySet[ResumeEntry]:
    return ResumeEntry.objects.filter(cadre__in=cadres_visible_to(user))


def managing_changes_visible_to(user) -> QuerySet[ManagingDepartmentChange]:
    return ManagingDepartmentChange.objects.filter(cadre__in=cadres_visible_to(user))


def role_assignments_visible_to(user) -> QuerySet[RoleAssignment]:
    scope = user_scope(user)
    if scope.is_superuser:
        return RoleAssignment.objects.all()
    if scope.is_org_staff:
        return RoleAssignment.objects.filter(
            Q(department__path__startswith=scope.department_path) | Q(unit__department__path__startswith=scope.department_path)
        )
    return RoleAssignment.objects.filter(user_id=scope.user_id)


def policy_presets_visible_to(user) -> QuerySet[PolicyPreset]:
    scope = user_scope(user)
    return PolicyPreset.objects.all() if scope.is_superuser or scope.is_org_staff else PolicyPreset.objects.none()


def holidays_visible_to(user) -> QuerySet[Holiday]:
    """The holiday table is public knowledge: every signed-in user may read it."""
    return Holiday.objects.all() if user_scope(user).user_id else Holiday.objects.none()


def holiday_years_visible_to(user) -> QuerySet[HolidayYear]:
    """Which years have a holiday schedule: public knowledge like the table."""
    return HolidayYear.objects.select_related("entered_by") if user_scope(user).user_id else HolidayYear.objects.none()


def can_see_full_id_number(user, cadre: Cadre | None = None) -> bool:
    """Full ID numbers only for users given the permission; a cadre may see their own."""
    if user.has_perm("programs.view_full_id_number"):
        return True
    return cadre is not None and cadre.user_id is not None and cadre.user_id == user.pk


# --- who holds a role: the people a notification goes to ------------------------------------


def unit_role_users(role: str, unit_ids: Iterable[int]) -> QuerySet:
    """Active users holding a unit role (D6) at any of the units, e.g. a host unit's approvers."""
    return get_user_model().objects.filter(
        role_assignments__role=role, role_assignments__unit_id__in=list(unit_ids), is_active=True
    ).distinct()


def department_staff_users(department_ids: Iterable[int]) -> QuerySet:
    """Active organisation-department staff of exactly these departments (not their subtrees)."""
    return get_user_model().objects.filter(
        role_assignments__role=RoleAssignment.Role.ORG_STAFF,
        role_assignments__department_id__in=[pk for pk in department_ids if pk is not None], is_active=True,
    ).distinct()
