"""Traffic-light arithmetic: the expected path (序时进度), the ordered light rules, about bands, caps.

Pure functions over plain values: no ORM, no settings. Dates are placed on a continuous year axis
where every calendar year counts as exactly one unit and 31 December of year Y sits at Y, so a
baseline "2022" and a target "2025" are 3 units apart and the expected value at the end of 2024 is
exactly two thirds of the way (`year_position`).

Arithmetic is exact (fractions); values leave this module rounded half-up to 4 decimal places,
the precision of the stored fields.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"
UP, DOWN, BOTH = "up", "down", "both"

#: Parameters of the default rule set; a stored StatusRuleSet overrides any of them.
DEFAULT_PARAMS: dict[str, Any] = {
    "yellow_gap_pct": 10,  # behind the path by ≥ this % of the baseline→target distance: yellow
    "red_gap_pct": 30,  # … by ≥ this %: red
    "about_band_pct": 5,  # "about X": green within ± this % of X around the path
    "about_yellow_factor": 2,  # … yellow within this many bands, red beyond
    "change_factor": 3,  # a value more than this factor away from the previous one needs a comment
    "stale_periods": 2,  # this many overdue periods without data after the latest value: at most yellow
    "remind_days_before": 3,  # reminders go out this many days before the due date
    "overdue_notice_days": 90,  # overdue notices for deadlines passed within this many days
    "rules": ["no_data", "target_met", "about_band", "target_year_passed", "far_behind", "behind",
              "stale_data", "on_schedule"],
}

FOUR_PLACES = Decimal("0.0001")


def to_decimal(value: Fraction | Decimal | int | None) -> Decimal | None:
    """Round half-up to 4 decimal places (None stays None)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def _frac(value: Decimal | int | float | str | Fraction) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(str(value) if isinstance(value, float) else value)


def year_position(day: dt.date) -> Fraction:
    """`day` on the year axis: 31 Dec of Y → Y, 30 Jun 2025 → 2024 + 181/365."""
    days_in_year = 366 if dt.date(day.year, 12, 31).timetuple().tm_yday == 366 else 365
    return Fraction(day.year - 1) + Fraction(day.timetuple().tm_yday, days_in_year)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def params_with_defaults(params: Mapping[str, Any] | None) -> dict[str, Any]:
    merged = dict(DEFAULT_PARAMS)
    merged.update({k: v for k, v in (params or {}).items() if v is not None and v != ""})
    return merged


def direction(comparator: str, target: Decimal, baseline: Decimal | None) -> str:
    """Which way is better: ≥ up, ≤ down, "about" both; "reach X" (=) goes from the baseline towards X."""
    if comparator == ">=":
        return UP
    if comparator == "<=":
        return DOWN
    if comparator == "about":
        return BOTH
    return DOWN if baseline is not None and target < baseline else UP


# Change targets (下降14%, 提高2个百分点, 年均增长10%): a level computed from the baseline year's value

#: Comparators whose target value is a change from the baseline (indicators.choices.Comparator, plan schema 1.1).
CHANGE_COMPARATORS = frozenset({"increase_by", "decrease_by", "increase_pp", "decrease_pp", "annual_growth",
                                "annual_decline"})


@dataclass(frozen=True)
class ResolvedChange:
    """A change target as a level: `comparator` (>= for a rise, <= for a fall) and `target`; or, when
    it cannot be computed, `reason` ("no_baseline_year", "no_baseline_value", "no_target_year")."""

    comparator: str | None = None
    target: Decimal | None = None
    reason: str | None = None


