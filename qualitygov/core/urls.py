from django.urls import path

from . import views, views_help, views_notifications

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("help/", views_help.help_page, name="help"),
    path("notifications/", views_notifications.notification_list, name="notification_list"),
    path("notifications/read-all/", views_notifications.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views_notifications.notification_read, name="notification_read"),
]
