"""Indicators as a plan document states them: written when a plan is imported or revised.

`indicator_sync_from_plan` is one step of the plan import's write: it runs inside the caller's
transaction and the caller records the one audit event (`plan.create` or `plan.revise`) that
describes the whole change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from qualitygov.plans.models import Plan, Responsibility, Task
from qualitygov.plans.services import has_attached_rows

from ..choices import IndicatorScope, Origin
from ..models import Indicator, IndicatorResponsibility


@dataclass
class PlanIndicator:
    """An indicator as the plan states it; `task` set for a target stated inside a task; `order` its position."""

    order: int
    name: str
    comparator: str
    target_value: Decimal
    unit: str = ""
    target_year: int | None = None
    task: Task | None = None
    source: str = ""
    baseline_year: int | None = None  # the year a change target (Comparator.DECREASE_BY…) is measured from

    def values(self) -> dict:
        return {"name": self.name[:200], "unit": (self.unit or "")[:30], "comparator": self.comparator,
                "target_value": self.target_value, "target_year": self.target_year,
                "baseline_year": self.baseline_year,
                "scope": IndicatorScope.TASK if self.task is not None else IndicatorScope.GOALS,
                "task": self.task, "source": self.source, "order": self.order}


def _units_from_tasks(indicators: list[Indicator]) -> None:
    """A target stated inside a task is reported by that task's units, in the same roles.

    Goal indicators name no unit; the office assigns them on the indicator's edit page.
    """
    rows = []
    for indicator in indicators:
        if indicator.task_id is None:
            continue
        for resp in Responsibility.objects.filter(task_id=indicator.task_id).order_by("role", "order"):
            rows.append(IndicatorResponsibility(indicator=indicator, unit_id=resp.unit_id, role=resp.role))
    IndicatorResponsibility.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def indicator_sync_from_plan(
    *, actor, plan: Plan, indicators: list[tuple[Indicator | None, PlanIndicator | None]],
) -> list[Indicator]:
    """Bring `plan`'s indicators to what the plan states; return the removed ones kept because data is attached.

    `indicators` pairs each stored indicator with its counterpart (None on either side: removed
    or added). A matched indicator is updated in place and keeps its primary key and code; an
    added one gets the next free code (I01, I02…) and, for a task's target, that task's units;
    a removed one is deleted unless data is attached to it, and then returned. The office's own
    indicators (`Origin.OWN`) are never deleted or rewritten, even when passed in.
    """
    # Codes in use include the office's own indicators, so a new plan indicator never takes one of theirs.
    codes = [old.code for old, _new in indicators if old is not None]
    codes += list(Indicator.objects.filter(plan=plan).values_list("code", flat=True))
    next_code = max((int(c[1:]) for c in codes if c[:1] == "I" and c[1:].isdigit()), default=0)
    kept: list[Indicator] = []
    created: list[Indicator] = []
    for old, new in indicators:
        if old is not None and old.origin == Origin.OWN:
            continue  # the office's own indicator: the plan text neither states nor removes it
        if new is None:
            if has_attached_rows(old):
                kept.append(old)
            else:
                old.delete()
            continue
        values = new.values()
        if old is None:
            next_code += 1
            created.append(Indicator(plan=plan, code=f"I{next_code:02d}", **values))
        else:
            for key, value in values.items():
                setattr(old, key, value)
            old.save()
    _units_from_tasks(Indicator.objects.bulk_create(created))
    return kept
