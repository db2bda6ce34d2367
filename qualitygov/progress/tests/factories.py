"""Progress objects built through the real services for tests: a plan task, work items, cycles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.testing import Cast
from qualitygov.plans.models import Plan, Task
from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory
from qualitygov.progress.models import ProgressReport, ReportingCycle, ReportPart, WorkItem
from qualitygov.progress.services import cycle_create, cycle_open, work_item_create

START = dt.date(2026, 1, 1)
DEADLINE = dt.date(2026, 12, 31)


@dataclass
class Setup:
    plan: Plan
    task: Task
    item: WorkItem
    cycle: ReportingCycle
    report: ProgressReport

    def part(self, unit: OrgUnit) -> ReportPart:
        return ReportPart.objects.get(report=self.report, unit=unit)


def make_plan() -> tuple[Plan, Task]:
    plan = Plan.objects.first() or plan_factory()
    group = group_factory(plan=plan, number="一", title="推动经济发展质量效益型跃升")
    return plan, group


def make_task(cast: Cast, plan: Plan | None = None, *, all_towns: bool = False, title: str = "") -> Task:
    if plan is None:
        plan, group = make_plan()
    else:
        group = plan.task_groups.first() or group_factory(plan=plan, number="一", title="任务组")
    return task_factory(plan=plan, group=group, title=title or "推动产业质量升级", lead=[cast.dept_a],
                        co=[cast.dept_b], all_towns=all_towns)


def make_item(cast: Cast, task: Task, *, lead: OrgUnit | None = None, co=None, title: str = "建成数字化车间10个",
              start: dt.date = START, deadline: dt.date = DEADLINE) -> WorkItem:
    return work_item_create(actor=cast.office, task=task, lead_unit=lead or cast.dept_a, title=title,
                            start_date=start, deadline=deadline,
                            co_units=[cast.dept_b, cast.town] if co is None else co)


def make_cycle(cast: Cast, plan: Plan, *, month: int = 5, due: dt.date | None = None) -> ReportingCycle:
    start = dt.date(2026, month, 1)
    end = dt.date(2026, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(2026, 12, 31)
    return cycle_create(actor=cast.office, plan=plan, frequency="monthly", period_start=start, period_end=end,
                        due_date=due or dt.date(2026, month, 25))


def make_setup(cast: Cast, *, co=None, month: int = 5) -> Setup:
    """Task led by 区经信局; one work item led by 区经信局 with co units 区住建局 and 沈家门街道; May opened."""
    task = make_task(cast)
    item = make_item(cast, task, co=co)
    cycle = make_cycle(cast, task.plan, month=month)
    cycle_open(actor=cast.office, cycle=cycle)
    return Setup(plan=task.plan, task=task, item=item, cycle=cycle,
                 report=ProgressReport.objects.get(cycle=cycle, work_item=item))
