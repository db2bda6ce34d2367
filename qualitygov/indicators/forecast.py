"""Forecast: a least-squares straight line through the observed points, projected to 31 Dec of the target year.

Pure functions, exact arithmetic (fractions) on the year axis of `status.year_position`. Fewer than
`MIN_POINTS` points give "insufficient data". Once the target year is over, the outcome is known:
the latest observed value decides, and the trend is not used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .status import BOTH, DOWN, UP, _frac, cap, direction, to_decimal, year_end, year_position

ON_TRACK, WILL_MISS, INSUFFICIENT = "on_track", "will_miss", "insufficient"
MIN_POINTS = 3


@dataclass
class Forecast:
    status: str
    value: Decimal | None = None
    reason: str = ""
    slope_per_year: Decimal | None = None
    capped: bool = False
    inputs: dict[str, Any] = field(default_factory=dict)


def linear_fit(points: Sequence[tuple[dt.date, Decimal]]) -> tuple[Fraction, Fraction, Fraction]:
    """(slope per year, mean position, mean value) of the least-squares line; needs two distinct dates."""
    xs = [year_position(day) for day, _ in points]
    ys = [_frac(value) for _, value in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("points need at least two distinct dates")
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / sxx, mean_x, mean_y


def meets(value: Fraction, *, comparator: str, target: Decimal, baseline: Decimal | None,
          about_band_pct: Any) -> bool:
    """Whether `value` satisfies the target (an "about" target: within ± about_band_pct % of it)."""
    way = direction(comparator, target, baseline)
    goal = _frac(target)
    if way == UP:
        return value >= goal
    if way == DOWN:
        return value <= goal
    assert way == BOTH
    return abs(value - goal) <= abs(goal) * _frac(about_band_pct) / 100


def project(points: Sequence[tuple[dt.date, Decimal]], *, target_year: int | None, comparator: str,
            target: Decimal, as_of: dt.date, baseline: Decimal | None = None, upper: Decimal | None = None,
            lower: Decimal | None = None, about_band_pct: Any = 5) -> Forecast:
    """Project `points` (period end, value) to the end of `target_year` and say whether the target will be met."""
    points = sorted(points)
    base = {"points": len(points), "target_year": target_year, "horizon": None, "slope_per_year": None}
    if target_year is None:
        return Forecast(INSUFFICIENT, reason="no_target_year", inputs=base)
    horizon = year_end(target_year)
    base["horizon"] = horizon.isoformat()
    check = {"comparator": comparator, "target": target, "baseline": baseline, "about_band_pct": about_band_pct}
    if as_of > horizon:
        known = [(day, value) for day, value in points if day <= horizon]
        if not known:
            return Forecast(INSUFFICIENT, reason="target_year_passed_no_data", inputs=base)
        outcome = _frac(known[-1][1])
        status = ON_TRACK if meets(outcome, **check) else WILL_MISS
        return Forecast(status, to_decimal(outcome), reason="target_year_passed", inputs=base)
    if len(points) < MIN_POINTS:
        return Forecast(INSUFFICIENT, reason="fewer_than_3_points", inputs=base)
    slope, mean_x, mean_y = linear_fit(points)
    raw = mean_y + slope * (year_position(horizon) - mean_x)
    value, capped = cap(raw, upper=upper, lower=lower)
    base["slope_per_year"] = float(to_decimal(slope))
    base["uncapped"] = float(to_decimal(raw))
    status = ON_TRACK if meets(value, **check) else WILL_MISS
    return Forecast(status, to_decimal(value), reason="trend", slope_per_year=to_decimal(slope), capped=capped,
                    inputs={**base, "capped": capped})
