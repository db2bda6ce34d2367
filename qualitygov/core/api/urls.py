"""Core's part of `/api/v1/`: the caller's notifications and notification settings."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .notifications import NotificationSettingsView, NotificationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("notifications", NotificationViewSet, basename="api-notification")

urlpatterns = [
    path("notification-settings/", NotificationSettingsView.as_view(), name="api-notification-settings"),
    *router.urls,
]
