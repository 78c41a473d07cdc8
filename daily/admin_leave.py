"""Leave in the admin (R11): staff read every request in their scope and decide the ones routed
to their department (D1) — approve or refuse, or acknowledge a filing (D3). Requests are
written only by the cadre in the portal, so nothing here adds, edits or deletes a request."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin_mixins import ActionPageMixin, FlagFilter, PlacementColumns, ScopedAdmin, ScopedRelatedFilter, days_column
from core.exceptions import ApplicationError

from . import selectors
from .models import LeaveRequest, LeaveStep
from .services import leave as leave_services
from .services import leave_recount


class LeaveStepInline(admin.TabularInline):
    model = LeaveStep
    fields = ["acted_at", "action", "from_status", "to_status", "actor", "opinion"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AwaitingMeFilter(FlagFilter):
    title = gettext_lazy("待我办理")
    parameter_name = "awaiting"
    label = gettext_lazy("待我审批或备案")

    def narrow(self, request, queryset):
        return queryset.filter(pk__in=selectors.leave_requests_awaiting(request.user).values("pk"))


class OverdueFilter(FlagFilter):
    title = gettext_lazy("销假")
    parameter_name = "overdue"
    label = gettext_lazy("超期未销假")

    def narrow(self, request, queryset):
        return selectors.leave_requests_overdue(queryset)


class ScheduleReviewFilter(FlagFilter):
    """D3: requests past their first step whose count changed when the year's schedule arrived."""

    title = gettext_lazy("节假日安排")
    parameter_name = "schedule_review"
    label = gettext_lazy("节假日安排公布后待复核")

    def narrow(self, request, queryset):
        return queryset.filter(schedule_review=True)


class LeaveDecisionForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("不批准时必须填写。"),
    )

    def __init__(self, *args, opinion_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].required = opinion_required


