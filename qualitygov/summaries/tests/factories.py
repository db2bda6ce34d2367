"""A half-year round of 2026 over the cast: 区经信局 with an indicator and two work items, 区住建局 and
沈家门街道 filing too. Built through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from qualitygov.indicators.services import (
    indicator_set_targets,
    indicator_status_refresh,
    observation_approve,
    observation_save_draft,
    observation_submit,
    periods_generate,
)
from qualitygov.indicators.tests.engine_helpers import quarterly_indicator
from qualitygov.progress.services import lights_recompute, work_item_complete
from qualitygov.progress.tests.factories import make_item, make_task
from qualitygov.summaries import services
from qualitygov.summaries.choices import Figure, SummaryKind

SECTIONS = [{"heading": "一、主要工作成效", "guidance": "对照年度工作要点写明做了什么、取得什么成效"},
            {"heading": "二、存在的问题", "guidance": ""},
            {"heading": "三、下半年工作打算", "guidance": ""}]
DUE = dt.date(2026, 7, 10)


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, 0))


def make_template(cast):
    return services.template_save(actor=cast.office, title="质量强区工作半年总结模板", sections=SECTIONS,
                                  figures=[Figure.INDICATORS, Figure.WORK_ITEMS])


def make_world(cast):
    """The plan's task (led by 区经信局, 区住建局 co-operating); a pass-rate indicator of 区经信局 whose
    2026 Q1 value 95 is approved against a 2026 target of ≥98; one work item done in May and one
    overdue since the end of May."""
    task = make_task(cast)
    plan = task.plan
    indicator = quarterly_indicator(cast, plan=plan, code="Q1", target="99", baseline="90")
    periods_generate(indicator=indicator, until=dt.date(2026, 12, 31))
    indicator_set_targets(actor=cast.office, indicator=indicator, targets={2026: Decimal("98")}, reason="年度分解",
                          version=indicator.version)
    obs = observation_save_draft(actor=cast.liaison_a, period=indicator.periods.get(label="2026-Q1"), unit=cast.dept_a,
                                 value="95", comment="一季度")
    observation_approve(actor=cast.office, observation=observation_submit(actor=cast.liaison_a, observation=obs))
    indicator_status_refresh(indicator=indicator, as_of=dt.date(2026, 7, 1))
    done = make_item(cast, task, title="建成数字化车间10个", co=[], deadline=dt.date(2026, 6, 30))
    work_item_complete(actor=cast.office, work_item=done, on=dt.date(2026, 5, 20))
    late = make_item(cast, task, title="完成首席质量官培训", co=[], deadline=dt.date(2026, 5, 31))
    lights_recompute(on=dt.date(2026, 7, 1))
    return plan, indicator, done, late


def open_round(cast, plan, template, *, units=None):
    return services.round_open(actor=cast.office, plan=plan, year=2026, kind=SummaryKind.HALF_YEAR, half=1,
                               due_date=DUE, template=template, units=units)
