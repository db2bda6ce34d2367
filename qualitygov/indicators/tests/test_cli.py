"""`qualitygov indicators status|remind|recompute` and the demo series."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qualitygov.core.models import Notification
from qualitygov.indicators.models import IndicatorStatus
from qualitygov.indicators.services import (
    observation_approve,
    observation_save_draft,
    observation_submit,
    periods_generate,
)

from .engine_helpers import quarterly_indicator

KEYS = ["code", "name", "unit", "origin", "state", "source", "formula", "comparator", "target", "target_year", "plan_target", "plan_target_year",
        "latest_value", "latest_period", "status", "status_inputs", "forecast_value", "forecast_status"]


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def plan(cast):
    indicator = quarterly_indicator(cast)
    quarterly_indicator(cast, plan=indicator.plan, code="Q2", comparator="about", target="17", baseline="15.2")
    periods_generate(indicator=indicator, until=dt.date(2024, 12, 31))
    for label, value in [("2023-Q4", "92.5"), ("2024-Q2", "94"), ("2024-Q4", "95")]:
        obs = observation_save_draft(actor=cast.liaison_a, period=indicator.periods.get(label=label),
                                     unit=cast.dept_a, value=value, comment="季度数据")
        observation_approve(actor=cast.office, observation=observation_submit(actor=cast.liaison_a, observation=obs))
    return indicator.plan


def test_status_json_prints_every_indicator_of_the_current_plan(plan):
    rows = json.loads(run("status", "--json", "--as-of", "2025-01-25"))
    assert [list(row) for row in rows] == [KEYS, KEYS]
    first, second = rows
    assert {k: v for k, v in first.items() if k != "status_inputs"} == {
        "code": "Q1", "name": "Q1 抽检合格率", "unit": "%", "origin": "plan", "state": "active", "source": "typed",
        "formula": "", "comparator": ">=", "target": 99, "target_year": 2025,
        "plan_target": 99, "plan_target_year": 2025, "latest_value": 95, "latest_period": "2024-Q4", "status": "yellow", "forecast_value": 97.5842,
        "forecast_status": "will_miss"}
    inputs = first["status_inputs"]
    assert (inputs["rule"], inputs["expected"], inputs["actual"], inputs["gap"], inputs["gap_pct"]) == (
        "behind", 96.0, 95.0, 1.0, 11.1111)
    assert inputs["series"] == [["2023-Q4", 92.5], ["2024-Q2", 94.0], ["2024-Q4", 95.0]]
    assert {k: v for k, v in second.items() if k != "status_inputs"} == {
        "code": "Q2", "name": "Q2 抽检合格率", "unit": "%", "origin": "plan", "state": "active", "source": "typed",
        "formula": "", "comparator": "about", "target": 17, "target_year": 2025,
        "plan_target": 17, "plan_target_year": 2025, "latest_value": None, "latest_period": None, "status": "grey", "forecast_value": None,
        "forecast_status": "insufficient"}
    assert IndicatorStatus.objects.get(indicator__code="Q1").as_of == dt.date(2025, 1, 25)


def test_status_text_and_plan_choice(plan):
    text = run("status", "--plan", str(plan.pk), "--as-of", "2025-01-25")
    assert "Q1    yellow" in text
    with pytest.raises(CommandError):
        run("status", "--plan", "999999")
    with pytest.raises(CommandError):
        run("status", "--as-of", "25.01.2025")


def test_remind_twice_sends_nothing_twice(plan):
    assert run("remind", "--today", "2024-12-01") == (
        "reminders sent: 0, overdue notices sent: 1, already sent before: 0\n")
    assert run("remind", "--today", "2024-12-01") == (
        "reminders sent: 0, overdue notices sent: 0, already sent before: 1\n")
    assert Notification.objects.count() == 1


def test_recompute(plan):
    assert run("recompute", "--as-of", "2025-01-25") == (
        "periods created: 10; computed values: {'created': 0, 'updated': 0, 'unchanged': 0, 'skipped': 0}; "
        "lights: {'yellow': 1, 'grey': 1}\n")
