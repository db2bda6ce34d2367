"""Light arithmetic (红黄绿灯) with exact values, and stored lights with their inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qualitygov.progress.lights import expected_pct, task_light, work_item_light, worst_light
from qualitygov.progress.models import LightRuleSet, TaskLight, WorkItemLight
from qualitygov.progress.services import lights_recompute, report_approve, report_submit

from .factories import make_setup

START, DEADLINE = dt.date(2026, 1, 1), dt.date(2026, 12, 31)  # 365 days


def light(progress, on, **kw):
    return work_item_light(progress_pct=None if progress is None else Decimal(progress), start=START,
                           deadline=kw.pop("deadline", DEADLINE), on=on, **kw)


def test_expected_pct_is_the_elapsed_share_of_the_span():
    assert expected_pct(start=START, deadline=DEADLINE, on=dt.date(2026, 7, 2)) == Decimal("50.14")  # 183/365
    assert expected_pct(start=START, deadline=DEADLINE, on=START) == Decimal("0.27")  # 1/365
    assert expected_pct(start=START, deadline=DEADLINE, on=dt.date(2025, 12, 31)) == Decimal("0.00")
    assert expected_pct(start=START, deadline=DEADLINE, on=DEADLINE) == Decimal("100.00")
    assert expected_pct(start=START, deadline=dt.date(2026, 1, 10), on=dt.date(2026, 1, 5)) == Decimal("50.00")


@pytest.mark.parametrize(("progress", "colour", "rule", "behind"), [
    ("50.14", "green", "on_schedule", "0.00"),
    ("40.15", "green", "on_schedule", "9.99"),     # 9.99 points behind: still green
    ("40.14", "yellow", "behind_yellow", "10.00"),  # exactly 10 behind: yellow
    ("20.14", "yellow", "behind_yellow", "30.00"),  # exactly 30 behind: still yellow
    ("20.13", "red", "behind_red", "30.01"),       # more than 30 behind: red
    ("80", "green", "on_schedule", "-29.86"),      # ahead of schedule
])
def test_thresholds_on_2_july(progress, colour, rule, behind):
    result = light(progress, dt.date(2026, 7, 2))
    assert (result.light, result.rule, result.behind_pp, result.expected_pct) == (
        colour, rule, Decimal(behind), Decimal("50.14"))


def test_overdue_is_red_whatever_the_progress_and_completed_is_green():
    late = light("99", dt.date(2027, 1, 3))
    assert (late.light, late.rule, late.overdue_days) == ("red", "overdue", 3)
    done = light("99", dt.date(2027, 1, 3), completed=True)
    assert (done.light, done.rule, done.overdue_days) == ("green", "completed", 0)


def test_late_report_makes_yellow_and_no_report_is_grey():
    assert light("50.14", dt.date(2026, 7, 2), late_reports=1).rule == "report_late"
    assert light("50.14", dt.date(2026, 7, 2), late_reports=1).light == "yellow"
    assert (light(None, dt.date(2026, 7, 2)).light, light(None, dt.date(2026, 7, 2)).rule) == ("grey", "no_report")
    # Far behind with no report at all is judged by lateness only.
    assert light(None, dt.date(2026, 7, 2), late_reports=2).light == "yellow"


def test_thresholds_come_from_the_params():
    strict = {"yellow_behind_pp": 5, "red_behind_pp": 15, "red_when_overdue": False, "yellow_when_report_late": False}
    assert light("44", dt.date(2026, 7, 2), params=strict).light == "yellow"   # 6.14 behind
    assert light("35", dt.date(2026, 7, 2), params=strict).light == "red"      # 15.14 behind
    assert light("100", dt.date(2027, 1, 3), params=strict).light == "green"   # overdue ignored, 0 behind
    assert light("50.14", dt.date(2026, 7, 2), late_reports=3, params=strict).light == "green"


def test_inputs_record_everything_used():
    result = light("40", dt.date(2026, 7, 2), late_reports=1)
    assert result.inputs == {
        "on": "2026-07-02", "start": "2026-01-01", "deadline": "2026-12-31", "progress_pct": "40.00",
        "expected_pct": "50.14", "behind_pp": "10.14", "overdue_days": 0, "completed": False, "late_reports": 1,
        "params": {"yellow_behind_pp": 10, "red_behind_pp": 30, "red_when_overdue": True,
                   "yellow_when_report_late": True},
        "rule": "behind_yellow",
    }


def test_task_light_is_the_worst_item_light_with_counts():
    assert worst_light([]) == "grey"
    assert worst_light(["grey", "green"]) == "green"
    assert task_light(["green", "yellow", "green", "grey"]) == (
        "yellow", {"counts": {"green": 2, "yellow": 1, "red": 0, "grey": 1}, "items": 4})
    assert task_light(["yellow", "red"])[0] == "red"


def test_default_rule_set_is_installed_by_migration(db):
    rule_set = LightRuleSet.objects.get()
    assert rule_set.effective_from == dt.date(2023, 1, 1)
    assert rule_set.params == {"yellow_behind_pp": 10, "red_behind_pp": 30, "red_when_overdue": True,
                               "yellow_when_report_late": True}


def test_approval_stores_item_and_task_lights_with_inputs(cast):
    s = make_setup(cast, co=[])
    lights_recompute(on=dt.date(2026, 5, 20))
    assert WorkItemLight.objects.get(work_item=s.item).light == "grey"
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="25", done_text="完成5个车间改造",
                  today=dt.date(2026, 5, 24))
    report_approve(actor=cast.office, report=s.report, today=dt.date(2026, 6, 1))
    stored = WorkItemLight.objects.get(work_item=s.item)
    # 1 June is day 152 of 365: 41.64 % expected; 25 % done → 16.64 points behind → yellow.
    assert (stored.light, stored.rule, stored.as_of) == ("yellow", "behind_yellow", dt.date(2026, 6, 1))
    assert (stored.progress_pct, stored.expected_pct, stored.behind_pp) == (
        Decimal("25.00"), Decimal("41.64"), Decimal("16.64"))
    assert stored.inputs["rule_set"] == LightRuleSet.objects.get().pk
    task = TaskLight.objects.get(task=s.task)
    assert (task.light, task.inputs["counts"]["yellow"]) == ("yellow", 1)


def test_a_newer_rule_set_takes_over_from_its_date(cast):
    s = make_setup(cast, co=[])
    LightRuleSet.objects.create(name="更严", effective_from=dt.date(2026, 6, 1),
                                params={"yellow_behind_pp": 5, "red_behind_pp": 15})
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="35", done_text="进展", today=dt.date(2026, 5, 24))
    report_approve(actor=cast.office, report=s.report, today=dt.date(2026, 5, 31))
    assert WorkItemLight.objects.get(work_item=s.item).light == "green"  # 41.37 − 35 = 6.37 behind, old rules
    lights_recompute(on=dt.date(2026, 6, 1))
    stored = WorkItemLight.objects.get(work_item=s.item)
    assert (stored.light, stored.behind_pp, stored.rule_set.name) == ("yellow", Decimal("6.64"), "更严")
