from django.urls import path

from . import views, views_audit

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views_audit.audit_list, name="audit_list"),
    path("audit/export/", views_audit.audit_export, name="audit_export"),
    path("audit/verify/", views_audit.audit_verify_view, name="audit_verify"),
    path("audit/<int:pk>/", views_audit.audit_detail, name="audit_detail"),
]
