"""Who a user is (D6): the roles they hold and the rows those roles reach.

``user_scope(user)`` reads a user's roles once per request object and caches them on it;
the selectors turn a scope into row filters.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

STAFF_GROUP = "组织部工作人员"
FULL_ID_GROUP = "可查看完整身份证号"

# Model permissions organisation-department staff need in the admin; rows are still scoped.
STAFF_PERMISSIONS = {
    "programs": {
        "orgdepartment": ("view",),
        "unit": ("view", "add", "change"),
        "cadre": ("view", "add", "change"),
        "resumeentry": ("view", "add", "change", "delete"),
        "managingdepartmentchange": ("view",),
        "policypreset": ("view",),
        "program": ("view", "add", "change"),
        "programpolicy": ("view", "change"),
        "hostpost": ("view", "add", "change", "delete"),
        "placement": ("view", "add", "change"),
        "placementstatuschange": ("view",),
        "mentor": ("view", "add", "change", "delete"),
        "targetletter": ("view", "add", "change", "delete"),
        "holiday": ("view", "add", "change", "delete"),
        "roleassignment": ("view",),
    },
    "assessments": {"assessment": ("view",)},
    "archives": {"archiveversion": ("view",)},
}


@dataclass(frozen=True)
class UserScope:
    user_id: int | None
    is_superuser: bool = False
    department_id: int | None = None
    department_path: str | None = None
    host_approver_unit_ids: frozenset = field(default_factory=frozenset)
    host_clerk_unit_ids: frozenset = field(default_factory=frozenset)
    township_unit_ids: frozenset = field(default_factory=frozenset)
    sending_unit_ids: frozenset = field(default_factory=frozenset)
    cadre_id: int | None = None
    is_mentor: bool = False

    @property
    def is_org_staff(self) -> bool:
        return self.department_path is not None

    @property
    def host_unit_ids(self) -> frozenset:
        return self.host_approver_unit_ids | self.host_clerk_unit_ids

    @property
    def role_labels(self) -> list[str]:
        from .models import RoleAssignment

        labels = []
        if self.is_superuser:
            labels.append(_("系统管理员"))
        if self.is_org_staff:
            labels.append(RoleAssignment.Role.ORG_STAFF.label)
        if self.host_approver_unit_ids:
            labels.append(RoleAssignment.Role.HOST_APPROVER.label)
        if self.host_clerk_unit_ids:
            labels.append(RoleAssignment.Role.HOST_CLERK.label)
        if self.township_unit_ids:
            labels.append(RoleAssignment.Role.SUPERVISING_TOWNSHIP.label)
        if self.sending_unit_ids:
            labels.append(RoleAssignment.Role.SENDING_CONTACT.label)
        if self.is_mentor:
            labels.append(_("帮带责任人"))
        if self.cadre_id:
            labels.append(_("挂职干部"))
        return labels


ANONYMOUS_SCOPE = UserScope(user_id=None)


def user_scope(user) -> UserScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_secondment_scope", None)
    if cached is not None:
        return cached
    from .models import Cadre, Mentor, RoleAssignment

    Role = RoleAssignment.Role
    department_id = department_path = None
    units: dict[str, set] = {role: set() for role in RoleAssignment.UNIT_ROLES}
    for role, unit_id, dept_id, dept_path in RoleAssignment.objects.filter(user=user).values_list(
        "role", "unit_id", "department_id", "department__path"
    ):
        if role == Role.ORG_STAFF:
            department_id, department_path = dept_id, dept_path
        else:
            units[role].add(unit_id)
    scope = UserScope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        department_id=department_id,
        department_path=department_path,
        host_approver_unit_ids=frozenset(units[Role.HOST_APPROVER]),
        host_clerk_unit_ids=frozenset(units[Role.HOST_CLERK]),
        township_unit_ids=frozenset(units[Role.SUPERVISING_TOWNSHIP]),
        sending_unit_ids=frozenset(units[Role.SENDING_CONTACT]),
        cadre_id=Cadre.objects.filter(user=user).values_list("pk", flat=True).first(),
        is_mentor=Mentor.objects.filter(user=user).exists(),
    )
    user._secondment_scope = scope
    return scope


def role_groups_sync(**kwargs) -> None:
    """Create the permission groups roles rely on (run after every migrate)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    staff, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    wanted = Q(pk__in=[])
    for app_label, models in STAFF_PERMISSIONS.items():
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    staff.permissions.set(Permission.objects.filter(wanted))
    full_id, _created = Group.objects.get_or_create(name=FULL_ID_GROUP)
    full_id.permissions.set(Permission.objects.filter(content_type__app_label="programs", codename="view_full_id_number"))
