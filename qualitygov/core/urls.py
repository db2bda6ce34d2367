from django.urls import path

from . import views, views_calendar, views_notifications

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("calendar/", views_calendar.calendar_year, name="calendar"),
    path("calendar/days/", views_calendar.calendar_day_save, name="calendar_day_save"),
    path("calendar/days/<str:date>/delete/", views_calendar.calendar_day_delete, name="calendar_day_delete"),
    path("notifications/", views_notifications.notification_list, name="notification_list"),
    path("notifications/read-all/", views_notifications.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views_notifications.notification_read, name="notification_read"),
]
