from django.urls import path

from . import views, views_calendar, views_help, views_jobs, views_notifications, views_search

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("calendar/", views_calendar.calendar_year, name="calendar"),
    path("calendar/days/", views_calendar.calendar_day_save, name="calendar_day_save"),
    path("calendar/days/<str:date>/delete/", views_calendar.calendar_day_delete, name="calendar_day_delete"),
    path("search/", views_search.search, name="search"),
    path("help/", views_help.help_page, name="help"),
    path("notifications/", views_notifications.notification_list, name="notification_list"),
    path("notifications/settings/", views_notifications.notification_settings, name="notification_settings"),
    path("notifications/read-all/", views_notifications.notification_read_all, name="notification_read_all"),
    path("jobs/", views_jobs.job_list, name="job_list"),
    path("jobs/rows/", views_jobs.job_rows, name="job_rows"),
    path("jobs/<int:pk>/", views_jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views_jobs.job_progress, name="job_progress"),
    path("jobs/<int:pk>/retry/", views_jobs.job_retry_view, name="job_retry"),
    path("jobs/<int:pk>/download/", views_jobs.job_download, name="job_download"),
    path("notifications/<int:pk>/read/", views_notifications.notification_read, name="notification_read"),
]
