"""Demo loader of the plan import: imports the bundled seed plan (普陀区 2023—2027) once."""

from __future__ import annotations

from django.db import transaction

from qualitygov.plans.demo import SEED
from qualitygov.plans.models import Plan, Responsibility, Task

from .models import PlanImport
from .services import plan_import_confirm, plan_import_correct, plan_import_preview

#: What the office types in review for the seed: the web copy lost 断面达 of one goal to
#: mojibake, the parser cuts the unreadable span and warns, and the reviewer completes the name.
SEED_REVIEW_NAMES = {"地表水省控…到或优于Ⅲ类水质比例": "地表水省控断面达到或优于Ⅲ类水质比例"}


@transaction.atomic
def load() -> dict[str, int]:
    """Import the seed plan unless a plan from it exists; return counts created (all 0 the second time)."""
    if Plan.objects.filter(source_name=SEED.name).exists() or PlanImport.objects.filter(
        source_name=SEED.name, status="confirmed"
    ).exists():
        return {"plans": 0, "tasks": 0, "responsibilities": 0, "indicators": 0}
    plan_import = plan_import_preview(actor=None, filename=SEED.name, data=SEED.read_bytes())
    fixes = {
        str(i): {"name": SEED_REVIEW_NAMES[item["name"]]}
        for i, item in enumerate(plan_import.parsed.get("indicators", []))
        if item["name"] in SEED_REVIEW_NAMES
    }
    if fixes:
        plan_import = plan_import_correct(actor=None, plan_import=plan_import, corrections={"indicators": fixes})
    plan = plan_import_confirm(actor=None, plan_import=plan_import)
    return {
        "plans": 1,
        "tasks": Task.objects.filter(plan=plan).count(),
        "responsibilities": Responsibility.objects.filter(task__plan=plan).count(),
        "indicators": plan.indicators.count(),
    }
