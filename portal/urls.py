from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("placements/", views.placement_list, name="placement_list"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
