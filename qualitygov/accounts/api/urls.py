"""Accounts' part of `/api/v1/`."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .robots import UnitRobotViewSet
from .views import MeView, OrgUnitViewSet, TokenView, UserViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("org-units", OrgUnitViewSet, basename="api-org-unit")
router.register("users", UserViewSet, basename="api-user")
router.register("unit-robots", UnitRobotViewSet, basename="api-unit-robot")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *router.urls,
]
