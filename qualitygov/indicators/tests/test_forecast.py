"""Trend forecasts with exact expected values (pure: no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction

from qualitygov.indicators.forecast import linear_fit, project

TODAY = dt.date(2026, 1, 20)


def years(*pairs):
    return [(dt.date(y, 12, 31), D(v)) for y, v in pairs]


def test_fewer_than_three_points_is_insufficient_data():
    result = project(years((2023, "92"), (2024, "94")), target_year=2027, comparator=">=", target=D("99"),
                     as_of=TODAY)
    assert (result.status, result.value, result.reason) == ("insufficient", None, "fewer_than_3_points")
    assert result.inputs["points"] == 2


def test_least_squares_line_projected_to_the_end_of_the_target_year():
    points = years((2023, "92"), (2024, "94"), (2025, "95"))
    assert linear_fit(points) == (Fraction(3, 2), Fraction(2024), Fraction(281, 3))
    will_miss = project(points, target_year=2027, comparator=">=", target=D("99"), as_of=TODAY)
    assert (will_miss.status, will_miss.value, will_miss.slope_per_year) == ("will_miss", D("98.1667"), D("1.5000"))
    assert will_miss.inputs["horizon"] == "2027-12-31"
    on_track = project(points, target_year=2027, comparator=">=", target=D("98"), as_of=TODAY)
    assert (on_track.status, on_track.value) == ("on_track", D("98.1667"))


def test_at_most_target_with_a_falling_trend():
    points = years((2023, "20"), (2024, "18"), (2025, "17"))
    result = project(points, target_year=2027, comparator="<=", target=D("14"), as_of=TODAY)
    assert (result.status, result.value, result.slope_per_year) == ("on_track", D("13.8333"), D("-1.5000"))
    assert project(points, target_year=2027, comparator="<=", target=D("13.5"), as_of=TODAY).status == "will_miss"


def test_about_target_uses_the_band():
    points = years((2023, "16"), (2024, "16.5"), (2025, "17"))
    narrow = project(points, target_year=2027, comparator="about", target=D("17"), as_of=TODAY, about_band_pct=5)
    wide = project(points, target_year=2027, comparator="about", target=D("17"), as_of=TODAY, about_band_pct=10)
    assert (narrow.value, narrow.status) == (D("18.0000"), "will_miss")  # 1.0 away, band 0.85
    assert (wide.value, wide.status) == (D("18.0000"), "on_track")  # band 1.7


def test_projection_is_capped_at_the_physical_limit():
    points = years((2023, "96"), (2024, "98"), (2025, "100"))
    result = project(points, target_year=2027, comparator=">=", target=D("99"), as_of=TODAY, upper=D(100),
                     lower=D(0))
    assert (result.value, result.capped, result.status) == (D("100.0000"), True, "on_track")
    assert result.inputs["uncapped"] == 104.0


def test_missing_periods_leave_gaps_in_x_not_zeros():
    points = years((2023, "90"), (2025, "94"), (2026, "95"))
    slope, _mean_x, _mean_y = linear_fit(points)
    assert slope == Fraction(12, 7)
    result = project(points, target_year=2027, comparator=">=", target=D("97"), as_of=dt.date(2027, 1, 20))
    assert (result.value, result.status) == (D("97.0000"), "on_track")


def test_quarterly_points_sit_at_their_period_ends():
    points = [(dt.date(2025, 3, 31), D("10")), (dt.date(2025, 6, 30), D("11")), (dt.date(2025, 9, 30), D("12"))]
    result = project(points, target_year=2025, comparator=">=", target=D("13"), as_of=dt.date(2025, 10, 20))
    # days 90, 181, 273 of 365: Sxy = 183, Sxx = 50234/3 (days²) → 365 × 549/50234 = 3.98904 a year;
    # at day 365: 11 + 3.98904 × (365 − 544/3)/365 = 13.00730
    assert result.slope_per_year == D("3.9890")
    assert (result.value, result.status) == (D("13.0073"), "on_track")


def test_target_year_in_the_past_is_decided_by_the_outcome_not_the_trend():
    points = [*years((2023, "96"), (2024, "97"), (2025, "98.9")), (dt.date(2026, 3, 31), D("99.6"))]
    result = project(points, target_year=2025, comparator=">=", target=D("99"), as_of=dt.date(2026, 11, 26))
    assert (result.status, result.value, result.reason) == ("will_miss", D("98.9000"), "target_year_passed")
    met = project(years((2025, "99.1")), target_year=2025, comparator=">=", target=D("99"),
                  as_of=dt.date(2026, 11, 26))
    assert (met.status, met.value) == ("on_track", D("99.1000"))
    nothing = project([], target_year=2025, comparator=">=", target=D("99"), as_of=dt.date(2026, 11, 26))
    assert (nothing.status, nothing.reason) == ("insufficient", "target_year_passed_no_data")


def test_no_target_year_is_insufficient():
    result = project(years((2023, "1"), (2024, "2"), (2025, "3")), target_year=None, comparator=">=",
                     target=D("5"), as_of=TODAY)
    assert (result.status, result.reason) == ("insufficient", "no_target_year")
