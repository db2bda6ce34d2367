from django.urls import path

from . import views

app_name = "feeds"

urlpatterns = [
    path("", views.source_list, name="sources"),
    path("sources/<slug:key>/", views.source_detail, name="source"),
    path("sources/<slug:key>/owner/", views.source_owner, name="source_owner"),
    path("sources/<slug:key>/upload/", views.upload, name="upload"),
    path("files/", views.file_list, name="files"),
    path("files/<int:pk>/", views.file_detail, name="file_detail"),
    path("files/<int:pk>/commit/", views.file_commit, name="file_commit"),
    path("files/<int:pk>/discard/", views.file_discard, name="file_discard"),
    path("files/<int:pk>/download/", views.file_download, name="file_download"),
    path("figures/", views.figure_list, name="figures"),
]
