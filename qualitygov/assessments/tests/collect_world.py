"""A fixed year of records over the cast's units for the automatic inputs (tests and the benchmark's shape).

Units: A = 区经信局 and B = 区住建局 (departments), T = 沈家门街道 (town). Records of 2026, read as of
2027-01-10 (`AS_OF`):

- work items: W1 led by A with B co-operating (completed 2026-12-20, on time; its light turned red on
  2027-01-05, green at the year's end); W2 led by B, deadline 2026-06-30, never completed (late);
  W3 led by A, deadline 2026-09-30, completed 2026-10-15 (late); W4 led by T, deadline 2027-06-30,
  red since 2026-11-01.
- reports of May (due 05-25) and June (due 06-25) on every item, B filing a part on W1's:
  A: W1-May on time, W1-June late, W3-May late, W3-June never filed; B: W2-May on time, W2-June never
  filed, its part of W1-May on time and of W1-June late; T: both on time.
- escalations: A three 督办 (supervised) in 2026; B one 督办 on its part and one yellow notice; T one
  督办 dated 2025-12-20 (another year).
- findings: F1 of A, deadline 2026-08-31, still open (overdue); F2 of A, closed on time 2026-09-15,
  reopened 2026-10-10 with a new deadline in 2027; F3 of B, deadline 2026-05-31, closed 2026-06-10
  (overdue); F4 of T, deadline in 2027.
- indicators (led): A leads Q1 (≥, target 98 set for 2026, baseline 90, value 98.5 → met) and Q2
  (≤ 5 by 2025, baseline 8, value 6 → improved); B leads Q3 (≥ 95, no value in 2026); T leads none.
  Values owed in 2026: A's Q1 of the third quarter (filed on time), B's Q3 of the second quarter (missing).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

from django.utils import timezone

from qualitygov.accounts.testing import Cast
from qualitygov.indicators.models import IndicatorTarget, Observation, ReportingPeriod
from qualitygov.indicators.tests.engine_helpers import quarterly_indicator
from qualitygov.progress.models import (
    EscalationEvent,
    Finding,
    ProgressReport,
    ReportPart,
    WorkItem,
    WorkItemLight,
)
from qualitygov.progress.services import cycle_open, work_item_complete
from qualitygov.progress.services.findings import (
    finding_create,
    finding_plan,
    finding_reopen,
    finding_submit,
    finding_verify,
)
from qualitygov.progress.tests.factories import make_cycle, make_item, make_task

AS_OF = dt.date(2027, 1, 10)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@contextmanager
def on(day: dt.date):
    """Services called inside run on `day` (their timestamps and audit events carry it)."""
    with mock.patch("django.utils.timezone.now", return_value=at(day)):
        yield


@dataclass
class World:
    cast: Cast
    items: dict[str, WorkItem]
    reports: dict[str, ProgressReport]
    parts: dict[str, ReportPart]
    escalations: dict[str, EscalationEvent]
    findings: dict[str, Finding]
    indicators: dict
    periods: dict
    observations: dict


def filed(report_or_part, day: dt.date | None, *, late: bool = False) -> None:
    """Record the (first) filing of a report or part on `day` (None: never filed)."""
    values = {"submitted_at": None if day is None else at(day), "status": "open" if day is None else "submitted"}
    if isinstance(report_or_part, ProgressReport):
        values["submitted_late"] = late
    type(report_or_part).objects.filter(pk=report_or_part.pk).update(**values)


def escalate(key: str, unit, report: ProgressReport, level: str, day: dt.date, part: ReportPart | None = None):
    return EscalationEvent.objects.create(work_item=report.work_item, report=report, part=part, unit=unit, level=level,
                                          at=at(day), on_date=day, due_date=report.due_date,
                                          days_overdue=(day - report.due_date).days, reason="overdue",
                                          dedup_key=key)


def light(item: WorkItem, colour: str, *, changed_on: dt.date, previous: str) -> None:
    WorkItemLight.objects.update_or_create(work_item=item, defaults={
        "light": colour, "as_of": changed_on, "changed_on": changed_on, "previous_light": previous})


def close_out(cast: Cast, finding: Finding, liaison, day: dt.date) -> Finding:
    with on(day):
        finding = finding_plan(actor=liaison, finding=finding, rectification_plan="整改方案")
        finding = finding_submit(actor=liaison, finding=finding, rectification_result="已整改")
        return finding_verify(actor=cast.office, finding=finding, note="核查通过")


def build_world(cast: Cast) -> World:
    A, B, T = cast.dept_a, cast.dept_b, cast.town
    task = make_task(cast)
    plan = task.plan
    items = {
        "W1": make_item(cast, task, lead=A, co=[B], title="建成数字化车间10个"),
        "W2": make_item(cast, task, lead=B, co=[], title="完成老旧小区改造", deadline=dt.date(2026, 6, 30)),
        "W3": make_item(cast, task, lead=A, co=[], title="培育品牌企业", deadline=dt.date(2026, 9, 30)),
        "W4": make_item(cast, task, lead=T, co=[], title="镇街质量提升", deadline=dt.date(2027, 6, 30)),
    }
    for month in (5, 6):
        cycle_open(actor=cast.office, cycle=make_cycle(cast, plan, month=month))
    reports = {f"{w}-{m}": ProgressReport.objects.get(work_item=items[w], cycle__period_start=dt.date(2026, m, 1))
               for w in items for m in (5, 6)}
    parts = {f"W1-{m}": ReportPart.objects.get(report=reports[f"W1-{m}"], unit=B) for m in (5, 6)}
    filed(reports["W1-5"], dt.date(2026, 5, 20))
    filed(reports["W1-6"], dt.date(2026, 6, 28), late=True)
    filed(reports["W3-5"], dt.date(2026, 5, 30), late=True)
    filed(reports["W3-6"], None)
    filed(reports["W2-5"], dt.date(2026, 5, 25))
    filed(reports["W2-6"], None)
    filed(parts["W1-5"], dt.date(2026, 5, 22))
    filed(parts["W1-6"], dt.date(2026, 6, 27))
    filed(reports["W4-5"], dt.date(2026, 5, 24))
    filed(reports["W4-6"], dt.date(2026, 6, 20))

    work_item_complete(actor=cast.office, work_item=items["W1"], on=dt.date(2026, 12, 20))
    work_item_complete(actor=cast.office, work_item=items["W3"], on=dt.date(2026, 10, 15))
    light(items["W1"], "red", changed_on=dt.date(2027, 1, 5), previous="green")
    light(items["W2"], "yellow", changed_on=dt.date(2026, 7, 1), previous="green")
    light(items["W3"], "green", changed_on=dt.date(2026, 10, 15), previous="yellow")
    light(items["W4"], "red", changed_on=dt.date(2026, 11, 1), previous="yellow")

    escalations = {
        "A-s1": escalate("a-s1", A, reports["W1-6"], "supervised", dt.date(2026, 6, 27)),
        "A-s2": escalate("a-s2", A, reports["W3-5"], "supervised", dt.date(2026, 5, 29)),
        "A-s3": escalate("a-s3", A, reports["W3-6"], "supervised", dt.date(2026, 7, 2)),
        "B-s1": escalate("b-s1", B, reports["W1-6"], "supervised", dt.date(2026, 6, 26), part=parts["W1-6"]),
        "B-y1": escalate("b-y1", B, reports["W2-6"], "yellow", dt.date(2026, 6, 26)),
        "T-old": escalate("t-old", T, reports["W4-5"], "supervised", dt.date(2025, 12, 20)),
    }

    with on(dt.date(2026, 4, 1)):
        f1 = finding_create(actor=cast.office, source="office_supervision", title="车间数据未接入平台", unit=A,
                            deadline=dt.date(2026, 8, 31))
        f2 = finding_create(actor=cast.office, source="office_supervision", title="品牌培育台账不全", unit=A,
                            deadline=dt.date(2026, 9, 30))
        f3 = finding_create(actor=cast.office, source="inspection", title="工地扬尘整治不到位", unit=B,
                            deadline=dt.date(2026, 5, 31))
    with on(dt.date(2026, 11, 1)):
        f4 = finding_create(actor=cast.office, source="leader", title="镇街台账更新滞后", unit=T,
                            deadline=dt.date(2027, 2, 28))
    f2 = close_out(cast, f2, cast.liaison_a, dt.date(2026, 9, 15))
    with on(dt.date(2026, 10, 10)):
        f2 = finding_reopen(actor=cast.office, finding=f2, reason="问题反弹", deadline=dt.date(2027, 3, 31))
    f3 = close_out(cast, f3, cast.liaison_b, dt.date(2026, 6, 10))

    q1 = quarterly_indicator(cast, plan=plan, code="Q1", target="99", baseline="90")
    q2 = quarterly_indicator(cast, plan=plan, code="Q2", comparator="<=", target="5", baseline="8", frequency="yearly")
    q3 = quarterly_indicator(cast, plan=plan, code="Q3", target="95", baseline="92", reporters=[(B, "lead"), (A, "co")])
    IndicatorTarget.objects.create(indicator=q1, year=2026, value=Decimal("98"), reason="年度目标",
                                   in_force_from=dt.date(2026, 1, 1))
    periods = {
        "Q1-3": ReportingPeriod.objects.create(indicator=q1, label="2026年第3季度", start=dt.date(2026, 7, 1),
                                               end=dt.date(2026, 9, 30), due_date=dt.date(2026, 10, 15)),
        "Q1-4": ReportingPeriod.objects.create(indicator=q1, label="2026年第4季度", start=dt.date(2026, 10, 1),
                                               end=dt.date(2026, 12, 31), due_date=dt.date(2027, 1, 15)),
        "Q2-y": ReportingPeriod.objects.create(indicator=q2, label="2026年", start=dt.date(2026, 1, 1),
                                               end=dt.date(2026, 12, 31), due_date=dt.date(2027, 1, 15)),
        "Q3-2": ReportingPeriod.objects.create(indicator=q3, label="2026年第2季度", start=dt.date(2026, 4, 1),
                                               end=dt.date(2026, 6, 30), due_date=dt.date(2026, 7, 15)),
    }

    def value(period: str, unit, number: str, day: dt.date) -> Observation:
        return Observation.objects.create(indicator=periods[period].indicator, period=periods[period], unit=unit,
                                          value=Decimal(number), status="approved", first_submitted_at=at(day),
                                          submitted_at=at(day), approved_at=at(day))

    observations = {"Q1-3": value("Q1-3", A, "96", dt.date(2026, 10, 10)),
                    "Q1-4": value("Q1-4", A, "98.5", dt.date(2027, 1, 8)),
                    "Q2-y": value("Q2-y", A, "6", dt.date(2027, 1, 8))}
    return World(cast, items, reports, parts, escalations, {"F1": f1, "F2": f2, "F3": f3, "F4": f4},
                 {"Q1": q1, "Q2": q2, "Q3": q3}, periods, observations)
