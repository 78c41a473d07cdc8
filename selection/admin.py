"""The selection procedure in the Chinese admin (R5–R7, D7).

Rows are scoped by role through ``selection.selectors`` (``ScopedAdmin``): staff see the
selections of their department's subtree, out of scope answers 404 (D6). Nothing is written
here: every step is an action that asks for its date and document on an intermediate page and
calls the step's service; a refusal is shown with the service's message.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_mixins import ActionPageMixin, ScopedAdmin, ScopedRelatedFilter, ServiceInline, object_adopt
from core.exceptions import ApplicationError
from core.import_admin import SpreadsheetExportAdminMixin, SpreadsheetImportAdminMixin
from programs import selectors as program_selectors
from programs.models import HostPost

from . import selectors, services
from .eligibility import eligibility_summary
from .admin_forms import AnnounceForm, DecideForm, NoticeForm, RecommendForm, ShortlistForm, StepForm
from .imports import exports as spreadsheet_exports
from .imports.forms import ApplicationConfirmImportForm, ApplicationImportForm
from .imports.resources import ApplicationResource
from .models import (
    Application,
    ApplicationStatusChange,
    DemandRequest,
    Objection,
    Selection,
    SelectionStep,
    UnitRecommendation,
)


class StepActionsMixin(ActionPageMixin):
    """Step actions: one service call per selected selection, each refusal reported."""

    def each_selection(self, request, queryset, call, done_message):
        """Call ``call(selection)`` per selected row; report each refusal and the successes."""
        done = 0
        for selection in queryset:
            try:
                call(selection)
            except ApplicationError as exc:
                self.message_user(
                    request, _("%(object)s：%(error)s") % {"object": selection, "error": exc.message}, messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)


# --- Selections ---------------------------------------------------------------------------------


class SelectionStepInline(ServiceInline, admin.TabularInline):
    """The history of stage moves: written only by the step services."""

    model = SelectionStep
    readonly_inline = True
    fields = ["from_stage", "to_stage", "effective_date", "document_number", "note", "actor", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ObjectionInlineForm(forms.ModelForm):
    """A new row records an objection; an existing one is resolved once (R7 step 6)."""

    class Meta:
        model = Objection
        fields = ["application", "received_on", "content", "upheld", "resolution"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("application", "received_on", "content"):
                self.fields[name].disabled = True
            if self.instance.is_resolved:
                for name in ("upheld", "resolution"):
                    self.fields[name].disabled = True
        else:
            for name in ("upheld", "resolution"):
                self.fields[name].disabled = True


class ObjectionInline(ServiceInline, admin.StackedInline):
    model = Objection
    form = ObjectionInlineForm
    extra = 0
    can_delete = False
    readonly_fields = ["recorded_by", "resolved_by", "resolved_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("application__cadre", "application__selection__program")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Objections are against the candidates of this selection made public (拟选派).
        candidates = Application.objects.none()
        if obj is not None:
            candidates = selectors.applications_visible_to(request.user).filter(selection=obj).select_related(
                "cadre", "selection__program"
            )
        formset.form.base_fields["application"].queryset = candidates
        return formset

    @classmethod
    def service_create(cls, request, obj):
        services.objection_record(
            acting_user=request.user, application=obj.application, received_on=obj.received_on, content=obj.content
        )

    @classmethod
    def service_update(cls, request, obj, changed_fields):
        if {"upheld", "resolution"} & set(changed_fields):
            services.objection_resolve(acting_user=request.user, objection=obj, upheld=obj.upheld, resolution=obj.resolution)


class SelectionAddForm(forms.ModelForm):
    class Meta:
        model = Selection
        fields = ["program"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = program_selectors.programs_managed_by(self.admin_request.user).filter(
            selection__isnull=True
        )


@admin.register(Selection)
class SelectionAdmin(StepActionsMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.selections_visible_to)
    scope_select_related = ("program",)
    list_display = [
        "program", "stage", "places", "application_count", "apply_from", "apply_until", "shortlist_meeting_on",
        "decision_meeting_on", "notice_start", "notice_end_shown",
    ]
    list_filter = ["stage", ("program", ScopedRelatedFilter)]
    search_fields = ["program__name", "announcement_number", "decision_document_number"]
    inlines = [ObjectionInline, SelectionStepInline]
    actions = ["action_announce", "action_notice_start", "action_conclude", "action_consolidate"]

    def get_queryset(self, request):
        # Subqueries, not joins: the filters read this queryset too and must not see grouped rows.
        posts = HostPost.objects.filter(program=OuterRef("program")).order_by().values("program")
        applications = Application.objects.filter(selection=OuterRef("pk")).order_by().values("selection")
        return super().get_queryset(request).annotate(
            _places=Coalesce(Subquery(posts.annotate(total=Sum("places")).values("total"), output_field=IntegerField()), 0),
            _applications=Coalesce(
                Subquery(applications.annotate(total=Count("pk")).values("total"), output_field=IntegerField()), 0
            ),
        )

    @admin.display(description=gettext_lazy("名额"), ordering="_places")
    def places(self, obj):
        return obj._places

    @admin.display(description=gettext_lazy("公示结束日期"), ordering="notice_end")
    def notice_end_shown(self, obj):
        if obj.notice_end is None:
            return "—"
        if obj.notice_end_provisional:
            return _("%(day)s（暂按法定节假日计算，待国务院公布安排后核定）") % {"day": obj.notice_end.isoformat()}
        return obj.notice_end.isoformat()

    @admin.display(description=gettext_lazy("报名人数"), ordering="_applications")
    def application_count(self, obj):
        return obj._applications

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SelectionAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["program"]})]
        return [
            (None, {"fields": ["program", "stage", "stage_changed_at"]}),
            (_("预告"), {"fields": ["announced_on", "announcement_number", "announcement_document", "apply_from",
                                   "apply_until", "scope_text", "standards"]}),
            (_("初步人选"), {"fields": ["shortlist_meeting_on", "shortlist_document_number", "shortfall_reason"]}),
            (_("常委会决定"), {"fields": ["decision_meeting_on", "decision_document_number"]}),
            (_("公示"), {"fields": ["notice_start", "notice_end_shown", "concluded_on"]}),
            (_("报名人选排序（资格审查与优先）"), {"fields": ["ranking"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Every field is written by a step action (services), never by this form.
        return [name for _title, options in self.get_fieldsets(request, obj) for name in options["fields"]]

    @admin.display(description=gettext_lazy("排序"))
    def ranking(self, obj):
        """The candidates as the shortlist meeting reads them: eligible first, by priority (R6)."""
        rows = getattr(obj, "_ranking_rows", [])
        if not rows:
            return _("暂无报名人选。")
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (rank, application.cadre.name, application.cadre.sending_unit.name, application.get_status_display(),
                 eligibility_summary(failures) if failures else _("符合"), f"{score.total}（{score}）")
                for rank, (application, failures, score) in enumerate(rows, start=1)
            ),
        )
        return format_html(
            '<table class="ranking"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            _("序号"), _("姓名"), _("派出单位"), _("状态"), _("资格审查"), _("优先分"), body,
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        # The ranking reads through the user's own scope; it travels on this request's object.
        applications = (
            selectors.applications_visible_to(request.user).filter(selection=obj)
            .exclude(status__in=[Application.Status.WITHDRAWN, Application.Status.NOT_RECOMMENDED])
            .select_related(*selectors.APPLICATION_RELATED).prefetch_related("cadre__resume_entries")
        )
        obj._ranking_rows = selectors.applications_ranked(applications)
        return obj

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        return selectors.selections_managed_by(request.user).filter(pk=obj.pk).exists()

    def save_model(self, request, obj, form, change):
        if not change:
            object_adopt(obj, services.selection_create(acting_user=request.user, program=form.cleaned_data["program"]))

    # --- step actions -----------------------------------------------------------------------

    def step_action(self, request, queryset, *, form_class, call, done, title, intro):
        """Ask for the step's input, then call ``call(selection, cleaned_data)`` per selection."""
        form = form_class(request.POST if self.applying(request) else None)
        if self.applying(request) and form.is_valid():
            self.each_selection(request, queryset, lambda selection: call(selection, form.cleaned_data), done)
            return None
        return self.action_page(request, queryset, form=form, title=title, intro=intro)

    @admin.action(description=gettext_lazy("发布预告"), permissions=["change"])
    def action_announce(self, request, queryset):
        return self.step_action(
            request, queryset, form_class=AnnounceForm,
            call=lambda selection, data: services.selection_announce(acting_user=request.user, selection=selection, **data),
            done=_("已发布 %(count)d 个选派工作的预告。"), title=_("发布预告"),
            intro=_("发布以下选派工作的预告（选派范围、条件、名额和报名时间）："),
        )

    @admin.action(description=gettext_lazy("开始公示"), permissions=["change"])
    def action_notice_start(self, request, queryset):
        return self.step_action(
            request, queryset, form_class=NoticeForm,
            call=lambda selection, data: services.selection_notice_start(
                acting_user=request.user, selection=selection, start=data["start"], end=data["end"],
            ),
            done=_("已对 %(count)d 个选派工作开始公示。"), title=_("开始公示"), intro=_("对以下选派工作的常委会决定进行公示："),
        )

    @admin.action(description=gettext_lazy("公示期满，生成拟任挂职安排"), permissions=["change"])
    def action_conclude(self, request, queryset):
        return self.step_action(
            request, queryset, form_class=forms.Form,
            call=lambda selection, data: services.selection_conclude(acting_user=request.user, selection=selection),
            done=_("已完成 %(count)d 个选派工作，拟选派人选已生成拟任挂职安排。"), title=_("完成选派"),
            intro=_("公示期满且异议均已处理的，将拟选派人选生成拟任挂职安排（全部成功或全部不生成）："),
        )

    @admin.action(description=gettext_lazy("汇总岗位需求"), permissions=["change"])
    def action_consolidate(self, request, queryset):
        return self.step_action(
            request, queryset, form_class=StepForm,
            call=lambda selection, data: services.demand_consolidate(
                acting_user=request.user, selection=selection, effective_date=data["effective_date"], note=data["note"],
            ),
            done=_("已汇总 %(count)d 个选派工作的岗位需求。"), title=_("汇总岗位需求"),
            intro=_("将已采纳的岗位需求汇总为项目的挂职岗位，结束需求调研："),
        )


