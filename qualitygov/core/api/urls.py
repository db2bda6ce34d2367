"""Core's part of `/api/v1/`: the caller's notifications."""

from rest_framework.routers import DefaultRouter

from .notifications import NotificationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("notifications", NotificationViewSet, basename="api-notification")

urlpatterns = router.urls
