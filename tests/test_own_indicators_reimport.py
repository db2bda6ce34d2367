"""Importing the plan again never deletes or rewrites an indicator the office set itself (自设指标)."""

from __future__ import annotations

from decimal import Decimal as D

from qualitygov.core.audit import audit_verify
from qualitygov.indicators.models import Indicator
from qualitygov.indicators.services import indicator_create, observation_save_draft
from qualitygov.planimport.review import plan_import_review
from qualitygov.planimport.services import plan_import_confirm, plan_import_preview
from qualitygov.planimport.tests.test_import_services import (  # noqa: F401  (the fixture)
    SEED_BYTES,
    demo_org,
    import_file,
    revised_seed_text,
)

FIELDS = ("code", "name", "unit", "comparator", "target_value", "target_year", "baseline_year", "baseline_value",
          "frequency", "plausible_min", "plausible_max", "origin", "state", "order", "task_id", "scope")


def _own(cast, plan) -> Indicator:
    # The office picks the code the revision's new plan indicator would otherwise take.
    return indicator_create(actor=cast.office, plan=plan, code="I19", name="规上企业质量管理体系认证率", unit="%",
                            comparator=">=", baseline_year=2024, baseline_value="80", frequency="yearly",
                            plausible_min="0", plausible_max="100", targets={2025: "85", 2027: "95"},
                            units=[(cast.dept_a, "lead")])


def test_reimporting_the_seed_keeps_the_office_s_own_indicator(demo_org):  # noqa: F811
    cast = demo_org
    plan = import_file(cast.office, SEED_BYTES)
    own = _own(cast, plan)
    before = {name: getattr(own, name) for name in FIELDS}
    targets = list(own.targets.current().values_list("year", "value"))
    observation_save_draft(actor=cast.liaison_a, period=own.periods.get(label="2025"), unit=cast.dept_a, value="86")

    # The same file again: nothing to revise; the own indicator is not even seen as missing from it.
    again = plan_import_preview(actor=cast.office, filename="again.txt", data=SEED_BYTES)
    assert [c.old.code for c in plan_import_review(again).diff.indicators if c.new is None] == []
    plan_import_confirm(actor=cast.office, plan_import=again)

    # A revised file that adds a goal and drops a task: the plan's indicators follow it, the own one stays.
    revised = plan_import_preview(actor=cast.office, filename="plan-v2.txt", data=revised_seed_text().encode())
    diff = plan_import_review(revised).diff
    assert "I19" not in [c.old.code for c in diff.indicators if c.old is not None]
    assert plan_import_confirm(actor=cast.office, plan_import=revised) == plan
    own.refresh_from_db()
    assert {name: getattr(own, name) for name in FIELDS} == before
    assert (own.origin, own.target_value, own.name) == ("own", D("95.0000"), "规上企业质量管理体系认证率")
    assert list(own.targets.current().values_list("year", "value")) == targets
    assert own.observations.get().value == D("86.0000")
    assert list(own.responsibilities.values_list("unit_id", "role")) == [(cast.dept_a.pk, "lead")]
    # The goal the revision adds takes the next free code after the office's I19.
    added = Indicator.objects.get(plan=plan, name="特种设备定期检验率")
    assert (added.code, added.origin) == ("I20", "plan")
    assert Indicator.objects.filter(plan=plan, origin="plan").count() == 19
    revised.refresh_from_db()
    assert revised.outcome["warnings"] == []
    assert audit_verify().ok