# --- Applications (R5, R6, R7 steps 2–5) -----------------------------------------------------------


class EligibleFilter(admin.SimpleListFilter):
    """R5 per candidate. Eligibility is computed from the rows already read, not per row."""

    title = gettext_lazy("资格审查")
    parameter_name = "eligible"

    def lookups(self, request, model_admin):
        return [("yes", _("符合条件")), ("no", _("不符合条件"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        rows = queryset.select_related(*selectors.APPLICATION_RELATED)
        eligible = [a.pk for a in rows if not selectors.application_eligibility(a)]
        return queryset.filter(pk__in=eligible) if self.value() == "yes" else queryset.exclude(pk__in=eligible)


class ApplicationAddForm(forms.ModelForm):
    """Staff register a written application handed in on paper, or a unit's nomination."""

    class Meta:
        model = Application
        fields = ["selection", "cadre", "source", "preferred_post", "applied_on", "statement", "attachment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            (Application.Source.STAFF, Application.Source.STAFF.label),
            (Application.Source.UNIT, Application.Source.UNIT.label),
        ]
        self.fields["applied_on"].required = False
        self.fields["applied_on"].help_text = _("收到书面申请的日期；留空为今天。")


class ApplicationStatusChangeInline(ServiceInline, admin.TabularInline):
    model = ApplicationStatusChange
    readonly_inline = True
    fields = ["from_status", "to_status", "note", "actor", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ApplicationSpreadsheetMixin(SpreadsheetImportAdminMixin, SpreadsheetExportAdminMixin):
    """Candidate import for ONE selection chosen on the upload form (carried to the confirm
    step and re-checked there), and the export of the filtered changelist. No background
    import: a selection's candidates fit a web request, and a job would not know the selection."""

    resource_classes = [ApplicationResource]
    import_form_class = ApplicationImportForm
    confirm_form_class = ApplicationConfirmImportForm
    import_template_name = "admin/selection/application/import.html"
    export_builder = staticmethod(spreadsheet_exports.applications_export)
    export_stem = gettext_lazy("报名人选")

    def importable_selections(self, request):
        return selectors.selections_managed_by(request.user).filter(stage=Selection.Stage.ANNOUNCED).select_related(
            "program"
        )

    def get_import_form_kwargs(self, request):
        return {**super().get_import_form_kwargs(request), "selections": self.importable_selections(request)}

    def get_import_form_initial(self, request):
        return {**super().get_import_form_initial(request), "selection": request.GET.get("selection")}

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {**super().get_confirm_form_kwargs(request, import_form), "selections": self.importable_selections(request)}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["selection"] = import_form.cleaned_data["selection"].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "selection": getattr(form, "cleaned_data", {}).get("selection"),
        }

    def import_background_view(self, request):
        from django.http import Http404

        raise Http404


@admin.register(Application)
class ApplicationAdmin(ApplicationSpreadsheetMixin, StepActionsMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.applications_visible_to)
    scope_select_related = selectors.APPLICATION_RELATED
    list_display = [
        "cadre", "sending_unit", "program", "source", "status", "preferred_post", "eligibility", "priority",
        "chosen_post", "applied_on",
    ]
    list_filter = [
        ("selection__stage", admin.ChoicesFieldListFilter), "status", "source", EligibleFilter,
        ("selection__program", ScopedRelatedFilter),
    ]
    search_fields = ["cadre__name", "=cadre__id_number", "cadre__sending_unit__name"]
    search_help_text = gettext_lazy("按干部姓名、完整身份证号或派出单位查找。")
    search_help_text_restricted = gettext_lazy("按干部姓名或派出单位查找。")
    autocomplete_fields = ["cadre"]
    inlines = [ApplicationStatusChangeInline]
    actions = ["action_recommend", "action_shortlist", "action_decide"]

    def get_queryset(self, request):
        # Priority reads the résumé (R6): one prefetch per page, not a query per row.
        return super().get_queryset(request).prefetch_related("cadre__resume_entries")

    @admin.display(description=gettext_lazy("派出单位"), ordering="cadre__sending_unit__name")
    def sending_unit(self, obj):
        return obj.cadre.sending_unit

    @admin.display(description=gettext_lazy("挂职项目"), ordering="selection__program__name")
    def program(self, obj):
        return obj.selection.program

    @admin.display(description=gettext_lazy("资格审查"))
    def eligibility(self, obj):
        failures = selectors.application_eligibility(obj)
        if not failures:
            return "✓"
        return "；".join(f.message for f in failures)

    @admin.display(description=gettext_lazy("优先分"))
    def priority(self, obj):
        score = selectors.application_priority(obj)
        return format_html('<span title="{}">{}</span>', str(score) or _("无加分项"), score.total)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApplicationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "selection":
            kwargs["queryset"] = selectors.selections_managed_by(request.user).filter(
                stage=Selection.Stage.ANNOUNCED
            ).select_related("program")
        if db_field.name == "preferred_post":
            kwargs["queryset"] = program_selectors.host_posts_visible_to(request.user).select_related("host_unit")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": list(ApplicationAddForm.Meta.fields)})]
        return [
            (None, {"fields": ["selection", "cadre", "source", "status", "applied_on", "preferred_post", "chosen_post",
                               "placement"]}),
            (_("申请"), {"fields": ["statement", "attachment", "recommendation"]}),
            (_("资格审查与优先"), {"fields": ["eligibility", "priority", "eligibility_failures",
                                               "eligibility_override_reason"]}),
            (_("记录"), {"fields": ["registered_by", "status_changed_at", "created_at"], "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [name for _title, options in self.get_fieldsets(request, obj) for name in options["fields"]]

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        return selectors.selections_managed_by(request.user).filter(pk=obj.selection_id).exists()

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing on this form is editable; statuses move through the actions
        values = form.cleaned_data
        application = services.application_create(
            acting_user=request.user, selection=values["selection"], cadre=values["cadre"], source=values["source"],
            statement=values.get("statement") or "", attachment=values.get("attachment") or None,
            preferred_post=values.get("preferred_post"), applied_on=values.get("applied_on"),
        )
        object_adopt(obj, application)

    # --- step actions -------------------------------------------------------------------------

    def _one_selection(self, request, applications) -> bool:
        if len({a.selection_id for a in applications}) != 1:
            self.message_user(request, _("请只选择同一选派工作中的人选。"), messages.ERROR)
            return False
        return True

    @admin.action(description=gettext_lazy("录入单位推荐（按派出单位）"), permissions=["change"])
    def action_recommend(self, request, queryset):
        applications = list(queryset)
        if not self._one_selection(request, applications):
            return None
        form = RecommendForm(request.POST if self.applying(request) else None)
        if self.applying(request) and form.is_valid():
            by_unit = {}
            for application in applications:
                by_unit.setdefault(application.cadre.sending_unit, []).append(application)
            for unit, chosen in by_unit.items():
                try:
                    services.unit_recommendation_record(
                        acting_user=request.user, selection=chosen[0].selection, sending_unit=unit,
                        meeting_on=form.cleaned_data["meeting_on"], report_text=form.cleaned_data["report_text"],
                        recommended=chosen,
                    )
                except ApplicationError as exc:
                    self.message_user(request, _("%(object)s：%(error)s") % {"object": unit, "error": exc.message}, messages.ERROR)
                else:
                    self.message_user(
                        request, _("已录入%(unit)s推荐 %(count)d 人。") % {"unit": unit, "count": len(chosen)}, messages.SUCCESS
                    )
            return None
        return self.action_page(request, applications, form=form, title=_("录入单位推荐"),
                                intro=_("以下人选经派出单位党委（党组）会议研究推荐："))

    @admin.action(description=gettext_lazy("确定初步人选"), permissions=["change"])
    def action_shortlist(self, request, queryset):
        applications = list(queryset)
        if not self._one_selection(request, applications):
            return None
        form = ShortlistForm(request.POST if self.applying(request) else None, applications=applications)
        if self.applying(request) and form.is_valid():
            try:
                services.selection_shortlist(
                    acting_user=request.user, selection=applications[0].selection, applications=applications,
                    meeting_on=form.cleaned_data["meeting_on"], document_number=form.cleaned_data["document_number"],
                    shortfall_reason=form.cleaned_data["shortfall_reason"], overrides=form.overrides(),
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request, _("已确定 %(count)d 名初步人选。") % {"count": len(applications)}, messages.SUCCESS
                )
                return None
        return self.action_page(
            request, applications, form=form, title=_("确定初步人选"),
            intro=_("以下人选列为初步人选，其余报名人选为未入选。差额比例按项目政策计算："),
        )

    @admin.action(description=gettext_lazy("常委会决定拟选派人选"), permissions=["change"])
    def action_decide(self, request, queryset):
        applications = list(queryset)
        if not self._one_selection(request, applications):
            return None
        posts = program_selectors.host_posts_visible_to(request.user).select_related("host_unit")
        form = DecideForm(request.POST if self.applying(request) else None, applications=applications, posts=posts)
        if self.applying(request) and form.is_valid():
            try:
                services.selection_decide(
                    acting_user=request.user, selection=applications[0].selection, choices=form.choices(applications),
                    meeting_on=form.cleaned_data["meeting_on"], document_number=form.cleaned_data["document_number"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request, _("常委会已决定 %(count)d 名拟选派人选。") % {"count": len(applications)}, messages.SUCCESS
                )
                return None
        return self.action_page(
            request, applications, form=form, title=_("常委会决定"),
            intro=_("以下初步人选确定为拟选派人选，其余初步人选为未入选："),
        )


# --- Demand survey, recommendations (R7 steps 0 and 3) ----------------------------------------------


class DemandRequestAddForm(forms.ModelForm):
    class Meta:
        model = DemandRequest
        fields = ["selection", "host_unit", "post_title", "duties", "wanted_background", "places", "term_months"]


@admin.register(DemandRequest)
class DemandRequestAdmin(ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.demand_requests_visible_to)
    scope_select_related = ("host_unit",)
    list_display = ["post_title", "host_unit", "selection", "places", "term_months", "status", "host_post", "submitted_at"]
    list_filter = ["status", ("selection__program", ScopedRelatedFilter)]
    list_select_related = ["selection__program", "host_post__host_unit"]
    search_fields = ["post_title", "host_unit__name"]
    autocomplete_fields = ["host_unit"]
    actions = ["action_accept", "action_reject", "action_consolidate"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = DemandRequestAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "selection":
            kwargs["queryset"] = selectors.selections_managed_by(request.user).filter(
                stage=Selection.Stage.SURVEY
            ).select_related("program")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in DemandRequest._meta.concrete_fields if f.name != "id"]

    def has_delete_permission(self, request, obj=None):
        return False

    def can_change_object(self, request, obj):
        return selectors.selections_managed_by(request.user).filter(pk=obj.selection_id).exists()

    def save_model(self, request, obj, form, change):
        if change:
            return
        values = {k: v for k, v in form.cleaned_data.items() if k in DemandRequestAddForm.Meta.fields}
        object_adopt(obj, services.demand_request_submit(acting_user=request.user, **values))

    def _decide(self, request, queryset, accept: bool):
        done = 0
        for demand in queryset:
            try:
                services.demand_request_decide(acting_user=request.user, demand_request=demand, accept=accept)
            except ApplicationError as exc:
                self.message_user(request, _("%(object)s：%(error)s") % {"object": demand, "error": exc.message}, messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("已处理 %(count)d 条岗位需求。") % {"count": done}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("采纳"), permissions=["change"])
    def action_accept(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=gettext_lazy("不采纳"), permissions=["change"])
    def action_reject(self, request, queryset):
        self._decide(request, queryset, False)

    @admin.action(description=gettext_lazy("汇总为挂职岗位"), permissions=["change"])
    def action_consolidate(self, request, queryset):
        selection_ids = set(queryset.values_list("selection_id", flat=True))
        for selection in selectors.selections_visible_to(request.user).filter(pk__in=selection_ids):
            try:
                posts = services.demand_consolidate(acting_user=request.user, selection=selection)
            except ApplicationError as exc:
                self.message_user(
                    request, _("%(object)s：%(error)s") % {"object": selection, "error": exc.message}, messages.ERROR
                )
            else:
                self.message_user(
                    request, _("%(object)s：已汇总为 %(count)d 个挂职岗位。") % {"object": selection, "count": len(posts)},
                    messages.SUCCESS,
                )


@admin.register(UnitRecommendation)
class UnitRecommendationAdmin(ScopedAdmin, admin.ModelAdmin):
    """Read here; recorded through the applications' action (R7 step 3)."""

    scope_selector = staticmethod(selectors.recommendations_visible_to)
    scope_select_related = ("sending_unit", "selection__program")
    list_display = ["sending_unit", "selection", "meeting_on", "recorded_by", "recorded_at"]
    list_filter = [("selection__program", ScopedRelatedFilter)]
    list_select_related = ["recorded_by"]
    search_fields = ["sending_unit__name", "report_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
