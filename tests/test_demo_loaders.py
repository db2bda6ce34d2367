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


def test_demo_series_for_every_seed_indicator(db, monkeypatch):
    from qualitygov.accounts.demo import load as load_accounts
    from qualitygov.indicators import demo as indicators_demo
    from qualitygov.indicators.demo import load
    from qualitygov.planimport.demo import load as load_plan

    # Every seed indicator typed here; the demo's computed indicators (once the feeds' measures are
    # registered) are tested in qualitygov/indicators/tests/test_computed_demo.py.
    monkeypatch.setattr(indicators_demo, "COMPUTED_DEMO", {})
    monkeypatch.setattr(indicators_demo, "REFERENCE_DEMO", {})
    load_accounts()
    load_plan()
    today = dt.date(2026, 11, 26)
    counts = load(today=today)
    assert counts["indicators"] == Indicator.objects.count() == 18
    # With the 2026 targets (demo data) no light says "target year passed": the plan runs to 2027.
    assert counts["lights"] == {"green": 10, "red": 3, "yellow": 5}
    assert counts["targets"] == 36
    assert not IndicatorStatus.objects.filter(rule="target_year_passed").exists()
    assert set(IndicatorStatus.objects.values_list("target_year", flat=True)) == {2026}
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


def test_home_cards_count_what_is_behind_for_the_leader_and_a_liaison(db, client, django_assert_max_num_queries):
    """The indicator and progress cards on the demo: the leader's counts are the district's, a liaison's
    lights are those of the indicators its unit reports."""
    import re

    from django.utils import timezone

    from qualitygov.accounts.models import User
    from qualitygov.indicators.demo import load as load_indicators

    load_accounts()
    load_plans()
    load_indicators(today=dt.date(2026, 11, 26))
    load(today=dt.date(2026, 11, 26))
    today = timezone.localdate()

    client.force_login(User.objects.get(username="leader"))
    # 30 for the shell and the first three cards, and the regulatory red tiles read six measures.
    with django_assert_max_num_queries(40):
        html = client.get("/").content.decode()

    def shown(testid: str) -> int:
        return int(re.search(rf'data-testid="{testid}">(?:<[^>]+>\s*)*[^<\d]*(\d+)', html).group(1))

    # The five computed indicators (I06–I08, I12, I13) stay grey: their values come with the feeds'
    # demo (the `indicators.computed` loader), which this test does not load.
    assert [shown(f"home-light-{light}") for light in ("red", "yellow", "green", "grey")] == [2, 5, 6, 5]
    pending = ("open", "draft", "returned")
    assert shown("home-overdue-reports") == ProgressReport.objects.filter(
        status__in=pending, due_date__lt=today).count() > 0
    assert shown("home-supervised") == EscalationEvent.objects.filter(
        level="supervised", resolved_at__isnull=True).count() > 0
    open_states = ("open", "rectifying", "submitted_for_verification")
    assert shown("home-open-findings") == Finding.objects.filter(status__in=open_states).count() == 4
    assert shown("home-overdue-findings") == Finding.objects.filter(
        status__in=open_states, deadline__lt=today).count()

    liaison = User.objects.get(username="jxj")
    client.force_login(liaison)
    html = client.get("/").content.decode()
    mine = IndicatorStatus.objects.filter(indicator__responsibilities__unit=liaison.unit).distinct()
    assert [shown(f"home-light-{light}") for light in ("red", "yellow", "green")] == [
        mine.filter(light=light).count() for light in ("red", "yellow", "green")]
    assert sum(shown(f"home-light-{light}") for light in ("red", "yellow", "green", "grey")) == Indicator.objects.filter(
        responsibilities__unit=liaison.unit).distinct().count() < 18

    # Each card keeps its declared query budget on real data too.
    from django.test import RequestFactory

    from qualitygov.core import registry

    for username in ("office", "leader", "jxj", "sjm"):
        request = RequestFactory().get("/")
        request.user = User.objects.get(username=username)
        for card in registry.home_cards():
            with django_assert_max_num_queries(card.query_budget):
                card.build(request)


def test_breakdown_table_task_page_and_work_items_agree_on_lead_and_co_units(db, client):
    from django.urls import reverse

    from qualitygov.accounts.models import User
    from qualitygov.plans.io import breakdown_rows

    load_accounts()
    load_plans()
    load(today=dt.date(2026, 5, 27))
    tasks = list(Task.objects.select_related("plan", "group").prefetch_related("responsibilities__unit")
                 .order_by("order"))
    rows = {row.number: row for row in breakdown_rows(tasks)}
    with_co = 0
    for task in tasks:
        resp = sorted(task.responsibilities.all(), key=lambda r: r.order)
        leads = [r.unit for r in resp if r.role == "lead"]
        cos = [r.unit for r in resp if r.role == "co"]
        with_co += bool(cos)
        row = rows[task.number]
        assert row.co == "、".join(u.label for u in cos)
        assert row.lead.split("、")[: len(leads)] == [u.label for u in leads]
        item = WorkItem.objects.get(task=task, title=f"{task.title}年度重点工作")
        assert item.lead_unit == leads[0]
        assert sorted(c.unit_id for c in item.co_units.all()) == sorted(u.pk for u in leads[1:] + cos)
    # The seed lists its units without roles: by the first-listed convention the first leads, the rest co-operate.
    assert (with_co, len(tasks)) == (19, 20)
    task = next(t for t in tasks if t.responsibilities.count() > 1)
    client.force_login(User.objects.get(username="office"))
    page = client.get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    lead_block = page.split('data-testid="lead-units"', 1)[1].split("</dd>", 1)[0]
    co_block = page.split('data-testid="co-units"', 1)[1].split("</dd>", 1)[0]
    first, *rest = sorted(task.responsibilities.all(), key=lambda r: r.order)
    assert first.unit.label in lead_block and all(r.unit.label not in lead_block for r in rest)
    assert all(r.unit.label in co_block for r in rest)
