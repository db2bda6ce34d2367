"""The demo loader: items for every task and every town, reports in every state, once."""

from __future__ import annotations

import datetime as dt

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.demo import load as load_accounts
from qualitygov.accounts.models import OrgUnit
from qualitygov.planimport.demo import load as load_plans
from qualitygov.plans.models import Task
from qualitygov.progress.demo import load
from qualitygov.progress.models import EscalationEvent, Finding, ProgressReport, WorkItem, WorkItemLight


def test_demo_loads_once(db):
    load_accounts()
    load_plans()
    first = load(today=dt.date(2026, 5, 27))
    towns = OrgUnit.objects.filter(kind__in=TOWN_KINDS).count()
    tasks = Task.objects.count()
    town_tasks = Task.objects.filter(all_towns=True).count()
    assert first == {"work_items": tasks + towns * town_tasks, "reports": first["reports"], "findings": 5}
    for town in OrgUnit.objects.filter(kind__in=TOWN_KINDS):
        assert WorkItem.objects.filter(lead_unit=town, status="active").count() == town_tasks
    assert WorkItem.objects.filter(status="proposed").count() == 1
    states = set(ProgressReport.objects.values_list("status", flat=True))
    assert {"open", "submitted", "returned", "approved"} <= states
    assert ProgressReport.objects.filter(submitted_late=True).exists()
    assert set(EscalationEvent.objects.values_list("level", flat=True)) >= {"yellow", "red", "supervised"}
    assert set(WorkItemLight.objects.values_list("light", flat=True)) >= {"green", "yellow"}
    assert set(Finding.objects.values_list("status", flat=True)) == {
        "open", "rectifying", "submitted_for_verification", "closed"}
    assert load(today=dt.date(2026, 5, 27)) == {"work_items": 0, "reports": 0, "findings": 0}
