"""Progress' part of `/api/v1/`."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    FindingViewSet,
    ProgressReportViewSet,
    ReportDraftView,
    ReportingCycleViewSet,
    ReportSubmitView,
    WorkItemViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("work-items", WorkItemViewSet, basename="api-work-item")
router.register("reporting-cycles", ReportingCycleViewSet, basename="api-reporting-cycle")
router.register("progress-reports", ProgressReportViewSet, basename="api-progress-report")
router.register("findings", FindingViewSet, basename="api-finding")

urlpatterns = [
    path("progress-reports/<int:pk>/draft/", ReportDraftView.as_view(), name="api-progress-report-draft"),
    path("progress-reports/<int:pk>/submit/", ReportSubmitView.as_view(), name="api-progress-report-submit"),
    *router.urls,
]
