from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core.views import admin_view_on_site, healthz, protected_file

admin.site.site_header = "干部挂职锻炼管理系统"
admin.site.site_title = "干部挂职锻炼管理系统"
admin.site.index_title = "组织部工作台"

# Chinese error pages in the admin's look for staff and the portal's for everyone else (core.views).
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    # Before the admin's own "r/" route, which answers a malformed UUID with a server error.
    path("admin/r/<path:content_type_id>/<path:object_id>/", admin.site.admin_view(admin_view_on_site)),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("portal/", include("portal.urls")),
    path("portal/selection/", include("selection.urls")),
    path("portal/daily/", include("daily.urls")),
    path("portal/duties/", include("duties.urls")),
    path("portal/reports/", include("reports.urls")),
    path("healthz", healthz, name="healthz"),
    # Uploaded files only through the access check, in DEBUG too (core.files).
    path("files/<path:name>", protected_file, name="protected_file"),
]
