from django.urls import include, path

app_name = "reports"

urlpatterns = [
    # Comments by the host unit and the mentor (reports.views_review).
    path("", include("reports.urls_review")),
]
