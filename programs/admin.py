"""The organisation departments' workbench: every programs model in the Chinese admin.

Rows are scoped by role through the selectors (``core.admin_mixins.ScopedAdmin``): staff see
and change only their department's subtree (D1), out of scope answers 404 (D6). Business
objects are written through ``programs.services``; a refusal shows on the form or, for the
status actions, as an error message naming both states.
"""

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin_mixins import (
    ActionPageMixin,
    GapReportMixin,
    PlacementColumns,
    ScopedAdmin,
    ScopedRelatedFilter,
    ScopedValuesFilter,
    ServiceInline,
    form_model_values,
    object_adopt,
)
from core.exceptions import ApplicationError
from core.import_admin import SpreadsheetExportAdminMixin, SpreadsheetImportAdminMixin
from core.spreadsheets import xlsx_response

from . import selectors, services
from .exceptions import ProgramAccessDenied
from .forms import (
    CadreAdminForm,
    PlacementAddForm,
    PlacementTransitionForm,
    ProgramAddForm,
)
from .imports import exports
from .imports.resources import CadreResource, UnitResource
from .models import (
    Cadre,
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

# --- Who may change what: the services' own guards, asked without acting ----------------------
# The admin offers a change exactly when the service would accept it, so the two cannot drift.


def _service_allows(check, *args) -> bool:
    try:
        check(*args)
    except ProgramAccessDenied:
        return False
    return True


def department_manageable(request, department: OrgDepartment) -> bool:
    return _service_allows(services._ensure_staff_over, request.user, department)


def cadre_editable(request, cadre: Cadre) -> bool:
    return _service_allows(services._ensure_staff_over_cadre, request.user, cadre)


def placement_manageable(request, placement: Placement) -> bool:
    return _service_allows(services._ensure_can_manage_placement, request.user, placement)


def _not_superuser_fields(request, *names) -> list[str]:
    """Links to login accounts are set by the system administrator only: staff must not be
    offered the list of every user."""
    return [] if request.user.is_superuser else list(names)


# --- Organisation and units (R1, R2) ----------------------------------------------------------


@admin.register(OrgDepartment)
class OrgDepartmentAdmin(ScopedAdmin, admin.ModelAdmin):
    """The department tree is structure: staff read it, the system administrator edits it."""

    scope_selector = staticmethod(selectors.departments_visible_to)
    list_display = ["name", "level", "region", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "region"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Unit)
class UnitAdmin(SpreadsheetImportAdminMixin, SpreadsheetExportAdminMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.units_visible_to)
    resource_classes = [UnitResource]
    export_builder = staticmethod(exports.units_export)
    export_stem = gettext_lazy("单位名册")
    list_display = ["name", "level", "kind", "region", "parent", "department", "is_external"]
    list_filter = [
        "level", "kind", "is_external", "is_comprehensive_department", "tied_to_economy", ("department", ScopedRelatedFilter),
    ]
    search_fields = ["name", "region", "parent__name"]
    autocomplete_fields = ["parent", "department"]
    list_select_related = ["parent", "department"]
    scope_select_related = ("department",)
    fieldsets = [
        (gettext_lazy("基本信息"), {"fields": [
            "name", "level", "kind", "region", "parent", "department", "is_external", "is_comprehensive_department",
        ]}),
        (
            gettext_lazy("选派时优先考虑的情况"),
            {"fields": ["tied_to_economy", "project_count", "petition_volume"]},
        ),
    ]

    def can_change_object(self, request, obj):
        # A host unit of our program registered by another department is visible, not ours to edit.
        return department_manageable(request, obj.department)

    def save_model(self, request, obj, form, change):
        if change:
            unit = services.unit_update(acting_user=request.user, unit=obj, **form_model_values(form, changed_only=True))
        else:
            unit = services.unit_create(acting_user=request.user, **form_model_values(form, changed_only=False))
        object_adopt(obj, unit)


# --- Cadres (R3, D1) --------------------------------------------------------------------------


class ResumeEntryInline(ServiceInline, admin.TabularInline):
    model = ResumeEntry
    fields = ["start", "end", "description"]
    extra = 0
    save_service = staticmethod(services.resume_entry_save)
    delete_service = staticmethod(services.resume_entry_delete)
    service_arg = "resume_entry"


class ManagingDepartmentChangeInline(ServiceInline, admin.TabularInline):
    """The history of the managing department (D1): written only by the cadre services."""

    model = ManagingDepartmentChange
    readonly_inline = True
    fields = ["department", "valid_from", "reason", "changed_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department", "changed_by")


@admin.register(Cadre)
class CadreAdmin(SpreadsheetImportAdminMixin, SpreadsheetExportAdminMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.cadres_visible_to)
    resource_classes = [CadreResource]
    export_builder = staticmethod(exports.cadres_export)
    export_stem = gettext_lazy("干部名册")
    form = CadreAdminForm
    list_display = [
        "name", "gender", "id_number_masked", "birth_date", "rank", "current_post", "sending_unit",
        "managing_department", "reserve_status",
    ]
    list_filter = [
        "rank", "gender", "education", "political_status", "reserve_status", "has_grassroots_experience",
        ("managing_department", ScopedRelatedFilter),
        ("sending_unit", ScopedRelatedFilter),
    ]
    # The ID number matches only whole (=), and only for users with the full-ID permission
    # (ScopedAdmin drops it for the others): with the birth date shown, a whole-number guess
    # would confirm the few masked digits in about ten tries.
    search_fields = ["name", "=id_number", "sending_unit__name", "current_post"]
    search_help_text = gettext_lazy("按姓名、完整身份证号、派出单位或现任职务查找。")
    search_help_text_restricted = gettext_lazy("按姓名、派出单位或现任职务查找。")
    autocomplete_fields = ["sending_unit", "managing_department", "user"]
    list_select_related = ["sending_unit", "managing_department"]
    inlines = [ResumeEntryInline, ManagingDepartmentChangeInline]
    actions = None

    @admin.display(description=gettext_lazy("身份证号"), ordering="id_number")
    def id_number_full(self, obj):
        return obj.id_number

    @admin.display(description=gettext_lazy("身份证号"))
    def id_number_masked(self, obj):
        return obj.masked_id_number

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if selectors.can_see_full_id_number(request.user):
            columns[columns.index("id_number_masked")] = "id_number_full"
        return columns

    def _shows_full_id_number(self, request, obj) -> bool:
        return obj is None or selectors.can_see_full_id_number(request.user, obj)

    def get_fieldsets(self, request, obj=None):
        id_field = "id_number" if self._shows_full_id_number(request, obj) else "id_number_masked"
        unit_fields = ["sending_unit", "managing_department"]
        if obj is not None and self.has_change_permission(request, obj):
            unit_fields += ["managing_change_date", "managing_change_reason"]
        fieldsets = [
            (_("基本信息"), {"fields": ["name", id_field, "gender", "birth_date", "ethnicity", "native_place", "phone", "photo"]}),
            (_("政治面貌与工作经历"), {"fields": ["political_status", "party_joined_on", "work_started_on", "has_grassroots_experience"]}),
            (_("学历学位"), {"fields": ["education", "full_time_education", "degree"]}),
            (_("职务职级与后备干部"), {"fields": ["rank", "is_leadership", "current_post", "reserve_status"]}),
            (_("派出单位与管理权限"), {"fields": unit_fields}),
            (_("健康状况与违纪违法记录"), {"fields": ["health", "conduct_record"]}),
            (_("登录账号"), {"fields": ["user"]}),
        ]
        if obj is not None:
            fieldsets.append((_("记录"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = ["id_number_masked", "created_at", "updated_at"]
        return fields + _not_superuser_fields(request, "user")

    def has_delete_permission(self, request, obj=None):
        # A cadre's record carries placements and history; it is never deleted here.
        return False

    def can_change_object(self, request, obj):
        return cadre_editable(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            values = form_model_values(form, changed_only=False)
            # Left empty on purpose: the service takes them from the ID number and D1.
            for name in ("gender", "birth_date", "managing_department"):
                if not values.get(name):
                    values.pop(name, None)
            cadre = services.cadre_create(acting_user=request.user, **values)
        else:
            values = form_model_values(form, changed_only=True)
            department = values.pop("managing_department", None)
            cadre = services.cadre_update(acting_user=request.user, cadre=obj, **values)
            if department is not None and department.pk != cadre.managing_department_id:
                # D1: a change of managing department is kept in the history with its date.
                cadre = services.cadre_set_managing_department(
                    acting_user=request.user,
                    cadre=cadre,
                    department=department,
                    valid_from=form.cleaned_data.get("managing_change_date") or timezone.localdate(),
                    reason=form.cleaned_data.get("managing_change_reason") or "",
                )
        object_adopt(obj, cadre)


# --- Policies (D2) ----------------------------------------------------------------------------

# Only the settings some code acts on are shown (tests/programs/test_policy.py keeps the list).
# Kept in the model, validated, and off the pages until code reads them: contact_tracking and
# return_visits (contacts and problems are recorded for every program; the seed names no cadence
# to check them against), the assessment settings (excellent_cap_percent, excellent_rounding,
# pool_split_by_rank_tier, quantitative_scoring, satisfaction_survey, admonition_below_percent,
# recall_below_percent, investment_excellent_yuan: issue 8) and incentives (issue 9).
POLICY_FIELDSETS = [
    (gettext_lazy("挂职期限"), {"fields": ["term_months"]}),  # R8
    (
        gettext_lazy("选派资格条件"),  # R5
        {
            "fields": [
                "min_education", "require_full_time_education", "max_age_county_level", "max_age_township_level",
                "max_age_general", "require_deputy_section_leader", "require_no_conduct_record", "require_healthy",
                "require_lacks_grassroots", "require_personal_application", "reserve_cadres_only",
            ]
        },
    ),
    (
        gettext_lazy("选派程序"),  # R7, D7
        {
            "fields": [
                "selection_mode", "demand_survey", "shortlist_ratio", "shortlist_ratio_scope", "notice_working_days",
                "batch_size",
            ]
        },
    ),
    (gettext_lazy("请销假"), {"fields": ["leave_threshold_days", "leave_escalation_mode", "leave_day_counting"]}),  # R11, D3
    (
        gettext_lazy("工作汇报"),  # R12, D5
        {
            "fields": [
                "half_year_reports", "half_year_due_days", "annual_summary", "annual_due_month", "annual_due_day",
                "quarterly_reports", "quarterly_due_days", "term_end_report", "term_end_replaces_within_days",
            ]
        },
    ),
    (
        gettext_lazy("巡查与日常管理"),  # R10, R13, R14
        {
            "fields": [
                "quarterly_inspection", "attendance_required", "mentors_per_cadre", "yearly_target_letter",
                "monthly_exchange_meeting", "owned_cases", "feedback_cards", "pre_post_training",
                "temporary_party_branch", "party_relation_moves",
            ]
        },
    ),
]


@admin.register(PolicyPreset)
class PolicyPresetAdmin(ScopedAdmin, admin.ModelAdmin):
    """Templates only (D2): a program copies one when it is created; staff read them here."""

    scope_selector = staticmethod(selectors.policy_presets_visible_to)
    list_display = [
        "name", "code", "is_default", "term_months", "min_education", "leave_threshold_days", "leave_escalation_mode",
    ]
    list_filter = ["is_default", "leave_escalation_mode"]
    search_fields = ["name", "code"]
    fieldsets = [(None, {"fields": ["name", "code", "description", "is_default"]}), *POLICY_FIELDSETS]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)  # a new template: the form validated it
        preset = services.policy_preset_update(
            acting_user=request.user, preset=obj, **form_model_values(form, changed_only=True)
        )
        object_adopt(obj, preset)


@admin.register(ProgramPolicy)
class ProgramPolicyAdmin(ScopedAdmin, admin.ModelAdmin):
    """A program's own policy. Changes go through ``program_policy_update``: audited field by
    field, applying to later actions (D2)."""

    scope_selector = staticmethod(selectors.program_policies_visible_to)
    scope_select_related = ("program__organising_department",)
    list_display = [
        "program", "preset", "term_months", "min_education", "leave_threshold_days", "leave_escalation_mode", "updated_at",
    ]
    list_filter = [("preset", ScopedRelatedFilter), "leave_escalation_mode", "leave_day_counting"]
    search_fields = ["program__name"]
    list_select_related = ["program", "preset"]
    readonly_fields = ["program", "preset", "updated_at"]
    fieldsets = [(None, {"fields": ["program", "preset", "updated_at"]}), *POLICY_FIELDSETS]
    actions = None

    def has_add_permission(self, request):
        return False  # created with its program, from the chosen preset

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        return department_manageable(request, obj.program.organising_department)

    def save_model(self, request, obj, form, change):
        policy = services.program_policy_update(
            acting_user=request.user, program=obj.program, **form_model_values(form, changed_only=True)
        )
        object_adopt(obj, policy)


# --- Programs and posts (R8, R10) -------------------------------------------------------------


class HostPostInline(ServiceInline, admin.TabularInline):
    model = HostPost
    fields = ["host_unit", "title", "places", "duties"]
    autocomplete_fields = ["host_unit"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("host_unit")

    @classmethod
    def service_create(cls, request, obj):
        services.host_post_create(
            acting_user=request.user, program=obj.program, host_unit=obj.host_unit, title=obj.title,
            places=obj.places, duties=obj.duties,
        )

    @classmethod
    def service_update(cls, request, obj, changed_fields):
        changes = {name: getattr(obj, name) for name in changed_fields if name in services.HOST_POST_FIELDS}
        services.host_post_update(acting_user=request.user, host_post=obj, **changes)

    @classmethod
    def service_delete(cls, request, obj):
        services.host_post_delete(acting_user=request.user, host_post=obj)


@admin.register(Program)
class ProgramAdmin(SpreadsheetExportAdminMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.programs_visible_to)
    list_display = [
        "name", "year", "secondment_type", "organising_department", "planned_start", "planned_end", "preset_name",
        "policy_link", "roster_link",
    ]
    list_filter = ["year", "secondment_type", ("organising_department", ScopedRelatedFilter)]
    search_fields = ["name", "organising_department__name"]
    autocomplete_fields = ["organising_department"]
    list_select_related = ["organising_department", "policy", "policy__preset"]
    inlines = [HostPostInline]
    actions = None

    @admin.display(description=gettext_lazy("政策模板"))
    def preset_name(self, obj):
        try:
            return obj.policy.preset or "—"
        except ObjectDoesNotExist:
            return "—"

    @admin.display(description=gettext_lazy("项目政策"))
    def policy_link(self, obj):
        try:
            policy = obj.policy
        except ObjectDoesNotExist:
            return "—"
        url = reverse("admin:programs_programpolicy_change", args=[policy.pk], current_app=self.admin_site.name)
        return format_html('<a href="{}">{}</a>', url, _("查看或修改政策"))

    # --- 花名册 (roster) export: the placements of one program the user may see ----------

    @admin.display(description=gettext_lazy("花名册"))
    def roster_link(self, obj):
        url = reverse("admin:programs_program_roster", args=[obj.pk], current_app=self.admin_site.name)
        return format_html('<a href="{}">{}</a>', url, _("导出花名册"))

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if not self.has_export_permission(request):
            columns.remove("roster_link")
        return columns

    def get_urls(self):
        from django.urls import path

        return [
            path("<path:object_id>/roster/", self.admin_site.admin_view(self.roster_view), name="programs_program_roster"),
        ] + super().get_urls()

    def export_xlsx_view(self, request):
        # The program list itself is not exported; each program's roster is (roster_view).
        from django.http import Http404

        raise Http404

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data"):
            response.context_data.pop("export_xlsx_url", None)
        return response

    def roster_view(self, request, object_id):
        from django.core.exceptions import PermissionDenied

        program = self.get_object(request, object_id)  # out of scope: 404 (D6)
        if not self.has_export_permission(request):
            raise PermissionDenied
        content = exports.program_roster_export(user=request.user, program=program)
        return xlsx_response(filename=exports.export_filename(_("%(program)s花名册") % {"program": program}), content=content)

    def get_fieldsets(self, request, obj=None):
        main = ["name", "secondment_type", "year", "organising_department", "reference_date", "planned_start", "planned_end", "description"]
        if obj is None:
            return [(None, {"fields": main}), (_("政策"), {"fields": ["preset"]})]
        return [
            (None, {"fields": main}),
            (_("政策"), {"fields": ["policy_link"]}),
            (_("记录"), {"fields": ["created_by", "created_at"], "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["policy_link", "created_by", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProgramAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        # Visible through a placement of one of our cadres is not enough to change it.
        return department_manageable(request, obj.organising_department)

    def save_model(self, request, obj, form, change):
        if change:
            program = services.program_update(
                acting_user=request.user, program=obj, **form_model_values(form, changed_only=True)
            )
        else:
            values = form_model_values(form, changed_only=False)
            if not values.get("planned_end"):
                values.pop("planned_end", None)  # the service derives it from the term (R8)
            program = services.program_create(acting_user=request.user, preset=form.cleaned_data.get("preset"), **values)
        object_adopt(obj, program)


def _open_placements_count():
    return Coalesce(
        Subquery(
            Placement.objects.filter(host_post=OuterRef("pk"), status__in=Placement.OPEN_STATUSES)
            .order_by()
            .values("host_post")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


@admin.register(HostPost)
class HostPostAdmin(ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.host_posts_visible_to)
    scope_select_related = ("host_unit",)
    list_display = ["title", "host_unit", "host_unit_level", "program", "places", "taken"]
    list_filter = [("program", ScopedRelatedFilter), ("host_unit", ScopedRelatedFilter), "host_unit__level"]
    search_fields = ["title", "host_unit__name", "program__name"]
    autocomplete_fields = ["program", "host_unit"]
    list_select_related = ["program", "host_unit"]
    fields = ["program", "host_unit", "title", "places", "duties"]

    @admin.display(description=gettext_lazy("挂职单位层级"), ordering="host_unit__level")
    def host_unit_level(self, obj):
        return obj.host_unit.get_level_display()

    @admin.display(description=gettext_lazy("已安排"), ordering="open_placements")
    def taken(self, obj):
        return obj.open_placements

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(open_placements=_open_placements_count())

    def get_readonly_fields(self, request, obj=None):
        # A post stays in its program; move it by deleting and adding.
        return ["program"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program":
            kwargs["queryset"] = selectors.programs_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def can_change_object(self, request, obj):
        return department_manageable(request, obj.program.organising_department)

    def save_model(self, request, obj, form, change):
        if change:
            post = services.host_post_update(
                acting_user=request.user, host_post=obj, **form_model_values(form, changed_only=True)
            )
        else:
            post = services.host_post_create(acting_user=request.user, **form_model_values(form, changed_only=False))
        object_adopt(obj, post)

    def delete_model(self, request, obj):
        services.host_post_delete(acting_user=request.user, host_post=obj)


# --- Placements (R4, R9, R10) -----------------------------------------------------------------


class MentorInline(ServiceInline, admin.TabularInline):
    model = Mentor
    fields = ["name", "post", "kind", "phone", "user"]
    autocomplete_fields = ["user"]
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return _not_superuser_fields(request, "user")
    save_service = staticmethod(services.mentor_save)
    delete_service = staticmethod(services.mentor_delete)
    service_arg = "mentor"


class TargetLetterInline(ServiceInline, admin.StackedInline):
    model = TargetLetter
    fields = ["year", "signed_on", "term_targets", "annual_targets", "document"]
    extra = 0
    save_service = staticmethod(services.target_letter_save)
    delete_service = staticmethod(services.target_letter_delete)
    service_arg = "target_letter"


class PlacementStatusChangeInline(ServiceInline, admin.TabularInline):
    """The status history: written only by ``placement_transition``."""

    model = PlacementStatusChange
    readonly_inline = True
    fields = ["from_status", "to_status", "effective_date", "note", "changed_by", "changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


S = Placement.Status


@admin.register(Placement)
class PlacementAdmin(SpreadsheetExportAdminMixin, ActionPageMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.placements_visible_to)
    export_builder = staticmethod(exports.placements_export)
    export_stem = gettext_lazy("挂职安排")
    scope_select_related = ("cadre", "host_post__host_unit")
    list_display = [
        "cadre", "sending_unit", "secondment_type", "host_unit", "post_title", "program", "status", "planned_start",
        "planned_end", "actual_start", "actual_end",
    ]
    list_filter = [
        "status",
        "program__secondment_type",
        ("program__year", ScopedValuesFilter),
        ("program", ScopedRelatedFilter),
        ("host_post__host_unit", ScopedRelatedFilter),
        ("cadre__managing_department", ScopedRelatedFilter),
    ]
    search_fields = [
        "cadre__name", "=cadre__id_number", "cadre__sending_unit__name", "host_post__host_unit__name",
        "host_post__title", "program__name",
    ]
    search_help_text = gettext_lazy("按干部姓名、完整身份证号、派出单位、挂职单位、岗位或项目查找。")
    search_help_text_restricted = gettext_lazy("按干部姓名、派出单位、挂职单位、岗位或项目查找。")
    autocomplete_fields = ["cadre", "host_post"]
    list_select_related = ["cadre__sending_unit", "program", "host_post__host_unit"]
    date_hierarchy = "planned_start"
    inlines = [MentorInline, TargetLetterInline, PlacementStatusChangeInline]
    actions = ["action_start", "action_complete", "action_end_early", "action_recall"]

    @admin.display(description=gettext_lazy("派出单位"), ordering="cadre__sending_unit__name")
    def sending_unit(self, obj):
        return obj.cadre.sending_unit

    @admin.display(description=gettext_lazy("挂职方式"), ordering="program__secondment_type")
    def secondment_type(self, obj):
        return obj.program.get_secondment_type_display()

    @admin.display(description=gettext_lazy("挂职单位"), ordering="host_post__host_unit__name")
    def host_unit(self, obj):
        return obj.host_post.host_unit

    @admin.display(description=gettext_lazy("挂任职务"), ordering="host_post__title")
    def post_title(self, obj):
        return obj.host_post.title

    def get_fieldsets(self, request, obj=None):
        work = (_("工作分工与目标任务"), {"fields": ["division_of_work", "work_targets"]})
        if obj is None:
            return [(None, {"fields": ["cadre", "host_post", "planned_start", "planned_end"]}), work]
        return [
            (None, {"fields": ["cadre", "program", "host_post", "status"]}),
            (_("时间"), {"fields": ["planned_start", "planned_end", "actual_start", "actual_end", "status_changed_at", "end_reason"]}),
            (_("工作分工与目标任务"), {"fields": ["division_of_work", "work_targets", "party_relation_moved"]}),
            (_("记录"), {"fields": ["created_by", "created_at", "updated_at"], "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The status and actual dates move only through the status actions (placement_transition);
        # a different cadre or post is a different placement.
        return [
            "cadre", "program", "host_post", "status", "actual_start", "actual_end", "status_changed_at", "end_reason",
            "created_by", "created_at", "updated_at",
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PlacementAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "host_post":
            # A placement can only be made in a program the user runs.
            kwargs["queryset"] = selectors.host_posts_visible_to(request.user).filter(
                program__in=selectors.programs_managed_by(request.user)
            ).select_related("host_unit")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # a placement ends by a status move, its history stays

    def can_change_object(self, request, obj):
        return placement_manageable(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            placement = services.placement_update(
                acting_user=request.user, placement=obj, **form_model_values(form, changed_only=True)
            )
        else:
            values = form_model_values(form, changed_only=False)
            placement = services.placement_create(
                acting_user=request.user,
                cadre=values["cadre"],
                host_post=values["host_post"],
                planned_start=values.get("planned_start"),
                planned_end=values.get("planned_end"),
                division_of_work=values.get("division_of_work", ""),
                work_targets=values.get("work_targets", ""),
            )
        object_adopt(obj, placement)

    # --- status actions: the only way the status changes in the admin ---------------------

    def _transition(self, request, queryset, *, to_status, note_required: bool):
        """Ask for the effective date (and reason), then move each selected placement through
        ``placement_transition``. Each refusal is shown with the service's message."""
        target = S(to_status)
        form = PlacementTransitionForm(request.POST if self.applying(request) else None, note_required=note_required)
        if self.applying(request) and form.is_valid():
            moved = 0
            for placement in queryset:
                try:
                    services.placement_transition(
                        acting_user=request.user, placement=placement, to_status=target,
                        effective_date=form.cleaned_data["effective_date"], note=form.cleaned_data["note"],
                    )
                except ApplicationError as exc:
                    self.message_user(
                        request, _("%(placement)s：%(error)s") % {"placement": placement, "error": exc.message},
                        messages.ERROR,
                    )
                else:
                    moved += 1
            if moved:
                self.message_user(
                    request,
                    _("已将 %(count)d 个挂职安排变更为“%(status)s”。") % {"count": moved, "status": target.label},
                    messages.SUCCESS,
                )
            return None
        placements = list(queryset)
        return self.action_page(
            request, placements, form=form, title=_("变更为“%(status)s”") % {"status": target.label},
            intro=ngettext(
                "以下 %(count)d 个挂职安排将变更为“%(status)s”：", "以下 %(count)d 个挂职安排将变更为“%(status)s”：",
                len(placements),
            ) % {"count": len(placements), "status": target.label},
            submit_label=_("确认变更"),
        )

    @admin.action(description=gettext_lazy("确认到岗"), permissions=["change"])
    def action_start(self, request, queryset):
        return self._transition(request, queryset, to_status=S.ACTIVE, note_required=False)

    @admin.action(description=gettext_lazy("期满"), permissions=["change"])
    def action_complete(self, request, queryset):
        return self._transition(request, queryset, to_status=S.COMPLETED, note_required=False)

    @admin.action(description=gettext_lazy("提前结束"), permissions=["change"])
    def action_end_early(self, request, queryset):
        return self._transition(request, queryset, to_status=S.ENDED_EARLY, note_required=True)

    @admin.action(description=gettext_lazy("召回"), permissions=["change"])
    def action_recall(self, request, queryset):
        return self._transition(request, queryset, to_status=S.RECALLED, note_required=True)


@admin.register(PlacementStatusChange)
class PlacementStatusChangeAdmin(ScopedAdmin, admin.ModelAdmin):
    """Read-only: the history of status moves."""

    scope_selector = staticmethod(selectors.placement_status_changes_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit")
    list_display = ["placement", "from_status", "to_status", "effective_date", "note", "changed_by", "changed_at"]
    list_filter = ["to_status", "from_status", ("placement__program", ScopedRelatedFilter)]
    search_fields = ["placement__cadre__name", "=placement__cadre__id_number", "note"]
    list_select_related = ["placement__cadre", "placement__host_post__host_unit", "changed_by"]
    date_hierarchy = "effective_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlacementRecordAdmin(PlacementColumns, ScopedAdmin, admin.ModelAdmin):
    """Shared by the records that belong to a placement (mentors, target letters)."""

    scope_select_related = ("placement__cadre", "placement__host_post__host_unit")
    list_select_related = ["placement__cadre", "placement__host_post__host_unit"]
    autocomplete_fields = ["placement"]

    def can_change_object(self, request, obj):
        return placement_manageable(request, obj.placement)


def _placement_url(placement: Placement) -> str:
    return reverse("admin:programs_placement_change", args=[placement.pk])


@admin.register(Mentor)
class MentorAdmin(GapReportMixin, PlacementRecordAdmin):
    scope_selector = staticmethod(selectors.mentors_visible_to)
    gap_reports = [("missing", gettext_lazy("帮带责任人不足的挂职干部"), "missing_report")]
    list_display = ["name", "post", "kind", "phone", "cadre", "host_unit"]
    list_filter = ["kind", ("placement__program", ScopedRelatedFilter)]
    search_fields = ["name", "post", "placement__cadre__name", "placement__host_post__host_unit__name"]
    fields = ["placement", "name", "post", "kind", "phone", "user"]
    autocomplete_fields = ["placement", "user"]

    def missing_report(self, request) -> dict:
        """R10: open placements with fewer mentors than their program's policy asks (江东: 2)."""
        placements = (
            selectors.mentors_missing(selectors.placements_visible_to(request.user))
            .select_related("cadre", "program__policy", "host_post__host_unit").prefetch_related("mentors")
            .order_by("program__name", "cadre__name")
        )
        return {
            "title": _("帮带责任人不足的挂职干部"),
            "intro": _("拟任或在岗的挂职干部中，已确定的帮带责任人少于项目政策要求人数的："),
            "headers": [_("挂职干部"), _("挂职项目"), _("挂职单位"), _("状态"), _("已确定的帮带责任人"), _("已有人数"),
                        _("要求人数")],
            "rows": [
                (_placement_url(p), [
                    p.cadre.name, p.program, p.host_post.host_unit.name, p.get_status_display(),
                    "、".join(_("%(name)s（%(kind)s）") % {"name": m.name, "kind": m.get_kind_display()}
                             for m in p.mentors.all()) or "—",
                    p.mentor_count, p.program.policy.mentors_per_cadre,
                ])
                for p in placements
            ],
            "empty": _("每位拟任、在岗的挂职干部都已按政策确定帮带责任人。"),
        }

    def get_readonly_fields(self, request, obj=None):
        return _not_superuser_fields(request, "user")

    def save_model(self, request, obj, form, change):
        services.mentor_save(acting_user=request.user, mentor=obj)

    def delete_model(self, request, obj):
        services.mentor_delete(acting_user=request.user, mentor=obj)


@admin.register(TargetLetter)
class TargetLetterAdmin(GapReportMixin, PlacementRecordAdmin):
    scope_selector = staticmethod(selectors.target_letters_visible_to)
    gap_reports = [("missing", gettext_lazy("本年度尚未签订责任书的挂职干部"), "missing_report")]
    list_display = ["__str__", "cadre", "host_unit", "year", "signed_on"]
    list_filter = ["year", ("placement__program", ScopedRelatedFilter)]
    search_fields = ["placement__cadre__name", "placement__host_post__host_unit__name", "term_targets", "annual_targets"]
    fields = ["placement", "year", "signed_on", "term_targets", "annual_targets", "document"]

    def missing_report(self, request) -> dict:
        """R10 (淮上): placements on post, in programs that sign a letter each year, with none for this year."""
        year = timezone.localdate().year
        placements = (
            selectors.target_letters_missing(selectors.placements_visible_to(request.user), year)
            .select_related("cadre", "program", "host_post__host_unit").order_by("program__name", "cadre__name")
        )
        return {
            "title": _("%(year)s年尚未签订目标管理责任书的挂职干部") % {"year": year},
            "intro": _("项目政策要求每年签订目标管理责任书、在岗而本年度尚未签订的挂职干部："),
            "headers": [_("挂职干部"), _("挂职项目"), _("挂职单位"), _("年度")],
            "rows": [
                (_placement_url(p), [p.cadre.name, p.program, p.host_post.host_unit.name, year]) for p in placements
            ],
            "empty": _("在岗的挂职干部都已签订本年度的目标管理责任书。"),
        }

    def save_model(self, request, obj, form, change):
        services.target_letter_save(acting_user=request.user, target_letter=obj)

    def delete_model(self, request, obj):
        services.target_letter_delete(acting_user=request.user, target_letter=obj)


# --- Reference tables and roles (D3, D6) ------------------------------------------------------


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin, admin.ModelAdmin):
    """Roles (D6). Staff read who holds roles in their subtree; the system administrator grants them."""

    scope_selector = staticmethod(selectors.role_assignments_visible_to)
    scope_select_related = ("user", "department", "unit")
    list_display = ["user", "role", "department", "unit"]
    list_filter = ["role", ("department", ScopedRelatedFilter)]
    search_fields = ["user__username", "user__last_name", "user__first_name", "department__name", "unit__name"]
    autocomplete_fields = ["user", "department", "unit"]
    list_select_related = ["user", "department", "unit"]


# The holiday table, its yearly schedules and the notice page (D3) have their own module.
from . import admin_holidays  # noqa: E402, F401
