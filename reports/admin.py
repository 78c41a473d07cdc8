"""Reports in the admin (R12, R15, D1): staff read every report in their scope, filter by
program, host unit, kind, state and deadline, export the list, print a version, and accept or
return submitted reports through the review services. What the cadre wrote is never edited
here: every field is read-only and nothing is added or deleted."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_mixins import ActionPageMixin, FlagFilter, PlacementColumns, ScopedAdmin, ScopedRelatedFilter
from core.exceptions import ApplicationError
from core.import_admin import SpreadsheetExportAdminMixin

from . import exports, selectors
from .forms_review import ReportAcceptForm, ReportReturnForm
from .models import DeadlineState, Report, ReportAttachment, ReportReminder, ReportReview, ReportVersion
from .services import review as review_services

S = Report.Status


# --- Filters (R12) -------------------------------------------------------------------------------


def deadline_state_filter(state: str, today) -> Q:
    """The rows whose ``Report.deadline_state(today)`` is ``state``, as a database filter."""
    not_cancelled = ~Q(status=S.CANCELLED)
    unsubmitted = Q(first_submitted_at__isnull=True)
    if state == DeadlineState.DUE:
        return not_cancelled & unsubmitted & Q(due_date__gte=today)
    if state == DeadlineState.MISSING:
        return not_cancelled & unsubmitted & Q(due_date__lt=today)
    if state == DeadlineState.ON_TIME:
        return not_cancelled & Q(first_submitted_at__isnull=False, first_submitted_at__date__lte=F("due_date"))
    if state == DeadlineState.LATE:
        return not_cancelled & Q(first_submitted_at__date__gt=F("due_date"))
    return Q(pk__in=[])


class LateFilter(FlagFilter):
    title = gettext_lazy("逾期")
    parameter_name = "late"
    label = gettext_lazy("逾期提交或逾期未交")

    def narrow(self, request, queryset):
        return queryset.filter(selectors.reports_late_filter(timezone.localdate()))


class DeadlineStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("按期情况")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return list(DeadlineState.choices)

    def queryset(self, request, queryset):
        if self.value() in DeadlineState.values:
            return queryset.filter(deadline_state_filter(self.value(), timezone.localdate()))
        return queryset


# --- Read-only inlines -----------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportVersionInline(ReadOnlyInline):
    model = ReportVersion
    fields = ["number", "submitted_at", "submitted_by", "print_link"]
    verbose_name_plural = gettext_lazy("提交版本")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("submitted_by")

    @admin.display(description=gettext_lazy("打印"))
    def print_link(self, obj):
        url = reverse("admin:reports_report_print", args=[obj.report_id])
        return format_html('<a href="{}?version={}" target="_blank">{}</a>', url, obj.number, _("打印本版"))


class ReportReviewInline(ReadOnlyInline):
    model = ReportReview
    fields = ["created_at", "version_number", "kind", "role", "author", "text"]
    verbose_name_plural = gettext_lazy("评阅与审核")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version", "author")

    @admin.display(description=gettext_lazy("版本"))
    def version_number(self, obj):
        return obj.version.number


class ReportAttachmentInline(ReadOnlyInline):
    model = ReportAttachment
    fields = ["download", "size", "version_number", "uploaded_at"]
    verbose_name_plural = gettext_lazy("附件")

    def get_queryset(self, request):
        # Attachments still in the draft are the cadre's work in progress, not yet submitted.
        return super().get_queryset(request).filter(version__isnull=False).select_related("version")

    @admin.display(description=gettext_lazy("文件"))
    def download(self, obj):
        # file.url goes through /files/, which checks access again (core.files).
        return format_html('<a href="{}">{}</a>', obj.file.url, obj.original_name)

    @admin.display(description=gettext_lazy("所属版本"))
    def version_number(self, obj):
        return obj.version.number if obj.version_id else "—"


class ReportReminderInline(ReadOnlyInline):
    model = ReportReminder
    fields = ["kind", "for_date", "sent_at"]
    verbose_name_plural = gettext_lazy("催报提醒")


# --- The report admin --------------------------------------------------------------------------------


@admin.register(Report)
class ReportAdmin(PlacementColumns, SpreadsheetExportAdminMixin, ActionPageMixin, ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(selectors.reports_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit", "placement__program")
    export_builder = staticmethod(exports.reports_export)
    export_stem = gettext_lazy("书面报告")
    list_display = [
        "cadre", "host_unit", "program", "report_label", "period", "due_date", "status", "deadline",
        "submitted_at",
    ]
    list_filter = [
        ("placement__program", ScopedRelatedFilter),
        ("placement__host_post__host_unit", ScopedRelatedFilter),
        "kind", "status", LateFilter, DeadlineStateFilter,
    ]
    search_fields = ["placement__cadre__name"]
    search_help_text = gettext_lazy("按干部姓名查找。")
    date_hierarchy = "due_date"
    ordering = ["due_date", "placement__cadre__name", "id"]
    inlines = [ReportVersionInline, ReportReviewInline, ReportAttachmentInline, ReportReminderInline]
    actions = ["action_accept", "action_return"]
    fieldsets = [
        (None, {"fields": ["cadre", "host_unit", "program", "report_label", "period", "due_date", "status", "deadline"]}),
        (gettext_lazy("提交"), {"fields": ["first_submitted_at", "submitted_at", "version_count", "print_link", "content"]}),
        (gettext_lazy("审核"), {"fields": ["decided_at", "decided_by", "return_reason", "cancelled_reason"]}),
    ]

    # --- columns ------------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("挂职项目"), ordering="placement__program__name")
    def program(self, obj):
        return obj.placement.program

    @admin.display(description=gettext_lazy("报告"), ordering="kind")
    def report_label(self, obj):
        return obj.label

    @admin.display(description=gettext_lazy("所属期间"), ordering="period_start")
    def period(self, obj):
        return obj.period_text

    @admin.display(description=gettext_lazy("按期情况"))
    def deadline(self, obj):
        return exports.deadline_state_label(obj, timezone.localdate()) or "—"

    @admin.display(description=gettext_lazy("版本数"))
    def version_count(self, obj):
        return obj.versions.count()

    @admin.display(description=gettext_lazy("打印"))
    def print_link(self, obj):
        if obj.submitted_at is None:
            return "—"
        return format_html('<a href="{}" target="_blank">{}</a>', reverse("admin:reports_report_print", args=[obj.pk]),
                           _("打印最新版本"))

    @admin.display(description=gettext_lazy("最新版本内容"))
    def content(self, obj):
        version = obj.versions.order_by("-number").first()
        if version is None:
            return _("尚未提交。")
        # Escaped by linebreaksbr; the cadre's text is plain text, never markup.
        return format_html_join(
            "", "<h4>{}</h4><p>{}</p>",
            ((heading, linebreaksbr(version.sections.get(key, ""), autoescape=True))
             for key, heading in obj.sections),
        )

    # --- read only ----------------------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def has_add_permission(self, request):
        return False  # reports are scheduled from the placement (D5)

    def has_delete_permission(self, request, obj=None):
        return False  # a report's trail stays; an early end cancels it instead

    def has_change_permission(self, request, obj=None):
        # The change permission lets staff decide (the actions); a report page itself is read
        # only — staff never edit what the cadre wrote.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    # --- decisions (R12, R15) -----------------------------------------------------------------------

    def _apply(self, request, queryset, *, done: str, call) -> int:
        count = 0
        for report in queryset.select_related(*self.scope_select_related):
            try:
                call(report)
            except ApplicationError as exc:  # refusals, 403s included, are shown per report
                self.message_user(request, _("%(report)s：%(error)s") % {"report": report, "error": exc.message},
                                  messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, _("%(done)s %(count)d 份报告。") % {"done": done, "count": count}, messages.SUCCESS)
        return count

    def _decide(self, request, queryset, *, form_class, title: str, intro: str, done: str, call):
        """A decision through its action page: the page with ``form_class`` first, then ``call``
        (report, the form's cleaned data) for each selected report."""
        form = form_class(request.POST if self.applying(request) else None)
        if self.applying(request) and form.is_valid():
            self._apply(request, queryset, done=done, call=lambda report: call(report, form.cleaned_data))
            return None
        reports = list(queryset.select_related(*self.scope_select_related))
        return self.action_page(request, reports, form=form, title=title, intro=intro % {"count": len(reports)},
                                submit_label=title)

    @admin.action(description=gettext_lazy("审核通过"), permissions=["change"])
    def action_accept(self, request, queryset):
        return self._decide(
            request, queryset, form_class=ReportAcceptForm, title=_("审核通过"),
            intro=_("审核通过以下 %(count)d 份报告，可填写审核意见："), done=_("已审核通过"),
            call=lambda report, data: review_services.report_accept(
                acting_user=request.user, report=report, note=data["note"]),
        )

    @admin.action(description=gettext_lazy("退回修改"), permissions=["change"])
    def action_return(self, request, queryset):
        return self._decide(
            request, queryset, form_class=ReportReturnForm, title=_("退回修改"),
            intro=_("退回以下 %(count)d 份报告，请填写退回原因："), done=_("已退回"),
            call=lambda report, data: review_services.report_return(
                acting_user=request.user, report=report, reason=data["reason"]),
        )

    # --- print (R12, R20) ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("<int:pk>/print/", self.admin_site.admin_view(self.print_view), name="reports_report_print"),
        ] + super().get_urls()

    def print_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(
            self.get_queryset(request).select_related(
                "placement__cadre__sending_unit", "placement__host_post__host_unit", "placement__program", "decided_by",
            ),
            pk=pk,
        )
        versions = report.versions.annotate(review_count=Count("reviews"))
        number = request.GET.get("version")
        if number:
            if not number.isdigit():
                raise Http404(_("未找到该版本。"))
            version = get_object_or_404(versions, number=int(number))
        else:
            version = versions.order_by("-number").first()
        context = {
            "report": report,
            "placement": report.placement,
            "version": version,
            "version_total": report.versions.count(),
            "sections": [(heading, version.sections.get(key, "")) for key, heading in report.sections]
            if version else [],
            "reviews": list(version.reviews.select_related("author")) if version else [],
            "attachments": list(version.attachments.all()) if version else [],
            "deadline": exports.deadline_state_label(report, timezone.localdate()),
            "printed_at": timezone.localtime(),
            "printed_by": request.user,
        }
        return TemplateResponse(request, "reports/print.html", context)
