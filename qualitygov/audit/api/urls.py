"""The audit trail's part of `/api/v1/`."""

from rest_framework.routers import DefaultRouter

from .views import AuditEventViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("audit-events", AuditEventViewSet, basename="api-audit-event")

urlpatterns = router.urls
