"""URL kwargs for the permission matrix, and the small indicator world the page tests share.

`world(cast)` builds (once per test database) a plan with three indicators over the cast's units,
their yearly or quarterly periods up to 2026, and observations in every workflow state, all through
the engine's services:

- A1 规上工业亩均税收 (万元/亩, ≥ 30 by 2027, baseline 20 in 2022), yearly, 区经信局 (liaison_a):
  2023 approved 22 (pending correction to 23), 2024 submitted 25, 2025 draft 26, 2026 not entered.
- A2 产品质量监督抽查合格率 (%, ≥ 98 by 2027, baseline 95), quarterly, 区经信局: nothing entered.
- B1 新开工装配式建筑占比 (%, ≥ 35 by 2027, baseline 20), yearly, 区住建局 (liaison_b): 2024 draft 28.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from qualitygov.core.models import Attachment

WORLD_TITLE = "普陀区质量强区指标监测测试方案（2023—2027年）"
UNTIL = dt.date(2026, 12, 31)


@dataclass
class World:
    plan: object
    a1: object
    a2: object
    b1: object

    def period(self, indicator, label: str):
        return indicator.periods.get(label=label)

    def observation(self, indicator, label: str, unit):
        return indicator.observations.get(period__label=label, unit=unit)


def _indicator(plan, *, code, name, unit, value, baseline, frequency, units, order):
    from qualitygov.indicators.models import Indicator, IndicatorResponsibility
    from qualitygov.indicators.services import periods_generate

    indicator = Indicator.objects.create(
        plan=plan, code=code, name=name, unit=unit, comparator=">=", target_value=Decimal(value), target_year=2027,
        scope="goals", baseline_year=2022, baseline_value=Decimal(baseline), frequency=frequency, order=order,
        source=f"{name}达到{value}{unit}")
    for responsible in units:
        IndicatorResponsibility.objects.create(indicator=indicator, unit=responsible, role="lead")
    periods_generate(indicator=indicator, until=UNTIL)
    return indicator


def world(cast) -> World:
    from qualitygov.indicators.models import Indicator
    from qualitygov.indicators.services import (
        change_request_create,
        observation_approve,
        observation_save_draft,
        observation_submit,
    )
    from qualitygov.plans.models import Plan
    from qualitygov.plans.tests.factories import plan_factory

    plan = Plan.objects.filter(title=WORLD_TITLE).first()
    if plan is not None:
        get = lambda code: Indicator.objects.get(plan=plan, code=code)  # noqa: E731
        return World(plan, get("A1"), get("A2"), get("B1"))
    plan = plan_factory(title=WORLD_TITLE, doc_number="普质强区发〔2023〕9号")
    a1 = _indicator(plan, code="A1", name="规上工业亩均税收", unit="万元/亩", value="30", baseline="20",
                    frequency="yearly", units=[cast.dept_a], order=1)
    a2 = _indicator(plan, code="A2", name="产品质量监督抽查合格率", unit="%", value="98", baseline="95",
                    frequency="quarterly", units=[cast.dept_a], order=2)
    b1 = _indicator(plan, code="B1", name="新开工装配式建筑占比", unit="%", value="35", baseline="20",
                    frequency="yearly", units=[cast.dept_b], order=3)
    built = World(plan, a1, a2, b1)

    def enter(indicator, label, unit, value, *, state, actor):
        obs = observation_save_draft(actor=actor, period=built.period(indicator, label), unit=unit,
                                     value=Decimal(value))
        if state in ("submitted", "approved"):
            obs = observation_submit(actor=actor, observation=obs)
        if state == "approved":
            obs = observation_approve(actor=cast.office, observation=obs)
        return obs

    approved = enter(a1, "2023", cast.dept_a, "22", state="approved", actor=cast.liaison_a)
    enter(a1, "2024", cast.dept_a, "25", state="submitted", actor=cast.liaison_a)
    enter(a1, "2025", cast.dept_a, "26", state="draft", actor=cast.liaison_a)
    enter(b1, "2024", cast.dept_b, "28", state="draft", actor=cast.liaison_b)
    change_request_create(actor=cast.liaison_a, observation=approved, new_value=Decimal("23"),
                          reason="统计局年报修正")
    return built


def _evidence(cast):
    """A text file attached to A1's 2025 draft of 区经信局."""
    from qualitygov.core.uploads import attachment_create, check_upload
    from qualitygov.indicators.models import Observation

    w = world(cast)
    obs = w.observation(w.a1, "2025", cast.dept_a)
    found = Attachment.objects.filter(owner_type=Observation._meta.label_lower, owner_id=str(obs.pk)).first()
    if found is None:
        checked = check_upload(SimpleUploadedFile("说明.txt", "2025年亩均税收测算说明".encode()))
        found = attachment_create(actor=cast.liaison_a, checked=checked, owner=obs, unit=cast.dept_a)
    return obs, found


def _obs(cast, label: str):
    w = world(cast)
    return w.observation(w.a1, label, cast.dept_a)


def _change_request(cast):
    return _obs(cast, "2023").change_requests.get(status="pending")


