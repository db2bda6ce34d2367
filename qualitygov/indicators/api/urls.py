"""Indicators' part of `/api/v1/`."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    IndicatorCreateView,
    IndicatorReinstateView,
    IndicatorRetireView,
    IndicatorStatusViewSet,
    IndicatorViewSet,
    ObservationDraftView,
    ObservationSubmitView,
    ObservationViewSet,
    TargetViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("indicators", IndicatorViewSet, basename="api-indicator")
router.register("targets", TargetViewSet, basename="api-target")
router.register("observations", ObservationViewSet, basename="api-observation")
router.register("indicator-statuses", IndicatorStatusViewSet, basename="api-indicator-status")

urlpatterns = [
    # Before the router's `observations/<pk>/`, which would otherwise take "draft" for an id.
    path("observations/draft/", ObservationDraftView.as_view(), name="api-observation-draft"),
    path("indicators/create/", IndicatorCreateView.as_view(), name="api-indicator-create"),
    path("indicators/<int:pk>/retire/", IndicatorRetireView.as_view(), name="api-indicator-retire"),
    path("indicators/<int:pk>/reinstate/", IndicatorReinstateView.as_view(), name="api-indicator-reinstate"),
    path("observations/<int:pk>/submit/", ObservationSubmitView.as_view(), name="api-observation-submit"),
    *router.urls,
]
