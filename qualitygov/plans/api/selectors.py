"""Scoped reads the plans API needs beyond `plans.selectors` (kept apart while plan import moves out of plans)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from ..choices import ResponsibilityRole
from ..models import Responsibility
from ..selectors import task_list_visible


def responsibility_list_visible(*, user) -> QuerySet[Responsibility]:
    """Responsibilities of the tasks `user` may see (every unit named on a visible task), in plan order,
    lead units before co-operating ones."""
    tasks = task_list_visible(user=user).order_by().values("pk")
    lead_first = Case(When(role=ResponsibilityRole.LEAD, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (Responsibility.objects.filter(task__in=tasks).select_related("task", "unit")
            .order_by("task__plan_id", "task__order", "task_id", lead_first, "order", "pk"))
