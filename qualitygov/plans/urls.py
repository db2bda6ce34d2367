from django.urls import path

from . import views

app_name = "plans"

urlpatterns: list = [
    path("", views.plan_list, name="list"),
    path("export.xlsx", views.plan_list_xlsx, name="list_xlsx"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/breakdown.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/breakdown-job/", views.export_xlsx_job, name="export_xlsx_job"),
    path("<int:pk>/breakdown.docx", views.export_docx, name="export_docx"),
    path("tasks/", views.task_list, name="task_list"),
    path("<int:pk>/breakdown.pdf", views.export_pdf, name="export_pdf"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("units/<int:pk>/", views.unit_tasks, name="unit_tasks"),
    path("units/<int:pk>/tasks.xlsx", views.unit_tasks_xlsx, name="unit_tasks_xlsx"),
]
