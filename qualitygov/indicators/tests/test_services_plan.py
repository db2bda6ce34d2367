"""`indicator_sync_from_plan`: a plan's indicators brought to what the plan document states."""

from __future__ import annotations

from decimal import Decimal

from qualitygov.core.models import AuditEvent
from qualitygov.indicators.models import Indicator, IndicatorResponsibility, IndicatorTarget
from qualitygov.indicators.services import PlanIndicator, indicator_sync_from_plan
from qualitygov.plans.tests.factories import indicator_factory, plan_factory, task_factory


def _rows(plan) -> list[tuple]:
    return list(Indicator.objects.filter(plan=plan).order_by("order", "pk").values_list(
        "code", "name", "comparator", "target_value", "unit", "target_year", "scope", "task__number", "order"))


def test_new_indicators_get_codes_in_order_and_task_targets_their_task_units(cast):
    plan = plan_factory()
    task = task_factory(plan=plan, number="5", lead=[cast.dept_a], co=[cast.dept_b])
    events = AuditEvent.objects.count()
    kept = indicator_sync_from_plan(actor=cast.office, plan=plan, indicators=[
        (None, PlanIndicator(order=0, name="规上工业增加值占全区生产总值比重", comparator="about",
                             target_value=Decimal("17"), unit="%", target_year=2025, source="17%左右")),
        (None, PlanIndicator(order=1, name="规上工业企业研发活动覆盖率", comparator=">=",
                             target_value=Decimal("50"), unit="%", target_year=2027, task=task)),
    ])
    assert kept == []
    assert _rows(plan) == [
        ("I01", "规上工业增加值占全区生产总值比重", "about", Decimal("17"), "%", 2025, "goals", None, 0),
        ("I02", "规上工业企业研发活动覆盖率", ">=", Decimal("50"), "%", 2027, "task", "5", 1),
    ]
    assert list(IndicatorResponsibility.objects.order_by("role").values_list("indicator__code", "unit", "role")) == [
        ("I02", cast.dept_b.pk, "co"), ("I02", cast.dept_a.pk, "lead")]
    assert AuditEvent.objects.count() == events  # the plan import records the whole change


def test_matched_ones_keep_their_key_removed_ones_go_unless_data_is_attached(cast):
    plan = plan_factory()
    kept_one = indicator_factory(plan=plan, code="I01", name="质量竞争型产业占比", comparator=">=", value=20)
    changed = indicator_factory(plan=plan, code="I02", name="制造业产品质量合格率", comparator=">=", value=94)
    dropped = indicator_factory(plan=plan, code="I03", name="消费品抽检合格率", comparator=">=", value=90)
    IndicatorTarget.objects.create(indicator=kept_one, year=2025, value=Decimal("18"))
    kept = indicator_sync_from_plan(actor=cast.office, plan=plan, indicators=[
        (changed, PlanIndicator(order=0, name="制造业产品质量合格率", comparator=">=", target_value=Decimal("95"))),
        (kept_one, None),
        (dropped, None),
        (None, PlanIndicator(order=1, name="特种设备定期检验率", comparator=">=", target_value=Decimal("99"),
                             unit="%")),
    ])
    assert kept == [kept_one]
    assert not Indicator.objects.filter(pk=dropped.pk).exists()
    assert Indicator.objects.get(code="I02").pk == changed.pk
    assert _rows(plan) == [
        ("I02", "制造业产品质量合格率", ">=", Decimal("95"), "", None, "goals", None, 0),
        ("I01", "质量竞争型产业占比", ">=", Decimal("20"), "", 2025, "goals", None, 1),
        ("I04", "特种设备定期检验率", ">=", Decimal("99"), "%", None, "goals", None, 1),
    ]
