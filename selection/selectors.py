"""Reads of the selection area, scoped by role (D1, D6): one ``<model>s_visible_to(user)`` each.

- Organisation-department staff: the selections of programs their department's subtree
  organises, with everything in them.
- A cadre: announced selections open to them (the program's organising department is their
  managing department or their sending unit's department, or above it; a reserve-only program
  only for reserve cadres) and their own applications.
- A sending-unit contact: announced selections open to their unit, and the applications of
  their unit's cadres, with the unit's recommendations.
- A host-unit approver or clerk: selections in the demand survey open to their unit, and their
  unit's demand requests.
- Nobody else sees anything; out of scope answers like not found.
"""

from django.db.models import Q, QuerySet

from programs.models import Cadre, Unit
from programs.roles import UserScope, user_scope
from programs.selectors import NOTHING, _any

from .models import (
    Application,
    ApplicationStatusChange,
    DemandRequest,
    Objection,
    Selection,
    SelectionStep,
    UnitRecommendation,
)


def _ancestor_ids(paths) -> set[int]:
    """Departments whose subtree contains a department with one of ``paths`` (``/1/4/``)."""
    return {int(part) for path in paths if path for part in path.strip("/").split("/") if part}


def _open_to_departments(paths, *, reserve: bool, prefix: str = "") -> Q:
    """Announced selections whose program is organised at or above one of ``paths``."""
    p = prefix
    condition = Q(**{f"{p}stage__in": Selection.PUBLIC_STAGES,
                     f"{p}program__organising_department_id__in": _ancestor_ids(paths)})
    if not reserve:
        condition &= Q(**{f"{p}program__policy__reserve_cadres_only": False})
    return condition


def cadre_open_selections_filter(cadre: Cadre, prefix: str = "") -> Q:
    """The announced selections a cadre may see and apply to (R7 step 1)."""
    paths = [cadre.managing_department.path, cadre.sending_unit.department.path]
    return _open_to_departments(paths, reserve=cadre.reserve_status != Cadre.Reserve.NONE, prefix=prefix)


def selections_open_to_cadre(cadre: Cadre) -> QuerySet[Selection]:
    return Selection.objects.filter(cadre_open_selections_filter(cadre))


def _unit_paths(unit_ids) -> list[str]:
    return list(Unit.objects.filter(pk__in=unit_ids).values_list("department__path", flat=True))


def organised_within(scope: UserScope, prefix: str = "") -> Q:
    """Staff reach what belongs to a selection whose program their subtree organises (D1);
    ``prefix`` leads from the model to its selection (``"selection__"``), empty for Selection."""
    return Q(**{f"{prefix}program__organising_department__path__startswith": scope.department_path})


def selection_filter(scope: UserScope) -> Q:
    if scope.is_superuser:
        return Q()
    conditions = []
    if scope.is_org_staff:
        conditions.append(organised_within(scope))
    if scope.cadre_id:
        cadre = Cadre.objects.select_related("managing_department", "sending_unit__department").get(pk=scope.cadre_id)
        conditions.append(cadre_open_selections_filter(cadre))
        conditions.append(Q(pk__in=Application.objects.filter(cadre_id=scope.cadre_id).values("selection_id")))
    if scope.sending_unit_ids:
        conditions.append(_open_to_departments(_unit_paths(scope.sending_unit_ids), reserve=True))
    if scope.host_unit_ids:
        conditions.append(
            Q(stage=Selection.Stage.SURVEY,
              program__organising_department_id__in=_ancestor_ids(_unit_paths(scope.host_unit_ids)))
        )
        conditions.append(
            Q(pk__in=DemandRequest.objects.filter(host_unit_id__in=scope.host_unit_ids).values("selection_id"))
        )
    return _any(conditions)


def selections_visible_to(user) -> QuerySet[Selection]:
    return Selection.objects.filter(selection_filter(user_scope(user)))


