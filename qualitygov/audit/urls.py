from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_list, name="list"),
    path("export/", views.audit_export, name="export"),
    path("verify/", views.audit_verify_view, name="verify"),
    path("<int:pk>/", views.audit_detail, name="detail"),
]
