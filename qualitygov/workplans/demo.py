"""Demo loader: the 2026 key points of the demo district (invented for the demo, data/demo-work-plan-2026.txt),
imported through the review like an office upload and issued, so each liaison finds their key points in
the inbox. Runs once; a second call, or a demo without a plan, does nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import transaction

from qualitygov.accounts.models import User
from qualitygov.core.uploads import CheckedFile
from qualitygov.plans.models import Plan

from .models import WorkPlan
from .review import import_review
from .services import (
    work_plan_import_confirm,
    work_plan_import_correct,
    work_plan_import_preview,
    work_plan_publish,
)

DEMO_FILE = Path(__file__).parent / "data" / "demo-work-plan-2026.txt"


@transaction.atomic
def load(stdout=None) -> dict[str, int]:
    plan = Plan.objects.order_by("pk").first()
    if plan is None or WorkPlan.objects.exists():
        return {"work_plans": 0, "key_points": 0}
    office = User.objects.get(username="office")
    data = DEMO_FILE.read_bytes()
    checked = CheckedFile(name=DEMO_FILE.name, extension=".txt", content_type="text/plain", data=data,
                          sha256=hashlib.sha256(data).hexdigest())
    imp = work_plan_import_preview(actor=office, plan=plan, checked=checked, year=2026)
    review = import_review(imp)
    # A key point whose heading names a task group but whose wording fits none of its tasks: the first task.
    fallback = {p.index: next(t for t in review.tasks if t.group and t.group.title == p.group) for p in review.points
                if p.task is None and any(t.group and t.group.title == p.group for t in review.tasks)}
    if fallback:
        work_plan_import_correct(actor=office, imp=imp, tasks=fallback)
    work_plan = work_plan_import_confirm(actor=office, imp=imp)
    work_plan_publish(actor=office, work_plan=work_plan)
    return {"work_plans": 1, "key_points": work_plan.key_points.count()}
