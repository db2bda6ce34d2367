"""A database where only some things are published, for the open-data tests.

Published: indicator P1 (approved values 2026-Q1 95.5 and 2026-Q2 96.25 up to the cut-off; target 97 for
2026, 99 for 2027), task group 一 with one task, and three register entries of a test kind in two towns.
Not published: indicator ZX9Q (approved values 777.77 and 666.66), task group 二. Published, then
withdrawn: indicator W7 (value 555.55) and one register entry. Every string of an unpublished or withdrawn
record is a marker that appears nowhere in the published set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.services import org_unit_create
from qualitygov.indicators.models import Indicator
from qualitygov.indicators.services import (
    indicator_set_targets,
    observation_approve,
    observation_save_draft,
    observation_submit,
    periods_generate,
)
from qualitygov.indicators.tests.engine_helpers import quarterly_indicator
from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory
from qualitygov.portal import services
from qualitygov.portal.kinds import KINDS, Kind, Snapshot
from qualitygov.portal.models import PublishedItem
from qualitygov.progress.services import lights_recompute, work_item_create

UNTIL = dt.date(2026, 6, 30)
TEST_KIND = "testaward"

#: Strings of unpublished and withdrawn records: none may appear in any answer of the API.
SECRET_STRINGS = ["绝密指标名称", "ZX9Q", "zx9q", "秘密任务组", "秘密任务", "777.77", "666.66", "撤回指标", "555.55",
                  "W7", "撤回的质量奖", "秘密工作事项"]


@dataclass
class World:
    p1: Indicator
    s9: Indicator
    w7: Indicator
    items: dict[str, PublishedItem]
    entries: dict[str, OrgUnit]


def value(cast, indicator: Indicator, label: str, number: str) -> None:
    obs = observation_save_draft(actor=cast.liaison_a, period=indicator.periods.get(label=label), unit=cast.dept_a,
                                 value=number)
    obs = observation_submit(actor=cast.liaison_a, observation=obs)
    observation_approve(actor=cast.office, observation=obs)


def _build_entry(unit: OrgUnit, options: dict) -> Snapshot:
    """A register entry of the test kind made from an org unit: its name is the award's holder."""
    year = 2025 if "旧" in unit.name else 2026
    return Snapshot(title=unit.name, payload={"holder": unit.name, "level": "区级", "contact_phone": "13812345678"},
                    period_label=f"{year}年", period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31),
                    town_name="长寿路街道" if "长寿" in unit.name else "桃花镇",
                    category="区长质量奖" if "奖" in unit.name else "质量提名", sort_key=unit.name)


def register_test_kind() -> None:
    KINDS[TEST_KIND] = Kind(key=TEST_KIND, label="测试质量奖", model="accounts.OrgUnit", build=_build_entry,
                            candidates=lambda: OrgUnit.objects.all())


def build_world(cast) -> World:
    register_test_kind()
    plan = plan_factory(period=(2023, 2027))
    p1 = quarterly_indicator(cast, plan=plan, code="P1", target="99", baseline="90")
    Indicator.objects.filter(pk=p1.pk).update(name="产品质量监督抽查合格率", target_year=2027)
    s9 = quarterly_indicator(cast, plan=plan, code="ZX9Q", unit="家", target="900", baseline="400")
    Indicator.objects.filter(pk=s9.pk).update(name="绝密指标名称")
    w7 = quarterly_indicator(cast, plan=plan, code="W7", unit="家", target="900", baseline="400")
    Indicator.objects.filter(pk=w7.pk).update(name="撤回指标")
    p1.refresh_from_db(), s9.refresh_from_db(), w7.refresh_from_db()
    for ind in (p1, s9, w7):
        periods_generate(indicator=ind, until=dt.date(2026, 12, 31))
    indicator_set_targets(actor=None, indicator=p1, targets={2026: D("97")}, reason="年度分解",
                          decision="区质量强区办2026年第1次主任会议", in_force_from=dt.date(2026, 1, 10))
    value(cast, p1, "2026-Q1", "95.5")
    value(cast, p1, "2026-Q2", "96.25")
    value(cast, p1, "2026-Q3", "97.75")  # approved, but after the published cut-off
    value(cast, s9, "2026-Q1", "777.77")
    value(cast, s9, "2026-Q2", "666.66")
    value(cast, w7, "2026-Q1", "555.55")
    group_pub = group_factory(plan=plan, number="一", title="推动产业质量升级")
    group_secret = group_factory(plan=plan, number="二", title="秘密任务组")
    task_pub = task_factory(plan=plan, group=group_pub, title="提升制造业质量", lead=[cast.dept_a], co=[cast.dept_b])
    task_secret = task_factory(plan=plan, group=group_secret, title="秘密任务", lead=[cast.dept_b])
    work_item_create(actor=cast.office, task=task_pub, lead_unit=cast.dept_a, title="建成数字化车间10个",
                     start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31), co_units=[])
    work_item_create(actor=cast.office, task=task_secret, lead_unit=cast.dept_b, title="秘密工作事项",
                     start_date=dt.date(2026, 6, 1), deadline=dt.date(2026, 12, 31), co_units=[])
    lights_recompute(on=dt.date(2026, 6, 30))
    entries = {name: org_unit_create(actor=cast.office, name=name, kind=OrgUnitKind.OTHER, parent=cast.district)
               for name in ("长寿质量奖甲", "桃花质量奖乙", "旧长寿提名丙", "撤回的质量奖")}
    until = {"until": UNTIL.isoformat()}
    items = {
        "p1": services.item_publish(actor=cast.office, kind="indicator", obj=p1, options=until),
        "w7": services.item_publish(actor=cast.office, kind="indicator", obj=w7, options=until),
        "group": services.item_publish(actor=cast.office, kind="taskgroup", obj=group_pub),
        **{name: services.item_publish(actor=cast.office, kind=TEST_KIND, obj=unit) for name, unit in entries.items()},
    }
    items["w7"] = services.item_withdraw(actor=cast.office, item=items["w7"], reason="数据口径有误")
    items["撤回的质量奖"] = services.item_withdraw(actor=cast.office, item=items["撤回的质量奖"], reason="获奖单位已注销")
    return World(p1=p1, s9=s9, w7=w7, items=items, entries=entries)
