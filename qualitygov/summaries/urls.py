from django.urls import path

from . import views

app_name = "summaries"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/district/", views.district, name="district"),
    path("rounds/<int:pk>/district/generate/", views.district_generate, name="district_generate"),
    path("rounds/<int:pk>/district/finalise/", views.district_finalise, name="district_finalise"),
    path("rounds/<int:pk>/district.docx", views.district_export, name="district_docx"),
    path("units/<int:pk>/", views.unit_summary, name="unit_summary"),
    path("units/<int:pk>/review/", views.unit_review, name="unit_review"),
    path("units/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("units/<int:pk>/evidence/<int:file_pk>/", views.evidence_download, name="evidence_download"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
]