def _target(cast):
    """An interim target of A1 (区经信局) for 2025."""
    from qualitygov.indicators.services import indicator_set_targets

    a1 = world(cast).a1
    if not a1.targets.exists():
        indicator_set_targets(actor=None, indicator=a1, targets={2025: Decimal("26")}, reason="年度分解")
    return a1.targets.get()


SAMPLES = {
    "indicators:indicator_detail": lambda cast: {"pk": world(cast).a1.pk, "owner": "liaison_a"},
    "indicators:indicator_xlsx": lambda cast: {"pk": world(cast).a1.pk, "owner": "liaison_a"},
    "indicators:indicator_edit": lambda cast: {"pk": world(cast).a1.pk, "owner": "liaison_a", "owner_action": "manage",
                                               "post": {"code": "A1", "name": "改名", "reason": "调整"}},
    "indicators:indicator_create": lambda cast: {
        "district_wide": True, "post": {"plan": world(cast).plan.pk, "name": "越权新增指标", "comparator": ">=",
                                        "target_value": "1", "nature": "expected", "frequency": "yearly",
                                        "aggregation": "latest", "data_source": "entered"}},
    "indicators:indicator_retire": lambda cast: {"pk": world(cast).a1.pk, "owner": "liaison_a", "district_wide": True,
                                                 "get_status": 405, "post": {"reason": "越权停用"}},
    "indicators:indicator_reinstate": lambda cast: {"pk": world(cast).a1.pk, "owner": "liaison_a",
                                                    "district_wide": True, "get_status": 405,
                                                    "post": {"reason": "越权恢复"}},
    "indicators:unit_page": lambda cast: {"pk": cast.dept_a.pk, "owner": "liaison_a"},
    "indicators:unit_xlsx": lambda cast: {"pk": cast.dept_a.pk, "owner": "liaison_a"},
    "indicators:observation_entry": lambda cast: {
        "period": world(cast).period(world(cast).a1, "2026").pk, "unit": cast.dept_a.pk, "owner": "liaison_a",
        "post": {"value": "27", "action": "submit"}},
    "indicators:observation_detail": lambda cast: {"pk": _obs(cast, "2025").pk, "owner": "liaison_a"},
    "indicators:evidence_download": lambda cast: (lambda pair: {
        "pk": pair[0].pk, "attachment": pair[1].pk, "owner": "liaison_a"})(_evidence(cast)),
    "indicators:observation_submit": lambda cast: {"pk": _obs(cast, "2025").pk, "owner": "liaison_a",
                                                   "get_status": 405},
    "indicators:observation_withdraw": lambda cast: {"pk": _obs(cast, "2024").pk, "owner": "liaison_a",
                                                     "get_status": 405},
    "indicators:observation_return": lambda cast: {"pk": _obs(cast, "2024").pk, "owner": "liaison_a",
                                                   "get_status": 405, "post": {"reason": "数据有误"}},
    "indicators:observation_approve": lambda cast: {"pk": _obs(cast, "2024").pk, "owner": "liaison_a",
                                                    "get_status": 405},
    "indicators:change_request_create": lambda cast: {"pk": _obs(cast, "2023").pk, "owner": "liaison_a",
                                                      "get_status": 405,
                                                      "post": {"new_value": "24", "reason": "修正"}},
    "indicators:change_request_decide": lambda cast: {"pk": _change_request(cast).pk, "owner": "liaison_a",
                                                      "get_status": 405, "post": {"decision": "approve"}},
    "indicators:excel_confirm": lambda cast: {"get_status": 405},
    # /api/v1/
    "api-indicator-detail": lambda cast: {"pk": world(cast).a1.pk, "owner": "liaison_a"},
    "api-target-detail": lambda cast: {"pk": _target(cast).pk, "owner": "liaison_a"},
    "api-observation-detail": lambda cast: {"pk": _obs(cast, "2025").pk, "owner": "liaison_a"},
    "api-indicator-status-detail": lambda cast: {"pk": world(cast).a1.status.pk, "owner": "liaison_a"},
    "api-observation-draft": lambda cast: {
        "owner": "liaison_a", "owner_action": "change",
        "post": {"period": world(cast).period(world(cast).a1, "2026").pk, "unit": cast.dept_a.pk, "value": "27"}},
    "api-indicator-create": lambda cast: {
        "district_wide": True, "get_status": 405,
        "post": {"plan": world(cast).plan.pk, "name": "越权新增指标", "comparator": ">=", "target_value": "1"}},
    "api-indicator-retire": lambda cast: {"pk": world(cast).a1.pk, "owner": "liaison_a", "district_wide": True,
                                          "get_status": 405, "post": {"reason": "越权停用"}},
    "api-indicator-reinstate": lambda cast: {"pk": world(cast).a1.pk, "owner": "liaison_a", "district_wide": True,
                                             "get_status": 405, "post": {"reason": "越权恢复"}},
    "api-observation-submit": lambda cast: {"pk": _obs(cast, "2025").pk, "owner": "liaison_a",
                                            "owner_action": "change"},
}
