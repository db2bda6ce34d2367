"""Plan import pages, under /plans/import/ (the paths they had when they lived in `plans`)."""

from django.urls import path

from . import views

app_name = "planimport"

urlpatterns: list = [
    path("", views.import_list, name="import_list"),
    path("export.xlsx", views.import_export, name="import_export"),
    path("upload/", views.import_upload, name="import_upload"),
    path("<int:pk>/", views.import_review, name="import_review"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
]
