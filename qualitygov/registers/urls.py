"""Each register gets the same seven pages under its key (`registers:brands_list`, `…_detail`, …)."""

from django.urls import path

from . import views
from .registers import REGISTERS

app_name = "registers"

urlpatterns = [
    path("", views.home, name="home"),
    path("awards/<int:pk>/advance/", views.application_advance, name="awards_advance"),
    path("awards/<int:pk>/decide/", views.application_decide, name="awards_decide"),
    path("publicity/<int:pk>/evidence/", views.publicity_evidence_add, name="publicity_evidence_add"),
    path("publicity/<int:pk>/evidence/<int:file_pk>/", views.publicity_evidence, name="publicity_evidence"),
]

for _reg in REGISTERS:
    _k = {"register": _reg.key}
    urlpatterns += [
        path(f"{_reg.key}/", views.record_list, _k, name=f"{_reg.key}_list"),
        path(f"{_reg.key}/new/", views.record_edit, _k, name=f"{_reg.key}_new"),
        path(f"{_reg.key}/template/", views.import_template, _k, name=f"{_reg.key}_template"),
        path(f"{_reg.key}/import/", views.record_import, _k, name=f"{_reg.key}_import"),
        path(f"{_reg.key}/<int:pk>/", views.record_detail, _k, name=f"{_reg.key}_detail"),
        path(f"{_reg.key}/<int:pk>/edit/", views.record_edit, _k, name=f"{_reg.key}_edit"),
        path(f"{_reg.key}/<int:pk>/delete/", views.record_delete, _k, name=f"{_reg.key}_delete"),
    ]
