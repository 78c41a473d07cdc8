"""Who a user is (D6): the roles they hold and the rows those roles reach.

``user_scope(user)`` reads a user's roles once per request object and caches them on it;
the selectors turn a scope into row filters.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

STAFF_GROUP = "组织部工作人员"
FULL_ID_GROUP = "可查看完整身份证号"
# Bulk import writes many records at once: a separate group the system administrator grants
# to the staff who maintain the data, on top of the staff group (exports are for all staff).
IMPORT_GROUP = "批量导入"
# The holiday table is one for the whole country and every count reads it (D3): only the staff
# the system administrator trusts with it change it (the top departments' staff in the demo).
HOLIDAY_GROUP = "节假日维护"
HOLIDAY_PERMISSION = "programs.manage_holidays"
HOLIDAY_PERMISSIONS = {"programs": {"holiday": ("add", "change", "delete"), "holidayyear": ("add",)}}

# Spreadsheet permissions (settings IMPORT_EXPORT_IMPORT/EXPORT_PERMISSION_CODE = "import" /
# "export", checked by core.import_admin). They are not model Meta permissions, so
# ``role_groups_sync`` creates them: app → model → actions.
SPREADSHEET_PERMISSIONS = {
    "programs": {
        "cadre": ("import", "export"),
        "unit": ("import", "export"),
        "placement": ("export",),
        "program": ("export",),
    },
    "selection": {
        "application": ("import", "export"),
    },
    "reports": {
        "report": ("export",),
    },
}


def _spreadsheet_actions(action: str) -> dict:
    return {
        app_label: {model: (action,) for model, actions in models.items() if action in actions}
        for app_label, models in SPREADSHEET_PERMISSIONS.items()
    }

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
        "holiday": ("view",),
        "holidayyear": ("view",),
        "roleassignment": ("view",),
    },
    "selection": {
        "selection": ("view", "add", "change"),
        "selectionstep": ("view",),
        "demandrequest": ("view", "add", "change"),
        "unitrecommendation": ("view",),
        "application": ("view", "add", "change"),
        "applicationstatuschange": ("view",),
        "objection": ("view", "add", "change"),
    },
    "daily": {
        "leaverequest": ("view", "change"),
        "leavestep": ("view",),
        "violation": ("view", "add", "change"),
        "inspection": ("view", "add", "change"),
        "inspectioncheck": ("view", "add", "change", "delete"),
        "attendancemonth": ("view",),
        "contact": ("view", "add", "change", "delete"),
        "problem": ("view", "add", "change"),
    },
    "duties": {
        "exchangemeeting": ("view", "add", "change"),
        "ownedcase": ("view", "add", "change"),
        "caseprogress": ("view",),
        "feedbackcard": ("view",),
        "earlywarning": ("view", "change"),
        "trainingrecord": ("view", "add", "change", "delete"),
        "partybranch": ("view", "add", "change"),
        "branchactivity": ("view", "add", "change"),
        "integrityundertaking": ("view",),
    },
    "reports": {
        "report": ("view", "change"),
        "reportversion": ("view",),
        "reportattachment": ("view",),
        "reportreview": ("view",),
        "reportreminder": ("view",),
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


def can_manage_holidays(user) -> bool:
    """Whether the user may change the national holiday table (D3)."""
    return bool(user and user.is_active and (user.is_superuser or user.has_perm(HOLIDAY_PERMISSION)))


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

    spreadsheet_permissions_ensure()

    def wanted(table) -> Q:
        condition = Q(pk__in=[])
        for app_label, models in table.items():
            codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
            condition |= Q(content_type__app_label=app_label, codename__in=codenames)
        return condition

    staff, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    # Every staff user may export (rows scoped, ID numbers masked); import is the 批量导入 group's.
    staff.permissions.set(
        Permission.objects.filter(wanted(STAFF_PERMISSIONS) | wanted(_spreadsheet_actions("export")))
    )
    importers, _created = Group.objects.get_or_create(name=IMPORT_GROUP)
    importers.permissions.set(Permission.objects.filter(wanted(_spreadsheet_actions("import"))))
    holiday_managers, _created = Group.objects.get_or_create(name=HOLIDAY_GROUP)
    holiday_managers.permissions.set(
        Permission.objects.filter(
            wanted(HOLIDAY_PERMISSIONS) | Q(content_type__app_label="programs", codename="manage_holidays")
        )
    )
    full_id, _created = Group.objects.get_or_create(name=FULL_ID_GROUP)
    full_id.permissions.set(Permission.objects.filter(content_type__app_label="programs", codename="view_full_id_number"))


ACTION_NAMES = {"import": _("可导入"), "export": _("可导出")}


def spreadsheet_permissions_ensure() -> None:
    """Create the import/export permissions of SPREADSHEET_PERMISSIONS (idempotent)."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    for app_label, models in SPREADSHEET_PERMISSIONS.items():
        for model_name, actions in models.items():
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            content_type = ContentType.objects.get_for_model(model)
            for action in actions:
                Permission.objects.get_or_create(
                    content_type=content_type, codename=f"{action}_{model_name}",
                    defaults={"name": f"{ACTION_NAMES[action]}{model._meta.verbose_name}"[:255]},
                )
