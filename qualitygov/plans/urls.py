from django.urls import path

from . import views, views_import

app_name = "plans"

urlpatterns: list = [
    # Imports
    path("import/", views_import.import_list, name="import_list"),
    path("import/export.xlsx", views_import.import_export, name="import_export"),
    path("import/upload/", views_import.import_upload, name="import_upload"),
    path("import/<int:pk>/", views_import.import_review, name="import_review"),
    path("import/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("import/<int:pk>/cancel/", views_import.import_cancel, name="import_cancel"),
    # Workspace
    path("", views.plan_list, name="list"),
    path("export.xlsx", views.plan_list_xlsx, name="list_xlsx"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/breakdown.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/breakdown.docx", views.export_docx, name="export_docx"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("units/<int:pk>/", views.unit_tasks, name="unit_tasks"),
    path("units/<int:pk>/tasks.xlsx", views.unit_tasks_xlsx, name="unit_tasks_xlsx"),
]
