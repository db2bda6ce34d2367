"""Indicators set up for the engine's database tests, over the cast's units."""

from __future__ import annotations

from decimal import Decimal

from qualitygov.indicators.models import Indicator, IndicatorResponsibility
from qualitygov.plans.models import Plan
from qualitygov.plans.tests.factories import indicator_factory, plan_factory


def engine_plan() -> Plan:
    return plan_factory()


def quarterly_indicator(cast, *, plan: Plan | None = None, code: str = "Q1", unit: str = "%",
                        comparator: str = ">=", target: str = "99", baseline: str = "90",
                        reporters=None, **fields) -> Indicator:
    """A pass rate reported quarterly by 区经信局 (cast.dept_a): baseline 2022, target 2025."""
    indicator = indicator_factory(plan=plan or engine_plan(), code=code, name=f"{code} 抽检合格率",
                                  comparator=comparator, value=target, unit=unit, year=2025)
    values = {"baseline_year": 2022, "baseline_value": Decimal(baseline), "frequency": "quarterly", **fields}
    Indicator.objects.filter(pk=indicator.pk).update(**values)
    indicator.refresh_from_db()
    for unit_obj, role in reporters or [(cast.dept_a, "lead")]:
        IndicatorResponsibility.objects.create(indicator=indicator, unit=unit_obj, role=role)
    return indicator
