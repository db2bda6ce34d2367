from django.urls import path

from . import views

app_name = "onestop"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_edit, name="new"),
    path("import/", views.request_import, name="import"),
    path("import-template/", views.import_template, name="import_template"),
    path("industries/", views.by_industry, name="industries"),
    path("rules/", views.rules, name="rules"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/assign/", views.request_assign, name="assign"),
    path("<int:pk>/done/", views.request_complete, name="complete"),
    path("<int:pk>/reopen/", views.request_reopen, name="reopen"),
    path("<int:pk>/delete/", views.request_delete, name="delete"),
]
