from django.urls import path

from . import views

app_name = "leadership"

urlpatterns = [
    path("", views.group, name="group"),
    path("members/new/", views.member_edit, name="member_new"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("meetings/new/", views.meeting_edit, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/decisions/new/", views.decision_new, name="decision_new"),
    path("meetings/<int:pk>/minutes/", views.minutes_upload, name="minutes_upload"),
    path("meetings/<int:pk>/minutes/<int:file_pk>/", views.minutes_download, name="minutes_download"),
    path("meetings/<int:pk>/decisions.xlsx", views.meeting_xlsx, name="meeting_xlsx"),
]
