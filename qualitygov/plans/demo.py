"""Demo loader for plans: imports the bundled seed plan (普陀区 2023—2027) once."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from .models import Plan, PlanImport

SEED = Path(__file__).parent / "seed" / "putuo-quality-plan-2023-2027.txt"


@transaction.atomic
def load() -> dict[str, int]:
    """Import the seed plan unless a plan from it exists; return counts created (all 0 the second time)."""
    from qualitygov.indicators.models import Indicator

    from .models import Responsibility, Task
    from .services import plan_import_confirm, plan_import_preview

    if Plan.objects.filter(source_name=SEED.name).exists() or PlanImport.objects.filter(
        source_name=SEED.name, status="confirmed"
    ).exists():
        return {"plans": 0, "tasks": 0, "responsibilities": 0, "indicators": 0}
    plan_import = plan_import_preview(actor=None, filename=SEED.name, data=SEED.read_bytes())
    plan = plan_import_confirm(actor=None, plan_import=plan_import)
    return {
        "plans": 1,
        "tasks": Task.objects.filter(plan=plan).count(),
        "responsibilities": Responsibility.objects.filter(task__plan=plan).count(),
        "indicators": Indicator.objects.filter(plan=plan).count(),
    }
