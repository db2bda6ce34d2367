from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from qualitygov.core.access import PUBLIC, access

handler400 = "qualitygov.core.api.errors.api_bad_request"
handler404 = "qualitygov.core.api.errors.api_page_not_found"

urlpatterns = [
    path("i18n/setlang/", access(PUBLIC)(set_language), name="set_language"),
    path("accounts/", include("qualitygov.accounts.urls")),
    path("plans/import/", include("qualitygov.planimport.urls")),
    path("plans/", include("qualitygov.plans.urls")),
    path("progress/", include("qualitygov.progress.urls")),
    path("indicators/", include("qualitygov.indicators.urls")),
    path("audit/", include("qualitygov.audit.urls")),
    path("leadership/", include("qualitygov.leadership.urls")),
    path("upper-reports/", include("qualitygov.upperreports.urls")),
    path("summaries/", include("qualitygov.summaries.urls")),
    path("workplans/", include("qualitygov.workplans.urls")),
    path("assessments/", include("qualitygov.assessments.urls")),
    path("upper-assessment/", include("qualitygov.upperassessment.urls")),
    path("sampling/", include("qualitygov.sampling.urls")),
    path("regulation/", include("qualitygov.regdash.urls")),
    path("registers/", include("qualitygov.registers.urls")),
    path("onestop/", include("qualitygov.onestop.urls")),
    path("entities/", include("qualitygov.registry.urls")),
    path("api/open/v1/", include("qualitygov.opendata.urls")),
    path("feeds/", include("qualitygov.feeds.urls")),
    path("api/", include("config.api_urls")),
    path("", include("qualitygov.portal.urls")),
    path("", include("qualitygov.core.urls")),
]

if settings.DEBUG:  # pragma: no cover - development convenience only
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
