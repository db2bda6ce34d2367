"""The plan import's apply step as a background job (后台导入): the reviewed plan written by the worker.

The job confirms as the office admin who asked, through the same service as the page; its progress
moves as the steps end (read the review, write the plan in one transaction, done), and the job's
result links to the plan.
"""

from __future__ import annotations

from django.urls import reverse

from .review import plan_import_get_visible
from .services import plan_import_confirm


def confirm_job(job, *, import_id: int) -> dict:
    """Write the reviewed plan of import `import_id` for `job.actor`; a refusal fails the job at once."""
    job.progress(0, 2)
    plan_import = plan_import_get_visible(user=job.actor, pk=import_id)
    job.progress(1, 2)
    plan = plan_import_confirm(actor=job.actor, plan_import=plan_import)
    plan_import.refresh_from_db()
    outcome = plan_import.outcome
    return {"url": reverse("plans:plan_detail", args=[plan.pk]), "plan": plan.pk, "revision": plan.revision,
            "created": bool(outcome.get("created")), "revised": bool(outcome.get("revised"))}