def resolve_change(comparator: str, change: Decimal, *, unit: str, baseline_year: int | None,
                   baseline_value: Decimal | None, target_year: int | None) -> ResolvedChange:
    """The level a change target asks for, from the baseline year's value B and the change X.

    increase_by/decrease_by: B × (1 ± X/100) when the unit is %, else B ± X (an amount in the unit);
    increase_pp/decrease_pp: B ± X percentage points; annual_growth/annual_decline: B × (1 ± X/100)^n,
    n = target year − baseline year. A rise becomes ">= level", a fall "<= level".
    """
    if baseline_year is None:
        return ResolvedChange(reason="no_baseline_year")
    if baseline_value is None:
        return ResolvedChange(reason="no_baseline_value")
    up = comparator in ("increase_by", "increase_pp", "annual_growth")
    sign = 1 if up else -1
    base, x = _frac(baseline_value), _frac(change)
    if comparator in ("annual_growth", "annual_decline"):
        if target_year is None or target_year <= baseline_year:
            return ResolvedChange(reason="no_target_year")
        level = base * (1 + sign * x / 100) ** (target_year - baseline_year)
    elif comparator in ("increase_by", "decrease_by") and unit.strip() in ("%", "％"):
        level = base * (1 + sign * x / 100)
    else:
        level = base + sign * x
    return ResolvedChange(comparator=">=" if up else "<=", target=to_decimal(level))


def unresolved_change(inp: StatusInput, *, change: Decimal, reason: str) -> StatusResult:
    """The grey light of a change target whose level cannot be computed, saying why (rule "change_unresolved")."""
    path = inp.path
    inputs = {"comparator": inp.comparator, "change": _number(change), "change_reason": reason,
              "target_year": path.target_year, "baseline_year": path.baseline_year,
              "baseline": _number(path.baseline_value), "as_of": inp.as_of.isoformat(),
              "actual": _number(inp.latest_value), "rule": "change_unresolved"}
    return StatusResult(light=GREY, rule="change_unresolved", inputs=inputs)


# The expected path

@dataclass(frozen=True)
class Path:
    """Baseline, optional interim targets per year and the final target; straight lines in between."""

    target_year: int | None
    target_value: Decimal
    baseline_year: int | None = None
    baseline_value: Decimal | None = None
    interim: Mapping[int, Decimal] = field(default_factory=dict)

    def points(self) -> list[tuple[int, Fraction]]:
        """(year, value) knots in year order: baseline, interim targets strictly between, final target."""
        knots: dict[int, Fraction] = {}
        if self.baseline_year is not None and self.baseline_value is not None:
            knots[self.baseline_year] = _frac(self.baseline_value)
        low = self.baseline_year if self.baseline_year is not None else -1
        high = self.target_year if self.target_year is not None else 10**6
        for year, value in self.interim.items():
            if low < year < high:
                knots[year] = _frac(value)
        if self.target_year is not None:
            knots[self.target_year] = _frac(self.target_value)
        return sorted(knots.items())

    def expected_at(self, position: Fraction) -> Fraction:
        """The expected value at a year-axis position (flat before the first and after the last knot)."""
        knots = self.points()
        if not knots:
            return _frac(self.target_value)
        if position <= knots[0][0]:
            return knots[0][1]
        for (y0, v0), (y1, v1) in itertools.pairwise(knots):
            if position <= y1:
                return v0 + (v1 - v0) * (position - y0) / (y1 - y0)
        return knots[-1][1]

    def expected_on(self, day: dt.date) -> Fraction:
        return self.expected_at(year_position(day))


def cap(value: Fraction, *, upper: Decimal | None, lower: Decimal | None) -> tuple[Fraction, bool]:
    """`value` clipped to the physical limits; the flag says whether it was clipped."""
    if upper is not None and value > _frac(upper):
        return _frac(upper), True
    if lower is not None and value < _frac(lower):
        return _frac(lower), True
    return value, False


