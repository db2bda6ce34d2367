from django.urls import path

from . import views

app_name = "workplans"

urlpatterns = [
    path("", views.work_plan_list, name="list"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_review, name="import_review"),
    path("import/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("<int:pk>/", views.work_plan_detail, name="detail"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/roll-over/", views.roll_over, name="roll_over"),
    path("<int:pk>/export.docx", views.export_docx, name="docx"),
    path("<int:pk>/export.xlsx", views.export_xlsx, name="xlsx"),
    path("key-points/<int:pk>/edit/", views.key_point_edit, name="key_point_edit"),
]
