"""Targets by year drive the lights across a year boundary (2025 → 2026); past lights stay as judged.

The plan (2023—2027) states a 2025 goal only: ≥ 60 from a 2022 baseline of 50. The office adds the 2026
and 2027 targets in January 2026. An approved value counts even before its period ends (the 2026
figure approved in December 2026).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from qualitygov.indicators.models import IndicatorStatus, IndicatorTarget
from qualitygov.indicators.services import (
    indicator_set_targets,
    indicator_status_refresh,
    observation_approve,
    observation_save_draft,
    observation_submit,
    periods_generate,
)
from qualitygov.plans.tests.factories import plan_factory

from .engine_helpers import quarterly_indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(cast):
    plan = plan_factory(period=(2023, 2027))
    found = quarterly_indicator(cast, plan=plan, code="Y1", target="60", baseline="50", frequency="yearly")
    periods_generate(indicator=found, until=dt.date(2026, 12, 31))
    return found


def approve(cast, indicator, label: str, value: str):
    obs = observation_save_draft(actor=cast.liaison_a, period=indicator.periods.get(label=label), unit=cast.dept_a,
                                 value=value, comment="年度数据")
    return observation_approve(actor=cast.office, observation=observation_submit(actor=cast.liaison_a,
                                                                                 observation=obs))


def light(indicator, as_of: dt.date) -> tuple[str, str, float | None, int | None, str]:
    s = indicator_status_refresh(indicator=indicator, as_of=as_of)
    return s.light, s.rule, s.inputs["target"], s.inputs["target_year"], s.latest_period


def test_targets_by_year_drive_the_light_across_the_year_boundary_and_past_lights_stay(cast, indicator):
    approve(cast, indicator, "2024", "56")
    approve(cast, indicator, "2025", "58")
    # January 2026: the 2025 value against the 2025 goal. The plan runs to 2027, so "target year passed"
    # does not apply: 58 is 2 short of 60 (20 % of the 10 from baseline to target): yellow.
    january = dt.date(2026, 1, 5)
    before = light(indicator, january)
    assert before == ("yellow", "behind", 60.0, 2025, "2025")

    indicator_set_targets(actor=None, indicator=indicator, targets={2026: D("62"), 2027: D("64")},
                          reason="延续2025年目标的年度分解", decision="区质量强区办2026年第1次主任会议",
                          in_force_from=dt.date(2026, 1, 10))
    # December 2026: the 2026 value (its year not yet over, approved) is judged against the 2026 target.
    approve(cast, indicator, "2026", "61.2")
    december = dt.date(2026, 12, 3)
    assert light(indicator, december) == ("green", "on_schedule", 62.0, 2026, "2026")
    stored = IndicatorStatus.objects.get(indicator=indicator)
    assert (stored.target_value, stored.target_year) == (D("62.0000"), 2026)
    assert stored.inputs["target_source"] == "office"
    assert stored.inputs["target_set"] == {"reason": "延续2025年目标的年度分解", "decision": "区质量强区办2026年第1次主任会议",
                                           "in_force_from": "2026-01-10"}
    assert stored.inputs["targets_by_year"] == {"2025": 60.0, "2026": 62.0, "2027": 64.0}
    # The chart's path runs through every target year.
    assert [(p["label"], p["expected"]) for p in stored.inputs["expected_path"]][-3:] == [
        ("2025", 60.0), ("2026", 62.0), ("2027", 64.0)]

    # A past day is judged with the targets as they stood then: the January light is unchanged.
    assert light(indicator, january)[:4] == before[:4]

    # The office raises the 2026 target in December: from then on the light uses it; a day before, not.
    indicator_set_targets(actor=None, indicator=indicator, targets={2026: D("64"), 2027: D("64")},
                          reason="上调", decision="区领导小组会议", in_force_from=dt.date(2026, 12, 3))
    assert light(indicator, december) == ("yellow", "behind", 64.0, 2026, "2026")
    # The day before, the 2026 value was not yet approved: the 2025 value is held against the 2026 target
    # (62, as it stood then) on the path through 60 at the end of 2025: 2 behind of 12, yellow.
    assert light(indicator, dt.date(2026, 12, 2)) == ("yellow", "behind", 62.0, 2026, "2025")
    assert IndicatorStatus.objects.get(indicator=indicator).inputs["gap_pct"] == 16.6667
    assert IndicatorStatus.objects.get(indicator=indicator).inputs["targets_by_year"] == {
        "2025": 60.0, "2026": 62.0, "2027": 64.0}
    assert list(IndicatorTarget.objects.filter(indicator=indicator, year=2026)
                .values_list("value", "in_force_from", "superseded_on")) == [
        (D("62.0000"), dt.date(2026, 1, 10), dt.date(2026, 12, 3)), (D("64.0000"), dt.date(2026, 12, 3), None)]


def test_target_year_passed_only_once_the_plan_period_is_over(cast, indicator):
    approve(cast, indicator, "2025", "58")
    # 2026, no target beyond 2025: judged against the 2025 goal, but the plan period is not over.
    assert light(indicator, dt.date(2026, 3, 1))[:2] == ("yellow", "behind")
    # After 2027 (the plan's last year) the missed goal is final.
    assert light(indicator, dt.date(2028, 1, 20))[:2] == ("red", "target_year_passed")


def test_status_json_gives_the_target_of_the_current_year(cast, indicator):
    """`qualitygov indicators status --json`: `target`/`target_year` are what the light was judged against."""
    approve(cast, indicator, "2026", "61.2")
    indicator_set_targets(actor=None, indicator=indicator, targets={2026: D("62")}, reason="年度分解",
                          in_force_from=dt.date(2026, 1, 10))
    out = io.StringIO()
    call_command("indicators", "status", "--json", "--plan", str(indicator.plan_id), "--as-of", "2026-12-03",
                 stdout=out)
    (row,) = json.loads(out.getvalue())
    assert (row["code"], row["target"], row["target_year"], row["plan_target"], row["plan_target_year"],
            row["latest_value"], row["latest_period"], row["status"]) == (
        "Y1", 62, 2026, 60, 2025, 61.2, "2026", "green")
