"""`/api/v1/` and the OpenAPI schema. Each app contributes a router module `qualitygov.<app>.api.urls`."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from qualitygov.core.access import LOGIN


class SchemaView(SpectacularAPIView):
    access_rule = LOGIN


class DocsView(SpectacularRedocView):
    access_rule = LOGIN


urlpatterns = [
    path("v1/", include("qualitygov.accounts.api.urls")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
]
