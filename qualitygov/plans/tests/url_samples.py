"""URL kwargs for the permission matrix: one sample object per plans URL that takes arguments."""

from __future__ import annotations


def _workspace_plan(cast):
    from qualitygov.plans.models import Plan

    from .factories import PLAN_TITLE, workspace_plan

    return Plan.objects.filter(title=PLAN_TITLE).first() or workspace_plan(cast)


def _workspace_task(cast):
    """Task 2 of the sample plan: 区住建局 (liaison_b) alone carries it out."""
    return _workspace_plan(cast).tasks.get(number="2")


def _workspace_responsibility(cast):
    """Task 2's one responsibility: 区住建局 (liaison_b) leads it."""
    return _workspace_task(cast).responsibilities.get()


SAMPLES = {
    "plans:plan_detail": lambda cast: {"pk": _workspace_plan(cast).pk},
    "plans:export_xlsx": lambda cast: {"pk": _workspace_plan(cast).pk},
    # Queuing the export happens only on a POST; a GET is refused with 405.
    "plans:export_xlsx_job": lambda cast: {"pk": _workspace_plan(cast).pk, "get_status": 405},
    "plans:export_docx": lambda cast: {"pk": _workspace_plan(cast).pk},
    "plans:export_pdf": lambda cast: {"pk": _workspace_plan(cast).pk},
    "plans:task_detail": lambda cast: {"pk": _workspace_task(cast).pk, "owner": "liaison_b"},
    "plans:unit_tasks": lambda cast: {"pk": cast.dept_a.pk, "owner": "liaison_a"},
    "plans:unit_tasks_xlsx": lambda cast: {"pk": cast.dept_a.pk, "owner": "liaison_a"},
    # /api/v1/
    "api-plan-detail": lambda cast: {"pk": _workspace_plan(cast).pk},
    "api-task-detail": lambda cast: {"pk": _workspace_task(cast).pk, "owner": "liaison_b"},
    "api-responsibility-detail": lambda cast: {"pk": _workspace_responsibility(cast).pk, "owner": "liaison_b"},
}
