"""Traffic-light arithmetic (红黄绿灯): pure functions, no database.

The time-proportional schedule (序时进度) of a work item on a day is the elapsed share of its span
`start_date … deadline`, in percent. "Behind" is schedule minus actual progress, in percentage
points. With the default rule set: green when less than 10 points behind, yellow from 10 to 30
points behind, red when more than 30 points behind or past the deadline and not completed; a report
past its due date and not submitted makes the item at least yellow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .choices import LIGHT_SEVERITY, Light

HUNDRED = Decimal(100)
CENT = Decimal("0.01")

DEFAULT_LIGHT_PARAMS: dict[str, Any] = {
    "yellow_behind_pp": 10, "red_behind_pp": 30, "red_when_overdue": True, "yellow_when_report_late": True,
}


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def expected_pct(*, start: dt.date, deadline: dt.date, on: dt.date) -> Decimal:
    """Elapsed share of `start … deadline` on `on` (both ends count as whole days), 0–100, 2 decimals."""
    if on < start:
        return Decimal("0.00")
    if on >= deadline:
        return Decimal("100.00")
    total = (deadline - start).days + 1
    elapsed = (on - start).days + 1
    return _q(Decimal(elapsed) * HUNDRED / Decimal(total))


@dataclass(frozen=True)
class LightResult:
    light: str
    rule: str
    progress_pct: Decimal | None
    expected_pct: Decimal | None
    behind_pp: Decimal | None
    overdue_days: int
    inputs: dict[str, Any] = field(default_factory=dict)


def work_item_light(
    *,
    progress_pct: Decimal | None,
    start: dt.date,
    deadline: dt.date,
    on: dt.date,
    completed: bool = False,
    late_reports: int = 0,
    params: dict[str, Any] | None = None,
) -> LightResult:
    """The light of one work item on `on`; `late_reports` counts its reports past due and not submitted.

    Rules are checked in this order, the first that fires wins: completed → green; overdue → red;
    more than `red_behind_pp` behind → red; at least `yellow_behind_pp` behind → yellow; a late
    report → yellow; no progress reported yet and nothing late → grey; else green.
    """
    p = {**DEFAULT_LIGHT_PARAMS, **(params or {})}
    yellow_at = Decimal(str(p["yellow_behind_pp"]))
    red_over = Decimal(str(p["red_behind_pp"]))
    expected = expected_pct(start=start, deadline=deadline, on=on)
    actual = None if progress_pct is None else _q(Decimal(progress_pct))
    behind = None if actual is None else _q(expected - actual)
    overdue_days = max(0, (on - deadline).days) if not completed else 0
    inputs = {
        "on": on.isoformat(), "start": start.isoformat(), "deadline": deadline.isoformat(),
        "progress_pct": None if actual is None else str(actual), "expected_pct": str(expected),
        "behind_pp": None if behind is None else str(behind), "overdue_days": overdue_days,
        "completed": completed, "late_reports": late_reports, "params": p,
    }

    def result(light: str, rule: str) -> LightResult:
        return LightResult(light, rule, actual, expected, behind, overdue_days, {**inputs, "rule": rule})

    if completed:
        return result(Light.GREEN, "completed")
    if p["red_when_overdue"] and overdue_days > 0:
        return result(Light.RED, "overdue")
    if behind is not None and behind > red_over:
        return result(Light.RED, "behind_red")
    if behind is not None and behind >= yellow_at:
        return result(Light.YELLOW, "behind_yellow")
    if p["yellow_when_report_late"] and late_reports > 0:
        return result(Light.YELLOW, "report_late")
    if actual is None:
        return result(Light.GREY, "no_report")
    return result(Light.GREEN, "on_schedule")


def worst_light(lights: list[str]) -> str:
    """The most severe of `lights` (red > yellow > green > grey); grey for none."""
    return max(lights, key=lambda light: LIGHT_SEVERITY[light], default=Light.GREY)


#: How a task's light follows from its work items' lights (the `task_rollup` parameter of a rule set).
ROLLUP_WORST = "worst"  # the worst item's light: one red item makes the task red
ROLLUP_SHARE = "share"  # red from `task_red_share` % red items, yellow from `task_yellow_share` % red or yellow
ROLLUPS = (ROLLUP_WORST, ROLLUP_SHARE)
DEFAULT_ROLLUP_PARAMS: dict[str, Any] = {"task_rollup": ROLLUP_WORST, "task_red_share": 50, "task_yellow_share": 30}


def task_light(lights: list[str], params: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """A task's light from its work items' lights, by the rule set's `task_rollup`, with the count of
    each colour and the rule that fired ("worst_item", or "share_red" / "share_yellow" / "share_green").

    Under "share", grey items (nothing reported yet) do not count; a task whose items are all grey is grey.
    """
    p = {**DEFAULT_ROLLUP_PARAMS, **(params or {})}
    counts = {colour: 0 for colour in (Light.GREEN, Light.YELLOW, Light.RED, Light.GREY)}
    for light in lights:
        counts[light] += 1
    inputs: dict[str, Any] = {"counts": {str(k): v for k, v in counts.items()}, "items": len(lights)}
    if p["task_rollup"] != ROLLUP_SHARE:
        return worst_light(lights), inputs
    lit = len(lights) - counts[Light.GREY]
    inputs.update(rollup=ROLLUP_SHARE, red_share=p["task_red_share"], yellow_share=p["task_yellow_share"])
    if not lit:
        return Light.GREY, {**inputs, "rule": "share_none"}
    red = Decimal(counts[Light.RED] * 100) / lit
    warn = Decimal((counts[Light.RED] + counts[Light.YELLOW]) * 100) / lit
    if red >= Decimal(str(p["task_red_share"])):
        return Light.RED, {**inputs, "rule": "share_red"}
    if warn >= Decimal(str(p["task_yellow_share"])):
        return Light.YELLOW, {**inputs, "rule": "share_yellow"}
    return Light.GREEN, {**inputs, "rule": "share_green"}
