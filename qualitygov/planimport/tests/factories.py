"""Factories that need the plan import: the bundled seed plan, imported as the office would."""

from __future__ import annotations

from qualitygov.planimport.services import plan_import_confirm, plan_import_preview
from qualitygov.plans.demo import SEED
from qualitygov.plans.models import Plan


def seed_plan(actor) -> Plan:
    """The bundled Putuo plan (20 tasks, 18 indicators) imported through the import services as `actor`.

    Names the organisation does not know yet become new units, as confirming without corrections does.
    """
    plan_import = plan_import_preview(actor=actor, filename=SEED.name, data=SEED.read_bytes())
    return plan_import_confirm(actor=actor, plan_import=plan_import)
