from django.urls import path

from . import views

app_name = "selection"

urlpatterns = [
    path("", views.selection_list, name="list"),
    path("<int:pk>/", views.selection_detail, name="detail"),
    path("<int:pk>/apply/", views.selection_apply, name="apply"),
    path("<int:pk>/nominate/", views.selection_nominate, name="nominate"),
    path("<int:pk>/recommend/", views.selection_recommend, name="recommend"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
]
