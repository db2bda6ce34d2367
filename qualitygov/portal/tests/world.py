"""A database where only some things are published: the leak tests' world.

Published: the plan, indicator P1 (with approved values up to 2026-Q2), task group （一）and the bulletin of
2026-05. Not published: indicator ZX9Q (approved values too), task group （二）, the bulletin of 2026-04.
Every unpublished title and value is a marker string or number that appears nowhere in the published set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

from qualitygov.indicators.models import Indicator
from qualitygov.indicators.services import (
    indicator_set_targets,
    observation_approve,
    observation_save_draft,
    observation_submit,
    periods_generate,
)
from qualitygov.indicators.tests.engine_helpers import quarterly_indicator
from qualitygov.plans.models import Plan, TaskGroup
from qualitygov.plans.tests.factories import group_factory, plan_factory, section_factory, task_factory
from qualitygov.portal import services
from qualitygov.portal.models import PublishedItem
from qualitygov.progress.services import lights_recompute, work_item_create

UNTIL = dt.date(2026, 6, 30)

#: Strings of the unpublished records: none may appear on any public page, feed or download.
SECRET_STRINGS = ["绝密指标名称", "ZX9Q", "秘密任务组", "秘密工作事项", "777.77", "666.66", "2026年4月"]


@dataclass
class World:
    plan: Plan
    p1: Indicator
    s9: Indicator
    group_pub: TaskGroup
    group_secret: TaskGroup
    items: dict[str, PublishedItem]


def value(cast, indicator: Indicator, label: str, number: str, *, approve: bool = True):
    obs = observation_save_draft(actor=cast.liaison_a, period=indicator.periods.get(label=label), unit=cast.dept_a,
                                 value=number)
    obs = observation_submit(actor=cast.liaison_a, observation=obs)
    return observation_approve(actor=cast.office, observation=obs) if approve else obs


def build_world(cast, *, publish: bool = True) -> World:
    plan = plan_factory(period=(2023, 2027))
    section_factory(plan=plan, number="一", title="总体要求")
    p1 = quarterly_indicator(cast, plan=plan, code="P1", target="99", baseline="90")
    Indicator.objects.filter(pk=p1.pk).update(name="产品质量监督抽查合格率", target_year=2027)
    p1.refresh_from_db()
    s9 = quarterly_indicator(cast, plan=plan, code="ZX9Q", unit="家", target="900", baseline="400")
    Indicator.objects.filter(pk=s9.pk).update(name="绝密指标名称")
    s9.refresh_from_db()
    for ind in (p1, s9):
        periods_generate(indicator=ind, until=dt.date(2026, 12, 31))
    indicator_set_targets(actor=None, indicator=p1, targets={2026: D("97")}, reason="年度分解",
                          decision="区质量强区办2026年第1次主任会议", in_force_from=dt.date(2026, 1, 10))
    value(cast, p1, "2026-Q1", "95.5")
    value(cast, p1, "2026-Q2", "96.25")
    value(cast, p1, "2026-Q3", "97.75")  # approved, but its period ends after the published cut-off
    value(cast, s9, "2026-Q1", "777.77")
    value(cast, s9, "2026-Q2", "666.66")
    group_pub = group_factory(plan=plan, number="一", title="推动产业质量升级")
    group_secret = group_factory(plan=plan, number="二", title="秘密任务组")
    task_pub = task_factory(plan=plan, group=group_pub, title="提升制造业质量", lead=[cast.dept_a], co=[cast.dept_b])
    task_secret = task_factory(plan=plan, group=group_secret, title="秘密任务", lead=[cast.dept_b])
    work_item_create(actor=cast.office, task=task_pub, lead_unit=cast.dept_a, title="建成数字化车间10个",
                     start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31), co_units=[])
    # Starts after the published bulletin's month: the bulletin of 2026-05 does not mention it.
    work_item_create(actor=cast.office, task=task_secret, lead_unit=cast.dept_b, title="秘密工作事项",
                     start_date=dt.date(2026, 6, 1), deadline=dt.date(2026, 12, 31), co_units=[])
    lights_recompute(on=dt.date(2026, 6, 30))
    items: dict[str, PublishedItem] = {}
    if publish:
        items["plan"] = services.item_publish(actor=cast.office, kind="plan", obj=plan)
        items["p1"] = services.item_publish(actor=cast.office, kind="indicator", obj=p1,
                                            options={"until": UNTIL.isoformat()})
        items["group"] = services.item_publish(actor=cast.office, kind="taskgroup", obj=group_pub)
        from qualitygov.progress.bulletin import parse_period

        items["bulletin"] = services.item_publish(actor=cast.office, kind="bulletin", obj=parse_period("2026-05"))
    return World(plan=plan, p1=p1, s9=s9, group_pub=group_pub, group_secret=group_secret, items=items)
