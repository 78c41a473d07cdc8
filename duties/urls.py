from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("placement/<int:pk>/", views.placement_duties, name="placement_duties"),
    path("placement/<int:pk>/duties/", views.duties_set, name="duties_set"),
    path("placement/<int:pk>/cases/", views.case_open, name="case_open"),
    path("placement/<int:pk>/cards/", views.card_report, name="card_report"),
    path("placement/<int:pk>/warnings/", views.warning_report, name="warning_report"),
    path("placement/<int:pk>/undertaking/", views.undertaking, name="undertaking"),
    path("cases/<int:pk>/progress/", views.case_progress, name="case_progress"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cards/<int:pk>/acknowledge/", views.card_acknowledge, name="card_acknowledge"),
    path("warnings/<int:pk>/acknowledge/", views.warning_acknowledge, name="warning_acknowledge"),
    path("reports/", views.report_list, name="reports"),
]
