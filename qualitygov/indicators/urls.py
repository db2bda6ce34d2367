from django.urls import path

from . import views

app_name = "indicators"

urlpatterns: list = [
    # Dashboards
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("<int:pk>/export.xlsx", views.indicator_xlsx, name="indicator_xlsx"),
    path("<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("new/", views.indicator_create, name="indicator_create"),
    path("<int:pk>/retire/", views.indicator_retire, name="indicator_retire"),
    path("<int:pk>/reinstate/", views.indicator_reinstate, name="indicator_reinstate"),
    path("units/<int:pk>/", views.unit_page, name="unit_page"),
    path("units/<int:pk>/export.xlsx", views.unit_xlsx, name="unit_xlsx"),
    # Data entry and review
    path("periods/<int:period>/units/<int:unit>/entry/", views.observation_entry, name="observation_entry"),
    path("observations/<int:pk>/", views.observation_detail, name="observation_detail"),
    path("observations/<int:pk>/evidence/<int:attachment>/", views.evidence_download, name="evidence_download"),
    path("observations/<int:pk>/submit/", views.observation_submit, name="observation_submit"),
    path("observations/<int:pk>/withdraw/", views.observation_withdraw, name="observation_withdraw"),
    path("observations/<int:pk>/return/", views.observation_return, name="observation_return"),
    path("observations/<int:pk>/approve/", views.observation_approve, name="observation_approve"),
    path("observations/<int:pk>/correction/", views.change_request_create, name="change_request_create"),
    path("corrections/<int:pk>/decide/", views.change_request_decide, name="change_request_decide"),
    path("review/", views.review, name="review"),
    path("review/export.xlsx", views.review_xlsx, name="review_xlsx"),
    # Excel round trip
    path("excel/", views.excel_template, name="excel_template"),
    path("excel/upload/", views.excel_upload, name="excel_upload"),
    path("excel/confirm/", views.excel_confirm, name="excel_confirm"),
]
