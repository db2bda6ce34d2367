from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.entity_list, name="list"),
    path("<int:pk>/", views.entity_detail, name="detail"),
    path("<int:pk>/edit/", views.entity_edit, name="edit"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("import/<int:pk>/file/", views.import_file, name="import_file"),
]
