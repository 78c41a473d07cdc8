from django.urls import include, path

from . import views

app_name = "daily"

urlpatterns = [
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/new/", views.leave_create, name="leave_create"),
    path("leave/<int:pk>/", views.leave_detail, name="leave_detail"),
    # Violations, attendance, inspections seen by host units, problems (daily.views_supervision).
    path("", include("daily.urls_supervision")),
]
