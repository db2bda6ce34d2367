"""Plans' part of `/api/v1/`."""

from rest_framework.routers import DefaultRouter

from .views import PlanViewSet, ResponsibilityViewSet, TaskViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("plans", PlanViewSet, basename="api-plan")
router.register("tasks", TaskViewSet, basename="api-task")
router.register("responsibilities", ResponsibilityViewSet, basename="api-responsibility")

urlpatterns = router.urls