def selections_managed_by(user) -> QuerySet[Selection]:
    """Selections the user may move: their program is organised within the staff's subtree."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Selection.objects.all()
    if scope.is_org_staff:
        return Selection.objects.filter(organised_within(scope))
    return Selection.objects.none()


def application_filter(scope: UserScope, prefix: str = "") -> Q:
    """The applications a scope reaches, as a filter on ``prefix`` (e.g. ``"application__"``)."""
    if scope.is_superuser:
        return Q()
    p = prefix
    conditions = []
    if scope.is_org_staff:
        conditions.append(organised_within(scope, f"{p}selection__"))
    if scope.cadre_id:
        conditions.append(Q(**{f"{p}cadre_id": scope.cadre_id}))
    if scope.sending_unit_ids:
        conditions.append(Q(**{f"{p}cadre__sending_unit_id__in": scope.sending_unit_ids}))
    return _any(conditions)


def applications_visible_to(user) -> QuerySet[Application]:
    return Application.objects.filter(application_filter(user_scope(user)))


def application_status_changes_visible_to(user) -> QuerySet[ApplicationStatusChange]:
    return ApplicationStatusChange.objects.filter(application_filter(user_scope(user), "application__"))


def selection_steps_visible_to(user) -> QuerySet[SelectionStep]:
    return SelectionStep.objects.filter(selection__in=selections_visible_to(user))


def recommendations_visible_to(user) -> QuerySet[UnitRecommendation]:
    scope = user_scope(user)
    if scope.is_superuser:
        return UnitRecommendation.objects.all()
    conditions = []
    if scope.is_org_staff:
        conditions.append(organised_within(scope, "selection__"))
    if scope.sending_unit_ids:
        conditions.append(Q(sending_unit_id__in=scope.sending_unit_ids))
    return UnitRecommendation.objects.filter(_any(conditions))


def objections_visible_to(user) -> QuerySet[Objection]:
    """Objections name who objected to whom: organisation-department staff only."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Objection.objects.all()
    if scope.is_org_staff:
        return Objection.objects.filter(organised_within(scope, "selection__"))
    return Objection.objects.none()


def demand_requests_visible_to(user) -> QuerySet[DemandRequest]:
    scope = user_scope(user)
    if scope.is_superuser:
        return DemandRequest.objects.all()
    conditions = []
    if scope.is_org_staff:
        conditions.append(organised_within(scope, "selection__"))
    if scope.host_unit_ids:
        conditions.append(Q(host_unit_id__in=scope.host_unit_ids))
    return DemandRequest.objects.filter(_any(conditions)) if conditions else DemandRequest.objects.filter(NOTHING)


# --- Eligibility and priority as the admin and portal show them (R5, R6) -----------------------


def application_eligibility(application: Application) -> list:
    """R5 on the program's reference date with the program's own policy (D2). Costs no query
    when the application was read with ``APPLICATION_RELATED``."""
    from .eligibility import eligibility_check

    program = application.selection.program
    return eligibility_check(
        cadre=application.cadre, policy=program.policy, reference_date=program.reference_date,
        applied_in_person=application.applied_in_person,
    )


def application_priority(application: Application):
    """R6: the priority score that orders eligible candidates, with its factors."""
    from .priority import priority_score

    return priority_score(cadre=application.cadre, reference_date=application.selection.program.reference_date)


# What eligibility and priority read, so a list of applications costs a fixed number of queries.
APPLICATION_RELATED = (
    "cadre__sending_unit",
    "selection__program__policy",
    "preferred_post__host_unit",
    "chosen_post__host_unit",
)


def departments_above(paths) -> set[int]:
    """The ids of the departments at or above the departments with these paths."""
    return _ancestor_ids(paths)


def applications_ranked(applications) -> list[tuple[Application, list, object]]:
    """R6 orders eligible candidates (it never excludes anyone): eligible before ineligible, then by
    priority score, highest first, then by name. Returns (application, failures, score) triples;
    read the applications with ``APPLICATION_RELATED`` and ``cadre__resume_entries`` prefetched."""
    rows = [(a, application_eligibility(a), application_priority(a)) for a in applications]
    return sorted(rows, key=lambda row: (bool(row[1]), -row[2].total, row[0].cadre.name, row[0].pk))