def physical_limits(unit: str, physical_max: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    """(upper, lower): a percentage lives in 0–100; an explicit physical maximum wins for the upper end."""
    is_pct = unit.strip() == "%"
    upper = physical_max if physical_max is not None else (Decimal(100) if is_pct else None)
    return upper, (Decimal(0) if is_pct else None)


# Evaluating the light

@dataclass(frozen=True)
class StatusInput:
    comparator: str
    path: Path
    latest_value: Decimal | None
    value_date: dt.date | None  # end of the period the latest value belongs to
    as_of: dt.date
    upper: Decimal | None = None
    lower: Decimal | None = None
    year_share: Fraction | None = None  # summed indicators: share of the year the year-to-date value covers
    overdue_missing: int = 0  # periods past their deadline with no approved value after the latest one
    params: Mapping[str, Any] = field(default_factory=dict)
    # The last year of the plan period: "target year passed" only after it (None: the path's target year).
    deadline_year: int | None = None


@dataclass
class StatusResult:
    light: str
    rule: str
    expected: Decimal | None = None
    gap: Decimal | None = None
    gap_pct: Decimal | None = None
    inputs: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Context:
    inp: StatusInput
    params: dict[str, Any]
    direction: str
    target: Fraction
    actual: Fraction | None = None
    expected: Fraction | None = None
    gap: Fraction | None = None
    gap_pct: Fraction | None = None
    band: Fraction | None = None
    met: bool = False
    deadline_passed: bool = False


Rule = Callable[[_Context], str | None]


def _rule_no_data(c: _Context) -> str | None:
    return GREY if c.actual is None else None


def _rule_target_met(c: _Context) -> str | None:
    return GREEN if c.direction != BOTH and c.met else None


def _rule_about_band(c: _Context) -> str | None:
    if c.direction != BOTH:
        return None
    deviation = abs(c.actual - c.expected)
    if deviation <= c.band:
        return GREEN
    if c.deadline_passed:
        return RED
    return YELLOW if deviation <= c.band * _frac(c.params["about_yellow_factor"]) else RED


def _rule_target_year_passed(c: _Context) -> str | None:
    return RED if c.deadline_passed and not c.met else None


def _rule_far_behind(c: _Context) -> str | None:
    return RED if c.gap_pct is not None and c.gap_pct >= _frac(c.params["red_gap_pct"]) else None


def _rule_behind(c: _Context) -> str | None:
    return YELLOW if c.gap_pct is not None and c.gap_pct >= _frac(c.params["yellow_gap_pct"]) else None


def _rule_stale_data(c: _Context) -> str | None:
    return YELLOW if c.inp.overdue_missing >= int(c.params["stale_periods"]) else None


def _rule_on_schedule(c: _Context) -> str | None:
    return GREEN


#: Every rule by name; a rule set's `params["rules"]` chooses and orders them. The first that fires wins.
RULES: dict[str, Rule] = {
    "no_data": _rule_no_data,
    "target_met": _rule_target_met,
    "about_band": _rule_about_band,
    "target_year_passed": _rule_target_year_passed,
    "far_behind": _rule_far_behind,
    "behind": _rule_behind,
    "stale_data": _rule_stale_data,
    "on_schedule": _rule_on_schedule,
}


def _number(value: Fraction | Decimal | None) -> float | None:
    return None if value is None else float(to_decimal(value))


def evaluate(inp: StatusInput) -> StatusResult:
    """The light for `inp`: the first rule (in `params["rules"]` order) that fires, with every input used."""
    params = params_with_defaults(inp.params)
    path = inp.path
    c = _Context(inp=inp, params=params, direction=direction(inp.comparator, path.target_value, path.baseline_value),
                 target=_frac(path.target_value))
    last_year = inp.deadline_year if inp.deadline_year is not None else path.target_year
    if last_year is not None:
        c.deadline_passed = inp.as_of > year_end(last_year)
    c.band = abs(c.target) * _frac(params["about_band_pct"]) / 100
    capped = False
    if inp.latest_value is not None and inp.value_date is not None:
        c.actual = _frac(inp.latest_value)
        expected = path.expected_on(inp.value_date)
        if inp.year_share is not None:  # a year-to-date sum is held against the same share of the year's value
            expected = path.expected_at(Fraction(inp.value_date.year)) * inp.year_share
        c.expected, capped = cap(expected, upper=inp.upper, lower=inp.lower)
        year_complete = inp.year_share is None or inp.year_share == 1
        if c.direction == UP:
            c.gap = c.expected - c.actual
            c.met = c.actual >= c.target
        elif c.direction == DOWN:
            c.gap = c.actual - c.expected
            c.met = c.actual <= c.target and year_complete
        else:
            c.gap = abs(c.actual - c.expected)
            c.met = abs(c.actual - c.target) <= c.band and year_complete
        if path.baseline_value is not None and path.baseline_value != path.target_value:
            basis, basis_name = abs(c.target - _frac(path.baseline_value)), "baseline_to_target"
        else:
            basis, basis_name = abs(c.target), "target"
        c.gap_pct = c.gap * 100 / basis if basis else None
    else:
        basis_name = None
    light, fired = GREY, "no_data"
    if c.actual is not None:  # without data no other rule can say anything
        light, fired = GREEN, "none_fired"
        for name in params["rules"]:
            result = RULES[name](c)
            if result is not None:
                light, fired = result, name
                break
    inputs = {
        "comparator": inp.comparator,
        "direction": c.direction,
        "target": _number(path.target_value),
        "target_year": path.target_year,
        "baseline_year": path.baseline_year,
        "baseline": _number(path.baseline_value),
        "interim_targets": {str(y): _number(v) for y, v in sorted(path.interim.items())},
        "as_of": inp.as_of.isoformat(),
        "value_date": inp.value_date.isoformat() if inp.value_date else None,
        "actual": _number(c.actual),
        "expected": _number(c.expected),
        "expected_capped": capped,
        "gap": _number(c.gap),
        "gap_pct": _number(c.gap_pct),
        "gap_basis": basis_name,
        "band": _number(c.band) if c.direction == BOTH else None,
        "year_share": _number(inp.year_share),
        "target_met": c.met,
        "deadline_passed": c.deadline_passed,
        "overdue_missing": inp.overdue_missing,
        "upper_limit": _number(inp.upper),
        "thresholds": {k: params[k] for k in ("yellow_gap_pct", "red_gap_pct", "about_band_pct",
                                               "about_yellow_factor", "stale_periods")},
        "rules": list(params["rules"]),
        "rule": fired,
    }
    return StatusResult(light=light, rule=fired, expected=to_decimal(c.expected), gap=to_decimal(c.gap),
                        gap_pct=to_decimal(c.gap_pct), inputs=inputs)


def expected_path(path: Path, ends: Sequence[tuple[str, dt.date]], *, upper: Decimal | None = None,
                  lower: Decimal | None = None, comparator: str = ">=",
                  about_band_pct: Any = DEFAULT_PARAMS["about_band_pct"]) -> list[dict[str, Any]]:
    """The expected value at each period end, labelled like the series; "about" targets carry their band."""
    out = []
    band = abs(_frac(path.target_value)) * _frac(about_band_pct) / 100
    for label, end in ends:
        value, _capped = cap(path.expected_on(end), upper=upper, lower=lower)
        item: dict[str, Any] = {"label": label, "date": end.isoformat(), "expected": _number(value),
                                "low": None, "high": None}
        if comparator == "about":
            item["low"], item["high"] = _number(value - band), _number(value + band)
        out.append(item)
    return out


# Entry checks shared by the services and the Excel upload

def is_big_change(old: Decimal | None, new: Decimal | None, factor: Decimal | int | str) -> bool:
    """True when `new` is more than `factor` times `old` or less than `old / factor` (zero and sign changes count)."""
    if old is None or new is None or old == new:
        return False
    if old == 0 or new == 0 or (old < 0) != (new < 0):
        return True
    ratio = abs(_frac(new)) / abs(_frac(old))
    factor = _frac(factor)
    return ratio > factor or ratio < 1 / factor


def is_big_relative_change(old: Decimal | None, new: Decimal | None, pct: Decimal | int | str) -> bool:
    """True when `new` lies more than `pct` percent of |old| above or below `old` (from zero, any change counts)."""
    if old is None or new is None or old == new:
        return False
    if old == 0:
        return True
    return abs(_frac(new) - _frac(old)) * 100 > abs(_frac(old)) * _frac(pct)
