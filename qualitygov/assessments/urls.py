from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/import/", views.scheme_import, name="scheme_import"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/new-version/", views.scheme_new_version, name="scheme_new_version"),
    path("schemes/<int:pk>/scheme.json", views.scheme_export, name="scheme_export"),
]

# Importing a scoring table (评分细则) with a review step.
from . import views_rules  # noqa: E402

urlpatterns += [
    path("schemes/rules/", views_rules.rules_upload, name="rules_upload"),
    path("schemes/rules/review/", views_rules.rules_review, name="rules_review"),
    path("schemes/rules/cancel/", views_rules.rules_cancel, name="rules_cancel"),
]
