"""Duties in the Chinese admin (R9, R10, R14) for organisation-department staff.

Rows are scoped through ``duties.selectors`` (``ScopedAdmin``): out of scope answers 404 (D6).
Writes go through ``duties.services``: staff record meetings, training, party branches and their
activities, open and close owned cases, and sign for early warnings; feedback cards, warnings,
case progress and undertakings are the host unit's, the township's and the cadre's (portal) and
are read here.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_mixins import (
    ActionPageMixin,
    DoneFilter,
    PlacementColumns,
    GapReportMixin,
    ScopedAdmin,
    ScopedRelatedFilter,
    ServiceInline,
    object_adopt,
)
from core.exceptions import ApplicationError
from programs import selectors as program_selectors

from . import selectors, services
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


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class M2MByServiceMixin:
    """Many-to-many fields are set by the services; the admin must not save them again."""

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


# --- Exchange meetings (江东) ---------------------------------------------------------------------


class ExchangeMeetingForm(forms.ModelForm):
    class Meta:
        model = ExchangeMeeting
        fields = ["program", "held_on", "topic", "summary", "minutes", "attendees"]
        # The minutes are checked by the model field's validator (core.uploads).


@admin.register(ExchangeMeeting)
class ExchangeMeetingAdmin(GapReportMixin, M2MByServiceMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.exchange_meetings_visible_to)
    gap_reports = [("missing", gettext_lazy("缺少交流会的月份"), "missing_report")]
    scope_select_related = ("program",)
    form = ExchangeMeetingForm
    list_display = ["held_on", "topic", "program"]
    list_filter = [("program", ScopedRelatedFilter)]
    search_fields = ["topic", "summary", "program__name"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["attendees"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program":
            kwargs["queryset"] = program_selectors.programs_managed_by(request.user).filter(
                policy__monthly_exchange_meeting=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["program"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        return services.is_staff_over_program(request.user, obj.program)

    def missing_report(self, request) -> dict:
        """R14 (江东): the months of each program asking for a monthly meeting that had none."""
        programs = (
            program_selectors.programs_managed_by(request.user).filter(policy__monthly_exchange_meeting=True)
            .select_related("policy", "organising_department").order_by("-year", "name")
        )
        rows = []
        for program in programs:
            months = selectors.exchange_meetings_missing(program)
            if months:
                rows.append(("", [program, program.organising_department, "、".join(f"{m:%Y-%m}" for m in months)]))
        return {
            "title": _("缺少经验交流会的月份"),
            "intro": _("实行每月经验交流会的挂职项目中，已结束的月份里没有交流会记录的："),
            "headers": [_("挂职项目"), _("组织部"), _("缺少的月份")],
            "rows": rows,
            "empty": _("每个月都已召开经验交流会。"),
        }

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in {"held_on", "topic", "summary", "minutes"}}
            if "minutes" in changes and not changes["minutes"]:
                changes["minutes"] = ""
            meeting = services.exchange_meeting_update(acting_user=request.user, meeting=obj,
                                                       attendees=data["attendees"], **changes)
        else:
            meeting = services.exchange_meeting_record(
                acting_user=request.user, program=data["program"], held_on=data["held_on"], topic=data["topic"],
                summary=data.get("summary", ""), attendees=data["attendees"], minutes=data.get("minutes") or None,
            )
        object_adopt(obj, meeting)


# --- Owned cases (江东) ---------------------------------------------------------------------------


class CaseProgressInline(ServiceInline, admin.TabularInline):
    """The progress of a case: written by the host unit and the cadre in the portal."""

    model = CaseProgress
    readonly_inline = True
    fields = ["date", "note", "closes_case", "recorded_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class CaseCloseForm(forms.Form):
    closed_on = forms.DateField(label=gettext_lazy("办结日期"))
    outcome = forms.CharField(label=gettext_lazy("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(OwnedCase)
class OwnedCaseAdmin(PlacementColumns, ActionPageMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.owned_cases_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit")
    list_display = ["title", "cadre", "host_unit", "opened_on", "status", "closed_on"]
    list_filter = ["status", ("placement__program", ScopedRelatedFilter)]
    search_fields = ["title", "description", "placement__cadre__name"]
    date_hierarchy = "opened_on"
    autocomplete_fields = ["placement"]
    inlines = [CaseProgressInline]
    actions = ["action_close"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["placement", "title", "opened_on", "description"]
        return ["placement", "title", "opened_on", "description", "status", "closed_on", "outcome", "opened_by", "closed_by"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        return services.is_staff_over_placement(request.user, obj.placement)

    def save_model(self, request, obj, form, change):
        if not change:
            data = form.cleaned_data
            object_adopt(obj, services.owned_case_open(
                acting_user=request.user, placement=data["placement"], title=data["title"],
                opened_on=data["opened_on"], description=data.get("description", ""),
            ))

    @admin.action(description=gettext_lazy("确认办结"), permissions=["change"])
    def action_close(self, request, queryset):
        form = CaseCloseForm(request.POST if self.applying(request) else None)
        if self.applying(request) and form.is_valid():
            done = 0
            for case in queryset:
                try:
                    services.owned_case_close(acting_user=request.user, case=case, **form.cleaned_data)
                except ApplicationError as exc:
                    self.message_user(request, _("%(object)s：%(error)s") % {"object": case, "error": exc.message},
                                      messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(request, _("已办结 %(count)d 件包案。") % {"count": done}, messages.SUCCESS)
            return None
        return self.action_page(request, queryset, form=form, title=_("确认包案办结"),
                                intro=_("以下包案将确认办结："), submit_label=_("确认办结"))


@admin.register(CaseProgress)
class CaseProgressAdmin(ReadOnlyAdminMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.case_progress_visible_to)
    scope_select_related = ("case",)
    list_display = ["case", "date", "note", "closes_case", "recorded_by"]
    list_filter = ["closes_case", ("case__placement__program", ScopedRelatedFilter)]
    search_fields = ["note", "case__title", "case__placement__cadre__name"]
    date_hierarchy = "date"


# --- Feedback cards and early warnings (淮上) ------------------------------------------------------


@admin.register(FeedbackCard)
class FeedbackCardAdmin(ReadOnlyAdminMixin, PlacementColumns, ScopedAdmin, admin.ModelAdmin):
    """Read here; the township signs for cards in the portal."""

    scope_selector = staticmethod(selectors.feedback_cards_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit", "township")
    list_display = ["matter", "cadre", "host_unit", "decided_on", "reported_at", "acknowledged_at"]
    list_filter = [("township", ScopedRelatedFilter), ("placement__program", ScopedRelatedFilter)]
    search_fields = ["matter", "content", "placement__cadre__name"]
    date_hierarchy = "decided_on"


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("组织部意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PendingStaffFilter(DoneFilter):
    title = gettext_lazy("组织部签收")
    parameter_name = "staff_acknowledged"
    field = "staff_acknowledged_at"
    not_done_label, done_label = gettext_lazy("待签收"), gettext_lazy("已签收")


@admin.register(EarlyWarning)
class EarlyWarningAdmin(PlacementColumns, ActionPageMixin, ScopedAdmin, admin.ModelAdmin):
    """Staff read the warnings and sign for them (action); reports come from the portal."""

    scope_selector = staticmethod(selectors.early_warnings_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit")
    list_display = ["cadre", "host_unit", "occurred_on", "reported_at", "township_acknowledged_at", "staff_acknowledged_at"]
    list_filter = [PendingStaffFilter, ("township", ScopedRelatedFilter), ("placement__program", ScopedRelatedFilter)]
    search_fields = ["content", "placement__cadre__name"]
    date_hierarchy = "occurred_on"
    actions = ["action_acknowledge"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in EarlyWarning._meta.concrete_fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        return services.is_staff_over_placement(request.user, obj.placement)

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only; signing is the action

    @admin.action(description=gettext_lazy("组织部签收"), permissions=["change"])
    def action_acknowledge(self, request, queryset):
        form = AcknowledgeForm(request.POST if self.applying(request) else None)
        if self.applying(request) and form.is_valid():
            done = 0
            for warning in queryset:
                try:
                    services.early_warning_acknowledge(acting_user=request.user, warning=warning, note=form.cleaned_data["note"])
                except ApplicationError as exc:
                    self.message_user(request, _("%(object)s：%(error)s") % {"object": warning, "error": exc.message},
                                      messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(request, _("已签收 %(count)d 份报告。") % {"count": done}, messages.SUCCESS)
            return None
        return self.action_page(request, queryset, form=form, title=_("签收苗头性事件报告"),
                                intro=_("以下报告将由组织部签收："), submit_label=_("签收"))


# --- Pre-post training --------------------------------------------------------------------------


@admin.register(TrainingRecord)
class TrainingRecordAdmin(PlacementColumns, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.training_records_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit")
    list_display = ["course", "cadre", "host_unit", "held_on", "hours", "score", "passed"]
    list_filter = ["passed", ("placement__program", ScopedRelatedFilter)]
    search_fields = ["course", "placement__cadre__name"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["placement"]
    fields = ["placement", "course", "held_on", "hours", "score", "passed"]

    def get_readonly_fields(self, request, obj=None):
        return ["placement"] if obj else []

    def can_change_object(self, request, obj):
        return services.is_staff_over_placement(request.user, obj.placement)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            record = services.training_record_update(
                acting_user=request.user, record=obj, **{name: data[name] for name in form.changed_data})
        else:
            record = services.training_record_create(
                acting_user=request.user, placement=data["placement"], course=data["course"], held_on=data["held_on"],
                hours=data["hours"], score=data.get("score"), passed=data.get("passed"),
            )
        object_adopt(obj, record)

    def delete_model(self, request, obj):
        services.training_record_delete(acting_user=request.user, record=obj)


# --- Temporary party branch (杭州) ---------------------------------------------------------------


@admin.register(PartyBranch)
class PartyBranchAdmin(M2MByServiceMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.party_branches_visible_to)
    scope_select_related = ("program",)
    list_display = ["name", "program", "host_unit", "established_on", "secretary"]
    list_filter = [("program", ScopedRelatedFilter)]
    search_fields = ["name", "program__name"]
    autocomplete_fields = ["secretary", "members", "host_unit"]
    fields = ["program", "name", "host_unit", "established_on", "secretary", "members"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program":
            kwargs["queryset"] = program_selectors.programs_managed_by(request.user).filter(
                policy__temporary_party_branch=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["program"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        return services.is_staff_over_program(request.user, obj.program)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in {"name", "established_on", "host_unit", "secretary"}}
            branch = services.party_branch_update(acting_user=request.user, branch=obj, members=data["members"], **changes)
        else:
            branch = services.party_branch_create(
                acting_user=request.user, program=data["program"], name=data["name"], established_on=data["established_on"],
                host_unit=data.get("host_unit"), secretary=data.get("secretary"), members=data["members"],
            )
        object_adopt(obj, branch)


@admin.register(BranchActivity)
class BranchActivityAdmin(M2MByServiceMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.branch_activities_visible_to)
    scope_select_related = ("branch",)
    list_display = ["topic", "branch", "held_on"]
    list_filter = [("branch", ScopedRelatedFilter)]
    search_fields = ["topic", "content", "branch__name"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["attendees"]
    fields = ["branch", "held_on", "topic", "content", "attendees"]

    def get_readonly_fields(self, request, obj=None):
        return ["branch"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        return services.is_staff_over_program(request.user, obj.branch.program)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in {"held_on", "topic", "content"}}
            activity = services.branch_activity_update(acting_user=request.user, activity=obj,
                                                       attendees=data["attendees"], **changes)
        else:
            activity = services.branch_activity_record(
                acting_user=request.user, branch=data["branch"], held_on=data["held_on"], topic=data["topic"],
                content=data.get("content", ""), attendees=data["attendees"],
            )
        object_adopt(obj, activity)


# --- Integrity undertaking ----------------------------------------------------------------------


@admin.register(IntegrityUndertaking)
class IntegrityUndertakingAdmin(GapReportMixin, ReadOnlyAdminMixin, PlacementColumns, ScopedAdmin, admin.ModelAdmin):
    """Confirmed by the cadre in the portal; staff read who has confirmed, and who has not."""

    gap_reports = [("missing", gettext_lazy("尚未确认承诺的干部"), "missing_report")]

    def missing_report(self, request) -> dict:
        placements = (
            selectors.undertakings_missing(program_selectors.placements_visible_to(request.user))
            .select_related("cadre", "program", "host_post__host_unit").order_by("program__name", "cadre__name")
        )
        return {
            "title": _("尚未确认勤政廉政承诺的挂职干部"),
            "intro": _("拟任或在岗、尚未在系统中确认勤政廉政承诺的挂职干部："),
            "headers": [_("挂职干部"), _("挂职项目"), _("挂职单位"), _("状态")],
            "rows": [
                (reverse("admin:programs_placement_change", args=[p.pk]),
                 [p.cadre.name, p.program, p.host_post.host_unit.name, p.get_status_display()])
                for p in placements
            ],
            "empty": _("所有拟任、在岗的挂职干部都已确认承诺。"),
        }

    scope_selector = staticmethod(selectors.integrity_undertakings_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit")
    list_display = ["cadre", "host_unit", "confirmed_at"]
    list_filter = [("placement__program", ScopedRelatedFilter)]
    search_fields = ["placement__cadre__name"]
    date_hierarchy = "confirmed_at"
