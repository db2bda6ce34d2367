from django.urls import path

from . import views

app_name = "upperassessment"

urlpatterns = [
    path("", views.upper_list, name="list"),
    path("import/", views.upper_import, name="import"),
    path("<int:pk>/", views.upper_detail, name="detail"),
    path("<int:pk>/status/", views.upper_status, name="status"),
    path("<int:pk>/self-assessment.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/self-assessment.docx", views.export_docx, name="export_docx"),
    path("<int:pk>/evidence.zip", views.export_zip, name="export_zip"),
    path("items/<int:pk>/", views.item_page, name="item"),
    path("items/<int:pk>/assign/", views.item_assign, name="assign"),
    path("items/<int:pk>/review/", views.item_review, name="review"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
