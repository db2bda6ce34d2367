"""An upper assessment loaded from the demo's city-level scheme, under a plan task of the test plan."""

from __future__ import annotations

import datetime as dt

from qualitygov.accounts.testing import Cast
from qualitygov.upperassessment.demo import SCHEME
from qualitygov.upperassessment.models import UpperAssessment, UpperItem
from qualitygov.upperassessment.services import upper_assessment_import, upper_item_assign

DUE = dt.date(2026, 11, 30)


def make_task(cast: Cast):
    from qualitygov.plans.models import Task
    from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory

    found = Task.objects.filter(title="迎接上级质量工作考核").first()
    if found:
        return found
    from qualitygov.plans.models import Plan

    plan = Plan.objects.first() or plan_factory()
    group = plan.task_groups.first() or group_factory(plan=plan, number="一", title="任务组")
    return task_factory(plan=plan, group=group, title="迎接上级质量工作考核", lead=[cast.dept_a])


def make_upper(cast: Cast) -> UpperAssessment:
    return upper_assessment_import(actor=cast.office, year=2026, task=make_task(cast),
                                   text=SCHEME.read_text(encoding="utf-8"), source_name="city-2026.json")


def assigned_item(cast: Cast, code: str = "B1", unit=None) -> UpperItem:
    """Item `code` of the (first) upper assessment, assigned to `unit` (区经信局 by default)."""
    upper = UpperAssessment.objects.first() or make_upper(cast)
    item = UpperItem.objects.get(assessment=upper, code=code)
    if item.lead_unit_id is None:
        item = upper_item_assign(actor=cast.office, item=item, lead_unit=unit or cast.dept_a, due_date=DUE)
    return item
