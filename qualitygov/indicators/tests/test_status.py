"""The light arithmetic, with exact expected values (pure: no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitygov.indicators.status import (
    CHANGE_COMPARATORS,
    DEFAULT_PARAMS,
    Path,
    StatusInput,
    evaluate,
    expected_path,
    is_big_change,
    physical_limits,
    resolve_change,
    unresolved_change,
    year_position,
)

END_2023, END_2024, END_2025 = dt.date(2023, 12, 31), dt.date(2024, 12, 31), dt.date(2025, 12, 31)
IN_2025 = dt.date(2025, 1, 20)
UP_PATH = Path(target_year=2025, target_value=D("99"), baseline_year=2022, baseline_value=D("90"))


def run(value, *, path=UP_PATH, comparator=">=", when=END_2024, as_of=IN_2025, **extra):
    return evaluate(StatusInput(comparator=comparator, path=path, latest_value=None if value is None else D(value),
                                value_date=when if value is not None else None, as_of=as_of, **extra))


def test_year_position_puts_year_ends_on_whole_years():
    assert year_position(END_2024) == 2024
    assert year_position(dt.date(2025, 6, 30)) == Fraction(2024) + Fraction(181, 365)
    assert year_position(dt.date(2024, 6, 30)) == Fraction(2023) + Fraction(182, 366)


def test_expected_path_is_a_straight_line_from_baseline_to_target():
    assert UP_PATH.expected_on(END_2023) == 93
    assert UP_PATH.expected_on(END_2024) == 96
    assert UP_PATH.expected_on(END_2025) == 99
    assert UP_PATH.expected_on(dt.date(2022, 6, 30)) == 90  # flat before the baseline
    assert UP_PATH.expected_on(dt.date(2027, 6, 30)) == 99  # flat after the target year


def test_interim_targets_bend_the_path():
    path = Path(target_year=2025, target_value=D("99"), baseline_year=2022, baseline_value=D("90"),
                interim={2023: D("95"), 2030: D("1")})  # 2030 lies outside and is ignored
    assert path.points() == [(2022, 90), (2023, 95), (2025, 99)]
    assert path.expected_on(END_2024) == 97


@pytest.mark.parametrize(("value", "light", "rule", "gap", "gap_pct"), [
    ("97", "green", "on_schedule", D("-1.0000"), D("-11.1111")),
    ("96", "green", "on_schedule", D("0.0000"), D("0.0000")),
    ("95.2", "green", "on_schedule", D("0.8000"), D("8.8889")),
    ("95.1", "yellow", "behind", D("0.9000"), D("10.0000")),  # exactly 10 % of the distance: yellow
    ("95", "yellow", "behind", D("1.0000"), D("11.1111")),
    ("93.3", "red", "far_behind", D("2.7000"), D("30.0000")),  # exactly 30 %: red
    ("93", "red", "far_behind", D("3.0000"), D("33.3333")),
])
def test_at_least_target_against_the_path(value, light, rule, gap, gap_pct):
    result = run(value)
    assert (result.light, result.rule, result.expected, result.gap, result.gap_pct) == (
        light, rule, D("96.0000"), gap, gap_pct)
    assert result.inputs["expected"] == 96.0
    assert result.inputs["actual"] == float(value)
    assert result.inputs["rule"] == rule
    assert result.inputs["gap_basis"] == "baseline_to_target"


def test_mid_year_value_is_held_against_the_elapsed_share_of_the_year():
    result = run("97", when=dt.date(2025, 6, 30), as_of=dt.date(2025, 7, 20))
    # 90 + 9 × (2 + 181/365) / 3 = 97.48767…
    assert result.expected == D("97.4877")
    assert result.gap == D("0.4877")
    assert result.gap_pct == D("5.4186")
    assert result.light == "green"


@pytest.mark.parametrize(("value", "light", "rule", "gap"), [
    ("13", "green", "on_schedule", D("-1.0000")),
    ("15", "yellow", "behind", D("1.0000")),
    ("17", "red", "far_behind", D("3.0000")),
    ("10.5", "green", "target_met", D("-3.5000")),
])
def test_at_most_target_goes_down(value, light, rule, gap):
    path = Path(target_year=2025, target_value=D("11"), baseline_year=2022, baseline_value=D("20"))
    result = run(value, path=path, comparator="<=")
    assert (result.light, result.rule, result.expected, result.gap) == (light, rule, D("14.0000"), gap)
    assert result.inputs["direction"] == "down"


def test_reach_target_below_the_baseline_goes_down():
    path = Path(target_year=2025, target_value=D("11"), baseline_year=2022, baseline_value=D("20"))
    result = run("15", path=path, comparator="=")
    assert (result.inputs["direction"], result.light, result.gap) == ("down", "yellow", D("1.0000"))


@pytest.mark.parametrize(("value", "as_of", "light"), [
    ("16.0", IN_2025, "green"),  # 0.4 from 16.4, inside ±0.85
    ("17.25", IN_2025, "green"),  # 0.85: on the band's edge
    ("15.2", IN_2025, "yellow"),  # 1.2: inside two bands (1.7)
    ("18.2", IN_2025, "red"),  # 1.8: beyond two bands
])
def test_about_target_is_a_band_around_the_path(value, as_of, light):
    path = Path(target_year=2025, target_value=D("17"), baseline_year=2022, baseline_value=D("15.2"))
    result = run(value, path=path, comparator="about", as_of=as_of)
    assert result.expected == D("16.4000")
    assert (result.light, result.rule) == (light, "about_band")
    assert result.inputs["band"] == 0.85
    assert result.gap == abs(D(value) - D("16.4"))


def test_about_target_after_the_target_year_is_green_inside_the_band_and_red_outside():
    path = Path(target_year=2025, target_value=D("17"), baseline_year=2022, baseline_value=D("15.2"))
    late = dt.date(2026, 11, 26)
    inside = run("17.8", path=path, comparator="about", when=END_2025, as_of=late)
    outside = run("18.0", path=path, comparator="about", when=END_2025, as_of=late)
    assert (inside.light, inside.expected, inside.gap) == ("green", D("17.0000"), D("0.8000"))
    assert (outside.light, outside.gap) == ("red", D("1.0000"))
    assert outside.inputs["deadline_passed"] is True


def test_target_already_met_is_green_whatever_the_path():
    result = run("99.2", when=END_2023, as_of=dt.date(2024, 1, 20))
    assert (result.light, result.rule, result.expected, result.gap, result.gap_pct) == (
        "green", "target_met", D("93.0000"), D("-6.2000"), D("-68.8889"))
    assert result.inputs["target_met"] is True


def test_target_year_in_the_past_and_missed_is_red_even_when_close():
    late = dt.date(2026, 11, 26)
    missed = run("98.9", when=END_2025, as_of=late)
    assert (missed.light, missed.rule, missed.expected, missed.gap, missed.gap_pct) == (
        "red", "target_year_passed", D("99.0000"), D("0.1000"), D("1.1111"))
    met = run("99", when=END_2025, as_of=late)
    assert (met.light, met.rule) == ("green", "target_met")
    # A value from after the target year is held against the final target.
    after = run("98.5", when=dt.date(2026, 9, 30), as_of=late)
    assert (after.light, after.expected) == ("red", D("99.0000"))


def test_percentages_are_capped_at_100():
    path = Path(target_year=2025, target_value=D("100"), baseline_year=2022, baseline_value=D("94"),
                interim={2024: D("105")})  # a typing slip in an interim target
    upper, lower = physical_limits("%", None)
    result = run("99", path=path, upper=upper, lower=lower)
    assert (upper, lower) == (D(100), D(0))
    assert result.expected == D("100.0000")
    assert result.inputs["expected_capped"] is True
    assert (result.gap, result.gap_pct, result.light) == (D("1.0000"), D("16.6667"), "yellow")


def test_physical_limits():
    assert physical_limits("%", D("99.5")) == (D("99.5"), D(0))
    assert physical_limits("件", None) == (None, None)
    assert physical_limits("件", D("50")) == (D("50"), None)


def test_no_data_is_grey_with_the_reason():
    result = run(None)
    assert (result.light, result.rule, result.expected, result.gap) == ("grey", "no_data", None, None)
    assert result.inputs["actual"] is None


def test_missing_periods_after_the_latest_value_turn_a_green_light_yellow():
    assert run("96", overdue_missing=1).light == "green"
    stale = run("96", overdue_missing=2)
    assert (stale.light, stale.rule) == ("yellow", "stale_data")
    assert stale.inputs["overdue_missing"] == 2
    # a light that is already worse stays as it is
    assert run("93", overdue_missing=5).light == "red"


def test_year_to_date_sum_is_held_against_the_same_share_of_the_year():
    path = Path(target_year=2025, target_value=D("120"), baseline_year=2022, baseline_value=D("90"))
    share = year_position(dt.date(2025, 6, 30)) - 2024
    result = run("55", path=path, when=dt.date(2025, 6, 30), as_of=dt.date(2025, 7, 20), year_share=share)
    assert result.expected == D("59.5068")  # 120 × 181/365
    assert (result.gap, result.gap_pct, result.light) == (D("4.5068"), D("15.0228"), "yellow")


def test_rules_and_thresholds_come_from_the_parameters():
    assert run("95", params={"yellow_gap_pct": 12}).light == "green"
    assert run("95", params={"red_gap_pct": 11}).rule == "far_behind"
    only = run("93", params={"rules": ["no_data", "on_schedule"]})
    assert (only.light, only.rule) == ("green", "on_schedule")
    assert only.inputs["rules"] == ["no_data", "on_schedule"]
    assert run("95").inputs["thresholds"] == {"yellow_gap_pct": 10, "red_gap_pct": 30, "about_band_pct": 5,
                                              "about_yellow_factor": 2, "stale_periods": 2}
    assert DEFAULT_PARAMS["rules"][0] == "no_data"


def test_without_a_baseline_the_gap_is_measured_in_percent_of_the_target():
    path = Path(target_year=2025, target_value=D("80"))
    result = run("76", path=path)
    assert (result.expected, result.gap, result.gap_pct, result.light) == (
        D("80.0000"), D("4.0000"), D("5.0000"), "green")
    assert result.inputs["gap_basis"] == "target"


def test_expected_path_points_carry_the_about_band():
    path = Path(target_year=2025, target_value=D("17"), baseline_year=2022, baseline_value=D("15.2"))
    points = expected_path(path, [("2023", END_2023), ("2024", END_2024)], comparator="about")
    assert points == [
        {"label": "2023", "date": "2023-12-31", "expected": 15.8, "low": 14.95, "high": 16.65},
        {"label": "2024", "date": "2024-12-31", "expected": 16.4, "low": 15.55, "high": 17.25},
    ]


@pytest.mark.parametrize(("old", "new", "big"), [
    (None, D("5"), False), (D("10"), D("30"), False), (D("10"), D("30.01"), True), (D("10"), D("3.4"), False),
    (D("10"), D("3.3"), True), (D("0"), D("1"), True), (D("5"), D("-5"), True), (D("4"), D("4"), False),
])
def test_big_change(old, new, big):
    assert is_big_change(old, new, 3) is big


RANK = {"green": 0, "yellow": 1, "red": 2}


@settings(max_examples=200, deadline=None)
@given(low=st.decimals(min_value=0, max_value=100, places=2), high=st.decimals(min_value=0, max_value=100, places=2),
       day=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2027, 12, 31)))
def test_a_better_value_never_gets_a_worse_light(low, high, day):
    low, high = min(low, high), max(low, high)
    for comparator, better, worse in ((">=", high, low), ("<=", low, high)):
        path = UP_PATH if comparator == ">=" else Path(target_year=2025, target_value=D("11"), baseline_year=2022,
                                                       baseline_value=D("20"))
        good = run(str(better), path=path, comparator=comparator, when=day, as_of=day)
        bad = run(str(worse), path=path, comparator=comparator, when=day, as_of=day)
        assert RANK[good.light] <= RANK[bad.light]


# Change targets (plan schema 1.1)

@pytest.mark.parametrize(("comparator", "change", "unit", "expected"), [
    ("decrease_by", "14", "%", ("<=", D("43.0000"))),  # 单位GDP能耗较2020年下降14%: 50 × 0.86
    ("increase_by", "30", "%", (">=", D("65.0000"))),  # 比2020年提高30%
    ("increase_by", "5", "万元/人", (">=", D("55.0000"))),  # an amount in the unit
    ("decrease_by", "5", "天", ("<=", D("45.0000"))),
    ("increase_pp", "2", "个百分点", (">=", D("52.0000"))),
    ("decrease_pp", "2.5", "个百分点", ("<=", D("47.5000"))),
    ("annual_growth", "10", "%", (">=", D("66.5500"))),  # 50 × 1.1³ (2022 → 2025)
    ("annual_decline", "10", "%", ("<=", D("36.4500"))),  # 50 × 0.9³
])
def test_change_targets_resolve_to_a_level_from_the_baseline_value(comparator, change, unit, expected):
    resolved = resolve_change(comparator, D(change), unit=unit, baseline_year=2022, baseline_value=D("50"),
                              target_year=2025)
    assert (resolved.comparator, resolved.target, resolved.reason) == (*expected, None)
    assert comparator in CHANGE_COMPARATORS


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"baseline_year": None, "baseline_value": D("50"), "target_year": 2025}, "no_baseline_year"),
    ({"baseline_year": 2022, "baseline_value": None, "target_year": 2025}, "no_baseline_value"),
    ({"baseline_year": 2022, "baseline_value": D("50"), "target_year": None}, "no_target_year"),
    ({"baseline_year": 2025, "baseline_value": D("50"), "target_year": 2025}, "no_target_year"),
])
def test_change_target_without_what_it_needs_says_why(kwargs, reason):
    resolved = resolve_change("annual_growth", D("10"), unit="%", **kwargs)
    assert (resolved.comparator, resolved.target, resolved.reason) == (None, None, reason)


def test_unresolved_change_is_grey_with_its_reason():
    path = Path(target_year=2025, target_value=D("14"), baseline_year=2020)
    inp = StatusInput(comparator="decrease_by", path=path, latest_value=D("0.5"), value_date=END_2024, as_of=IN_2025)
    result = unresolved_change(inp, change=D("14"), reason="no_baseline_value")
    assert (result.light, result.rule, result.expected, result.gap) == ("grey", "change_unresolved", None, None)
    assert result.inputs == {"comparator": "decrease_by", "change": 14.0, "change_reason": "no_baseline_value",
                             "target_year": 2025, "baseline_year": 2020, "baseline": None,
                             "as_of": "2025-01-20", "actual": 0.5, "rule": "change_unresolved"}
