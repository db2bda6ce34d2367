"""The demo loaders run in order (accounts, the seed plan, indicator series, progress) and load once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.demo import load as load_accounts
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.models import AuditEvent
from qualitygov.indicators.models import Indicator, IndicatorStatus, Observation
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


def test_demo_series_for_every_seed_indicator(db):
    from qualitygov.accounts.demo import load as load_accounts
    from qualitygov.indicators.demo import load
    from qualitygov.planimport.demo import load as load_plan

    load_accounts()
    load_plan()
    today = dt.date(2026, 11, 26)
    counts = load(today=today)
    assert counts["indicators"] == Indicator.objects.count() == 18
    assert counts["lights"] == {"green": 10, "red": 6, "yellow": 2}
    assert counts["observations"] == Observation.objects.count()
    assert set(Observation.objects.values_list("is_demo", "comment")) == {(True, "演示数据")}
    assert dict(Observation.objects.exclude(status="approved").values_list("indicator__code", "status")) == {
        "I06": "returned", "I12": "submitted", "I14": "draft"}
    lights = dict(IndicatorStatus.objects.values_list("indicator__code", "light"))
    assert [code for code, light in sorted(lights.items()) if light != "green"] == [
        "I02", "I04", "I08", "I11", "I14", "I15", "I17", "I18"]
    assert Indicator.objects.filter(baseline_year=2022, responsibilities__isnull=False).distinct().count() == 18
    assert AuditEvent.objects.filter(action="indicators.demo_load").count() == 1
    # The same values every time; a second load adds nothing.
    assert Observation.objects.get(indicator__code="I15", period__label="2025").value == D("53.5")
    again = load(today=today)
    assert (again["indicators"], again["observations"]) == (0, 0)
    assert AuditEvent.objects.filter(action="indicators.demo_load").count() == 1
