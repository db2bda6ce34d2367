"""`/api/v1/` and the OpenAPI schema. Each app contributes a router module `qualitygov.<app>.api.urls`."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path
from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from qualitygov.core.access import LOGIN, rule_allows
from qualitygov.core.api.base import ApiViewMixin
from qualitygov.core.security import CSP_HEADER, content_security_policy


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The OpenAPI document; machines may fetch it with their token."""

    access_rule = LOGIN

    def initial(self, request, *args, **kwargs):
        # Title and description in the request's language (Chinese by default; `?lang=en`, as the
        # generator reads it, for English). Set here, not in `get`, which carries the view's schema decoration.
        language = request.GET.get("lang") or translation.get_language()
        if language not in dict(settings.LANGUAGES):
            language = translation.get_language()
        with translation.override(language):
            self.custom_settings = {
                "TITLE": gettext("QualityGov platform API"),
                "DESCRIPTION": gettext("The REST API of the quality-strong district digital governance platform. "
                                       "Every list holds only the units and records the caller may see."),
            }
        super().initial(request, *args, **kwargs)


class DocsView(SpectacularRedocView):
    """Redoc over the schema, from bundled static files only (intranets have no internet).

    A page for people: anyone not allowed by the rule is sent to the sign-in page. Redoc runs its
    search in a web worker made from a blob: this page alone allows `worker-src blob:`.
    """

    access_rule = LOGIN
    template_name = "core/api_docs.html"

    def dispatch(self, request, *args, **kwargs):
        # Before DRF's own handling, so every method from a signed-out browser goes to sign in.
        if not rule_allows(self.access_rule, request.user):
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response[CSP_HEADER] = content_security_policy(worker_src="'self' blob:")
        return response


urlpatterns = [
    path("v1/", include("qualitygov.accounts.api.urls")),
    path("v1/", include("qualitygov.core.api.urls")),
    path("v1/", include("qualitygov.plans.api.urls")),
    path("v1/", include("qualitygov.indicators.api.urls")),
    path("v1/", include("qualitygov.progress.api.urls")),
    path("v1/", include("qualitygov.audit.api.urls")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
]
