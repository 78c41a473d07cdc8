"""The organisation departments' supervision workbench (R11, R13): violations, inspections with
their on-post checks, monthly attendance (read-only: the host unit confirms it, D6), contacts
and problems.

Rows come from the ``*_visible_to`` selectors (``ScopedAdmin``: out of scope is 404); every
write goes through ``daily.services.supervision`` and a refusal shows on the form or as a message.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin_mixins import (
    ActionPageMixin,
    DoneFilter,
    PlacementColumns,
    ScopedAdmin,
    ScopedRelatedFilter,
    ServiceInline,
    days_column,
    form_model_values,
    object_adopt,
)
from core.display import days_text
from core.exceptions import ApplicationError
from programs.selectors import placements_visible_to

from . import selectors
from .forms_supervision import (
    InspectionAdminForm,
    InspectionCancelForm,
    InspectionCheckInlineForm,
    InspectionCompleteForm,
    ProblemSolveForm,
)
from .models import (
    AttendanceMonth,
    Contact,
    Inspection,
    InspectionCheck,
    Problem,
    Violation,
)
from .selectors_supervision import inspections_missing, quarter_bounds, quarter_of
from .services import supervision as services

PLACEMENT_RELATED = ("placement__cadre", "placement__host_post__host_unit")


def _each(model_admin, request, queryset, call, done: str) -> None:
    """Call a service per selected row; each refusal is a message naming the row."""
    count = 0
    for obj in queryset:
        try:
            call(obj)
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            model_admin.message_user(request, _("%(object)s：%(error)s") % {"object": obj, "error": exc.message}, messages.ERROR)
        else:
            count += 1
    if count:
        model_admin.message_user(request, done % {"count": count}, messages.SUCCESS)


# --- Violations (R11) ----------------------------------------------------------------------------


@admin.register(Violation)
class ViolationAdmin(PlacementColumns, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.violations_visible_to)
    scope_select_related = PLACEMENT_RELATED
    list_display = ["cadre", "host_unit", "kind", "start_date", "end_date", "days_shown", "source", "recorded_by"]
    list_filter = [
        "kind", "source", ("placement__program", ScopedRelatedFilter), ("placement__host_post__host_unit", ScopedRelatedFilter),
    ]
    list_select_related = ["recorded_by"]
    search_fields = ["placement__cadre__name", "description"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["placement"]
    actions = None
    days_shown = days_column(Violation, "days")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["placement", "kind", "start_date", "end_date", "description"]
        return ["placement", "kind", "start_date", "end_date", "days_shown", "source", "inspection_check", "description",
                "recorded_by", "recorded_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Dates and kind stay as recorded; only the description may be corrected.
        return ["placement", "kind", "start_date", "end_date", "days_shown", "source", "inspection_check", "recorded_by", "recorded_at"]

    def can_change_object(self, request, obj):
        return services.host_keeps_placement(request.user, obj.placement) or services.staff_manages_placement(
            request.user, obj.placement
        )

    def has_delete_permission(self, request, obj=None):
        return False  # a violation feeds the assessment; it stays

    def save_model(self, request, obj, form, change):
        if change:
            violation = services.violation_update(acting_user=request.user, violation=obj, description=obj.description)
        else:
            violation = services.violation_record(
                acting_user=request.user, **form_model_values(form, changed_only=False)
            )
        object_adopt(obj, violation)


# --- Inspections and checks (R13) ----------------------------------------------------------------


class InspectionCheckInline(ServiceInline, admin.TabularInline):
    """One row per cadre checked. 请假中 is derived from approved leave (R13); 不在岗 judged
    unauthorised creates a violation (R11)."""

    model = InspectionCheck
    form = InspectionCheckInlineForm
    fields = ["placement", "result", "absence_reason", "notes", "unauthorised", "leave", "violation_link"]
    readonly_fields = ["leave", "violation_link"]
    autocomplete_fields = ["placement"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("placement__cadre", "leave", "violation")

    @admin.display(description=gettext_lazy("违规记录"))
    def violation_link(self, obj):
        violation = getattr(obj, "violation", None) if obj.pk else None
        if violation is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:daily_violation_change", args=[violation.pk]),
                           violation.get_kind_display())

    @classmethod
    def _record(cls, request, obj):
        services.inspection_check_record(
            acting_user=request.user, inspection=obj.inspection, placement=obj.placement, result=obj.result,
            absence_reason=obj.absence_reason, notes=obj.notes, unauthorised=getattr(obj, "_unauthorised", False),
        )

    @classmethod
    def service_create(cls, request, obj):
        cls._record(request, obj)

    @classmethod
    def service_update(cls, request, obj, changed_fields):
        cls._record(request, obj)

    @classmethod
    def service_delete(cls, request, obj):
        services.inspection_check_delete(acting_user=request.user, check=obj)


@admin.register(Inspection)
class InspectionAdmin(ActionPageMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.inspections_visible_to)
    scope_select_related = ("department",)
    form = InspectionAdminForm
    change_list_template = "daily/supervision/admin_inspection_changelist.html"
    list_display = ["date", "kind", "status", "department", "inspectors", "checked", "absent"]
    list_filter = ["kind", "status", ("department", ScopedRelatedFilter)]
    search_fields = ["inspectors", "notes", "checks__placement__cadre__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["department"]
    inlines = [InspectionCheckInline]
    actions = ["action_complete", "action_cancel"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            checked_count=Count("checks"),
            absent_count=Count("checks", filter=Q(checks__result=InspectionCheck.Result.ABSENT)),
        )

    @admin.display(description=gettext_lazy("查岗人数"), ordering="checked_count")
    def checked(self, obj):
        return obj.checked_count

    @admin.display(description=gettext_lazy("不在岗"), ordering="absent_count")
    def absent(self, obj):
        return obj.absent_count

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["department", "kind", "date", "planned", "inspectors", "notes"]
        return ["department", "kind", "date", "status", "inspectors", "notes", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["department", "status", "created_by", "created_at"]
        if obj.status != Inspection.Status.PLANNED:
            fixed += ["kind", "date"]
        return fixed

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["fields"] = [f for f in self.get_fields(request, obj) if f not in self.get_readonly_fields(request, obj)]
        return super().get_form(request, obj, change=change, **kwargs)

    def can_change_object(self, request, obj):
        # Seen because a check touched one of our cadres is not enough: the visit is the inspecting department's.
        return obj.status != Inspection.Status.CANCELLED and services.staff_over_department(request.user, obj.department)

    def save_model(self, request, obj, form, change):
        if change:
            values = form_model_values(form, changed_only=True)
            changes = {k: v for k, v in values.items() if k in services.INSPECTION_EDITABLE}
            inspection = services.inspection_update(acting_user=request.user, inspection=obj, **changes)
        else:
            values = form_model_values(form, changed_only=False)
            service = services.inspection_plan if form.cleaned_data.get("planned") else services.inspection_record
            inspection = service(
                acting_user=request.user, department=values["department"], kind=values["kind"], date=values["date"],
                inspectors=values.get("inspectors", ""), notes=values.get("notes", ""),
            )
        object_adopt(obj, inspection)

    @admin.action(description=gettext_lazy("登记为已完成"), permissions=["change"])
    def action_complete(self, request, queryset):
        form = InspectionCompleteForm(request.POST if self.applying(request) else None)
        if self.applying(request) and form.is_valid():
            _each(self, request, queryset,
                  lambda obj: services.inspection_complete(acting_user=request.user, inspection=obj,
                                                           notes=form.cleaned_data["notes"]),
                  _("已将 %(count)d 次巡查登记为已完成。"))
            return None
        return self.action_page(request, queryset, form=form, title=_("登记为已完成"),
                                intro=_("以下计划中的巡查已经进行："))

    @admin.action(description=gettext_lazy("取消巡查"), permissions=["change"])
    def action_cancel(self, request, queryset):
        form = InspectionCancelForm(request.POST if self.applying(request) else None)
        if self.applying(request) and form.is_valid():
            _each(self, request, queryset,
                  lambda obj: services.inspection_cancel(acting_user=request.user, inspection=obj,
                                                         reason=form.cleaned_data["reason"]),
                  _("已取消 %(count)d 次巡查。"))
            return None
        return self.action_page(request, queryset, form=form, title=_("取消巡查"), intro=_("取消以下计划中的巡查："))

    # --- 安丘: placements lacking this quarter's tracking inspection (R13) -------------------

    def get_urls(self):
        return [
            path("quarterly-missing/", self.admin_site.admin_view(self.quarterly_missing_view),
                 name="daily_inspection_quarterly_missing"),
        ] + super().get_urls()

    def quarterly_missing_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year, quarter = quarter_of(timezone.localdate())
        try:
            year = int(request.GET.get("year", year))
            quarter = int(request.GET.get("quarter", quarter))
            start, end = quarter_bounds(year, quarter)
        except ValueError:
            year, quarter = quarter_of(timezone.localdate())
            start, end = quarter_bounds(year, quarter)
        placements = (
            inspections_missing(placements_visible_to(request.user), year, quarter)
            .select_related("cadre", "program", "host_post__host_unit")
            .order_by("program__name", "cadre__name")
        )
        previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
        context = {
            **self.admin_site.each_context(request),
            "title": _("缺少季度跟踪考察（%(year)s年第%(quarter)s季度）") % {"year": year, "quarter": quarter},
            "opts": self.model._meta, "placements": placements, "start": start, "end": end,
            "previous": previous, "following": following,
        }
        return TemplateResponse(request, "daily/supervision/admin_quarterly_missing.html", context)


# --- Attendance (read-only for staff: the host unit confirms, D6) --------------------------------


class ConfirmedFilter(DoneFilter):
    title = gettext_lazy("确认情况")
    parameter_name = "confirmed"
    field = "confirmed_at"
    not_done_label, done_label = gettext_lazy("未确认"), gettext_lazy("已确认")


@admin.register(AttendanceMonth)
class AttendanceMonthAdmin(PlacementColumns, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.attendance_months_visible_to)
    scope_select_related = PLACEMENT_RELATED
    list_display = ["cadre", "host_unit", "month", "working_days_shown", "leave_days_shown", "absence_days_shown", "business_trip_days_shown",
                    "present", "confirmed_by", "confirmed_at"]
    list_filter = [ConfirmedFilter, ("placement__program", ScopedRelatedFilter),
                   ("placement__host_post__host_unit", ScopedRelatedFilter)]
    list_select_related = ["confirmed_by"]
    search_fields = ["placement__cadre__name"]
    date_hierarchy = "month"
    actions = None

    # A month is only read here (the host unit confirms it in the portal): its days as people write them.
    fields = readonly_fields = ["placement", "month", "working_days_shown", "leave_days_shown", "absence_days_shown",
                                "business_trip_days_shown", "present", "note", "confirmed_by", "confirmed_at"]
    working_days_shown = days_column(AttendanceMonth, "working_days")
    leave_days_shown = days_column(AttendanceMonth, "leave_days")
    absence_days_shown = days_column(AttendanceMonth, "absence_days")
    business_trip_days_shown = days_column(AttendanceMonth, "business_trip_days")

    @admin.display(description=gettext_lazy("实际出勤天数"))
    def present(self, obj):
        return days_text(obj.present_days)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Contacts and problems (三联一解决, 回访走访; R13) ----------------------------------------------


@admin.register(Contact)
class ContactAdmin(PlacementColumns, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.contacts_visible_to)
    scope_select_related = PLACEMENT_RELATED
    list_display = ["date", "cadre", "host_unit", "kind", "party", "with_whom", "recorded_by"]
    list_filter = ["kind", "party", ("placement__program", ScopedRelatedFilter)]
    list_select_related = ["recorded_by"]
    search_fields = ["placement__cadre__name", "with_whom", "content"]
    date_hierarchy = "date"
    autocomplete_fields = ["placement"]
    fields = ["placement", "kind", "party", "date", "with_whom", "content"]

    def get_readonly_fields(self, request, obj=None):
        return ["placement"] if obj is not None else []

    def can_change_object(self, request, obj):
        return services.staff_manages_placement(request.user, obj.placement)

    def save_model(self, request, obj, form, change):
        if change:
            contact = services.contact_update(acting_user=request.user, contact=obj, **form_model_values(form, changed_only=True))
        else:
            contact = services.contact_record(acting_user=request.user, **form_model_values(form, changed_only=False))
        object_adopt(obj, contact)

    def delete_model(self, request, obj):
        services.contact_delete(acting_user=request.user, contact=obj)


@admin.register(Problem)
class ProblemAdmin(PlacementColumns, ActionPageMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.problems_visible_to)
    scope_select_related = PLACEMENT_RELATED
    list_display = ["cadre", "host_unit", "category", "raised_on", "short_description", "status", "solved_on"]
    list_filter = ["status", "category", ("placement__program", ScopedRelatedFilter)]
    search_fields = ["placement__cadre__name", "description", "solution"]
    date_hierarchy = "raised_on"
    autocomplete_fields = ["placement"]
    actions = ["action_solve"]

    @admin.display(description=gettext_lazy("问题"))
    def short_description(self, obj):
        return obj.description[:40]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["placement", "category", "raised_on", "description"]
        return ["placement", "category", "raised_on", "description", "status", "solution", "solved_on", "solved_by",
                "recorded_by", "recorded_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The solution is recorded by the 解决 action (problem_solve), never typed into the form.
        return ["placement", "status", "solution", "solved_on", "solved_by", "recorded_by", "recorded_at"]

    def can_change_object(self, request, obj):
        return obj.status == Problem.Status.OPEN and services.staff_manages_placement(request.user, obj.placement)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            problem = services.problem_update(acting_user=request.user, problem=obj, **form_model_values(form, changed_only=True))
        else:
            problem = services.problem_record(acting_user=request.user, **form_model_values(form, changed_only=False))
        object_adopt(obj, problem)

    @admin.action(description=gettext_lazy("解决"), permissions=["change"])
    def action_solve(self, request, queryset):
        form = ProblemSolveForm(request.POST if self.applying(request) else None)
        if self.applying(request) and form.is_valid():
            _each(self, request, queryset,
                  lambda obj: services.problem_solve(acting_user=request.user, problem=obj, **form.cleaned_data),
                  _("已记录 %(count)d 个问题的解决情况。"))
            return None
        problems = list(queryset)
        return self.action_page(
            request, problems, form=form, title=_("记录解决情况"),
            intro=ngettext("记录以下 %(count)d 个问题的解决情况：", "记录以下 %(count)d 个问题的解决情况：", len(problems))
            % {"count": len(problems)},
            submit_label=_("确认已解决"),
        )
