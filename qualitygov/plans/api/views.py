"""`/api/v1/` views of plans: plans, tasks and responsibilities, each read through the scoped selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualitygov.core.access import LOGIN
from qualitygov.core.api.base import ScopedReadOnlyViewSet
from qualitygov.core.api.schema import read_only_docs

from ..selectors import plan_list_visible, responsibility_list_visible, task_list_visible
from .filters import PlanFilter, ResponsibilityFilter, TaskFilter
from .serializers import PlanSerializer, ResponsibilitySerializer, TaskSerializer

TAG = pgettext_lazy("API tag", "Plans")


@read_only_docs(
    tag=TAG, list_summary=_("List plans"), retrieve_summary=_("Read a plan"),
    description=_("Plans in force or archived, newest period first, with their task and indicator counts. "
                  "Every signed-in user with a scope sees them. Filters: status, q."),
)
class PlanViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_scoped_queryset(self, user):
        return plan_list_visible(user=user)


@read_only_docs(
    tag=TAG, list_summary=_("List tasks"), retrieve_summary=_("Read a task"),
    description=_("Plan tasks the caller's units carry out (as lead or co-operating unit, or as a town when "
                  "the task is given to all towns), in plan order, with their responsible units. "
                  "Filters: plan, group, unit, all_towns, q."),
)
class TaskViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_scoped_queryset(self, user):
        return task_list_visible(user=user)


@read_only_docs(
    tag=TAG, list_summary=_("List responsibilities"), retrieve_summary=_("Read a responsibility"),
    description=_("Which unit carries out which task, as lead or co-operating unit: every responsibility of "
                  "the tasks the caller may see. Filters: plan, task, unit, role."),
)
class ResponsibilityViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    serializer_class = ResponsibilitySerializer
    filterset_class = ResponsibilityFilter

    def get_scoped_queryset(self, user):
        return responsibility_list_visible(user=user)