@admin.register(LeaveRequest)
class LeaveRequestAdmin(PlacementColumns, ActionPageMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.leave_requests_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit")
    list_display = [
        "cadre", "host_unit", "kind", "start_date", "end_date", "days_listed", "is_backdated", "status", "route",
        "department", "return_state", "created_at",
    ]
    list_filter = [
        AwaitingMeFilter, OverdueFilter, ScheduleReviewFilter, "status", "is_backdated", "escalated", "escalation_mode",
        "kind",
        ("placement__program", ScopedRelatedFilter), ("placement__host_post__host_unit", ScopedRelatedFilter),
    ]
    list_select_related = ["department"]
    search_fields = ["placement__cadre__name", "=placement__cadre__id_number", "placement__host_post__host_unit__name", "reason"]
    search_help_text = gettext_lazy("按干部姓名、完整身份证号、挂职单位或事由查找。")
    search_help_text_restricted = gettext_lazy("按干部姓名、挂职单位或事由查找。")
    date_hierarchy = "start_date"
    inlines = [LeaveStepInline]
    actions = ["action_department_approve", "action_department_reject", "action_filing_acknowledge", "action_schedule_review"]
    fieldsets = [
        (None, {"fields": ["placement", "kind", "reason", "is_backdated", "late_reason", "status"]}),
        (gettext_lazy("时间（半天计 0.5 天）"), {"fields": [
            "start_date", "start_afternoon", "end_date", "end_noon", "days_shown", "schedule_review", "actual_return_date",
            "actual_return_afternoon", "actual_days_shown",
        ]}),
        (gettext_lazy("审批路径"), {"fields": [
            "escalated", "escalation_mode", "department", "combined_days", "joined", "filing_acknowledged_at",
            "requested_by", "created_at", "decided_at",
        ]}),
    ]

    actual_days_shown = days_column(LeaveRequest, "actual_days")

    @admin.display(description=gettext_lazy("请假天数"), ordering="days")
    def days_shown(self, obj):
        return leave_recount.leave_days_display(obj)

    @admin.display(description=gettext_lazy("请假天数"), ordering="days")
    def days_listed(self, obj):
        """The list's short form; the whole sentence is its tooltip and on the request's page."""
        full, short = leave_recount.leave_days_display(obj), leave_recount.leave_days_display(obj, short=True)
        return full if full == short else format_html('<span title="{}">{}</span>', full, short)

    @admin.display(description=gettext_lazy("审批路径"))
    def route(self, obj):
        if obj.is_filing and not obj.filing_acknowledged_at:
            return _("%(route)s（待备案）") % {"route": obj.route_text}
        return obj.route_text

    @admin.display(description=gettext_lazy("连续的请假"))
    def joined(self, obj):
        return leave_services.leave_joined_text(obj) or "—"

    @admin.display(description=gettext_lazy("销假情况"))
    def return_state(self, obj):
        if obj.status == LeaveRequest.Status.RETURNED:
            late = leave_services.leave_return_overdue(obj)
            return _("%(day)s 返岗%(late)s") % {"day": obj.actual_return_date.isoformat(), "late": _("（超假）") if late else ""}
        if leave_services.leave_return_overdue(obj):
            return _("超期未销假")
        return "—"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in LeaveRequest._meta.fields] + ["joined", "days_shown", "actual_days_shown"]

    def has_add_permission(self, request):
        return False  # the cadre requests leave in the portal

    def has_delete_permission(self, request, obj=None):
        return False  # a request is withdrawn (撤销), never deleted: its trail stays

    # --- decisions of the department (D1, D3) ----------------------------------------------

    def _decide(self, request, queryset, *, title: str, done: str, opinion_required: bool, call):
        form = LeaveDecisionForm(request.POST if self.applying(request) else None, opinion_required=opinion_required)
        if self.applying(request) and form.is_valid():
            count = 0
            for leave in queryset:
                try:
                    call(leave, form.cleaned_data["opinion"])
                except ApplicationError as exc:
                    self.message_user(request, _("%(leave)s：%(error)s") % {"leave": leave, "error": exc.message}, messages.ERROR)
                else:
                    count += 1
            if count:
                self.message_user(request, _("%(done)s %(count)d 条请假。") % {"done": done, "count": count}, messages.SUCCESS)
            return None
        leaves = list(queryset)
        return self.action_page(
            request, leaves, form=form, title=title,
            intro=ngettext("对以下 %(count)d 条请假%(title)s：", "对以下 %(count)d 条请假%(title)s：", len(leaves))
            % {"count": len(leaves), "title": title},
            submit_label=title,
        )

    @admin.action(description=gettext_lazy("组织部批准"), permissions=["change"])
    def action_department_approve(self, request, queryset):
        return self._decide(
            request, queryset, title=_("批准"), done=_("已批准"), opinion_required=False,
            call=lambda leave, opinion: leave_services.leave_department_decide(
                acting_user=request.user, leave=leave, approve=True, opinion=opinion),
        )

    @admin.action(description=gettext_lazy("组织部不批准"), permissions=["change"])
    def action_department_reject(self, request, queryset):
        return self._decide(
            request, queryset, title=_("不批准"), done=_("已不批准"), opinion_required=True,
            call=lambda leave, opinion: leave_services.leave_department_decide(
                acting_user=request.user, leave=leave, approve=False, opinion=opinion),
        )

    @admin.action(description=gettext_lazy("组织部备案"), permissions=["change"])
    def action_filing_acknowledge(self, request, queryset):
        return self._decide(
            request, queryset, title=_("备案"), done=_("已备案"), opinion_required=False,
            call=lambda leave, opinion: leave_services.leave_filing_acknowledge(
                acting_user=request.user, leave=leave, opinion=opinion),
        )

    @admin.action(description=gettext_lazy("节假日安排公布后已复核"), permissions=["change"])
    def action_schedule_review(self, request, queryset):
        return self._decide(
            request, queryset, title=_("确认已复核"), done=_("已复核"), opinion_required=False,
            call=lambda leave, opinion: leave_recount.leave_schedule_review_done(
                acting_user=request.user, leave=leave, opinion=opinion),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Every field is read-only: the page shows the request and its trail; decisions are actions.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)
