"""Performance archive versions in the admin (R20, D8): read-only, organisation-department
staff only, and the PDF link only for users with the download permission."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ScopedAdmin, ScopedRelatedFilter

from .models import ArchiveVersion
from .selectors import archive_versions_visible_to


@admin.register(ArchiveVersion)
class ArchiveVersionAdmin(ScopedAdmin, admin.ModelAdmin):
    scope_selector = staticmethod(archive_versions_visible_to)
    scope_select_related = ("placement__cadre", "placement__host_post__host_unit")
    list_display = ["placement", "version", "short_hash", "generated_by", "generated_at"]
    list_filter = [("placement__program", ScopedRelatedFilter)]
    search_fields = ["placement__cadre__name", "=placement__cadre__id_number", "=content_hash"]
    list_select_related = ["placement__cadre", "placement__host_post__host_unit", "generated_by"]
    readonly_fields = ["placement", "version", "content_hash", "download", "download_withheld", "generated_by", "generated_at"]

    @admin.display(description=_("内容摘要"))
    def short_hash(self, obj):
        return obj.content_hash[:12]

    @admin.display(description=_("PDF 文件"))
    def download(self, obj):
        if not obj.pdf:
            return _("尚未生成")
        return format_html('<a href="{}">{}</a>', obj.pdf.url, _("下载"))

    @admin.display(description=_("PDF 文件"))
    def download_withheld(self, obj):
        return _("无下载权限")

    def get_fields(self, request, obj=None):
        # D8: the archive feeds the personnel dossier; only holders of the permission get the file.
        file_field = "download" if request.user.has_perm("archives.download_archive") else "download_withheld"
        return ["placement", "version", "content_hash", file_field, "generated_by", "generated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
