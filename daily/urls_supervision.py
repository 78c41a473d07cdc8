"""The host unit's supervision pages, under /portal/daily/ in the ``daily`` namespace."""

from django.urls import path

from . import views_supervision as views

urlpatterns = [
    path("attendance/", views.attendance_list, name="attendance_list"),
    path("attendance/<int:placement_id>/<int:year>/<int:month>/", views.attendance_confirm, name="attendance_confirm"),
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/new/", views.violation_create, name="violation_create"),
    path("checks/", views.check_list, name="check_list"),
]
