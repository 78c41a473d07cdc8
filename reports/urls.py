from django.urls import include, path

from . import views

app_name = "reports"

urlpatterns = [
    # The cadre's reports: list, page, writing (reports.views).
    path("", views.report_list, name="list"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/autosave/", views.report_autosave, name="autosave"),
    path("<int:pk>/attachments/", views.report_attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/remove/", views.report_attachment_remove, name="attachment_remove"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    # Comments by the host unit and the mentor (reports.views_review).
    path("", include("reports.urls_review")),
]
