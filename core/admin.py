from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditLog, ImportJob, Job


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by services, never edited. Superusers only."""

    list_display = ["created_at", "actor", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "actor__username", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Job)
class JobAdmin(AuditLogAdmin):
    list_display = ["created_at", "task_name", "status", "attempts", "sent_at", "finished_at"]
    list_filter = ["status", "task_name"]
    search_fields = ["task_name", "last_error"]
    list_select_related = []
    actions = ["resend"]

    @admin.action(description=_("重新发送所选任务"))
    def resend(self, request, queryset):
        from .jobs import job_dispatch

        sent = sum(job_dispatch(job_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, _("已发送 %(count)d 个任务。") % {"count": sent})


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Background imports: each staff user sees their own (superusers all), read-only; the
    change page shows progress and refreshes itself while the job runs."""

    list_display = ["created_at", "title", "original_name", "status", "processed_rows", "total_rows", "created_count",
                    "updated_count", "skipped_count", "finished_at"]
    list_filter = ["status", "title"]
    fields = ["title", "original_name", "status", "total_rows", "processed_rows", "created_count", "updated_count",
              "skipped_count", "error_list", "created_by", "created_at", "started_at", "finished_at"]
    readonly_fields = fields

    @admin.display(description=_("错误"))
    def error_list(self, obj):
        from django.utils.html import format_html_join

        if not obj.errors:
            return "—"
        return format_html_join("", "<div>{}</div>", ((line,) for line in obj.errors))

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("created_by")
        return queryset if request.user.is_superuser else queryset.filter(created_by=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
