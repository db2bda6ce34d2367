"""The reporting calendar: periods, labels, due dates, and idempotent generation."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.core.errors import ConflictError
from qualitygov.indicators.calendar import first_reporting_year, periods_between, periods_of_year
from qualitygov.indicators.models import ReportingPeriod
from qualitygov.indicators.services import indicator_update, observation_save_draft, periods_generate

from .engine_helpers import quarterly_indicator


def test_quarters_with_labels_ends_and_due_dates():
    # Without holidays given, working days are Monday to Friday: 15 of them after 31 March 2024 (a
    # Sunday) end on Friday 19 April, and 5 more on Friday 26 April.
    quarters = periods_of_year("quarterly", 2024, due_days=15, grace_days=5)
    assert [(p.label, p.start, p.end, p.due_date, p.deadline) for p in quarters] == [
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31), dt.date(2024, 4, 19), dt.date(2024, 4, 26)),
        ("2024-Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30), dt.date(2024, 7, 19), dt.date(2024, 7, 26)),
        ("2024-Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30), dt.date(2024, 10, 21), dt.date(2024, 10, 28)),
        ("2024-Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31), dt.date(2025, 1, 21), dt.date(2025, 1, 28)),
    ]


def test_months_half_years_and_years():
    months = periods_of_year("monthly", 2024, due_days=10)
    assert len(months) == 12
    assert (months[1].label, months[1].end, months[1].due_date) == ("2024-02", dt.date(2024, 2, 29),
                                                                    dt.date(2024, 3, 14))
    halves = periods_of_year("half_yearly", 2025)
    assert [(p.label, p.end) for p in halves] == [("2025-H1", dt.date(2025, 6, 30)), ("2025-H2", dt.date(2025, 12, 31))]
    (year,) = periods_of_year("yearly", 2025, due_days=31, grace_days=0)
    assert (year.label, year.start, year.end, year.due_date, year.deadline) == (
        "2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 2, 12), dt.date(2026, 2, 12))


def test_periods_between_stop_at_the_date_and_the_last_year():
    specs = periods_between("quarterly", 2025, dt.date(2026, 5, 1))
    assert [p.label for p in specs] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert [p.label for p in periods_between("yearly", 2023, dt.date(2030, 1, 1), last_year=2027)] == [
        "2023", "2024", "2025", "2026", "2027"]


def test_first_reporting_year():
    assert first_reporting_year(baseline_year=2022, plan_start=2023, fallback=2026) == 2023
    assert first_reporting_year(baseline_year=None, plan_start=2024, fallback=2026) == 2024
    assert first_reporting_year(baseline_year=None, plan_start=None, fallback=2026) == 2026


def test_periods_generate_is_idempotent(cast):
    indicator = quarterly_indicator(cast)
    assert periods_generate(indicator=indicator, until=dt.date(2023, 8, 1)) == 3
    assert periods_generate(indicator=indicator, until=dt.date(2023, 8, 1)) == 0
    assert periods_generate(indicator=indicator, until=dt.date(2024, 1, 1)) == 2
    periods = ReportingPeriod.objects.filter(indicator=indicator).order_by("start")
    # 2023 and 2024 have no shipped holiday notice: Monday to Friday count.
    assert [(p.label, p.due_date, p.grace_days, p.deadline) for p in periods] == [
        ("2023-Q1", dt.date(2023, 4, 21), 5, dt.date(2023, 4, 28)),
        ("2023-Q2", dt.date(2023, 7, 21), 5, dt.date(2023, 7, 28)),
        ("2023-Q3", dt.date(2023, 10, 20), 5, dt.date(2023, 10, 27)),
        ("2023-Q4", dt.date(2024, 1, 19), 5, dt.date(2024, 1, 26)),
        ("2024-Q1", dt.date(2024, 4, 19), 5, dt.date(2024, 4, 26))]


def test_periods_stop_with_the_plan(cast):
    indicator = quarterly_indicator(cast, frequency="yearly")
    assert periods_generate(indicator=indicator, until=dt.date(2031, 1, 1)) == 5  # 2023…2027, the plan's end
    assert list(indicator.periods.values_list("label", flat=True)) == ["2023", "2024", "2025", "2026", "2027"]


def test_new_due_days_move_existing_due_dates(cast):
    indicator = quarterly_indicator(cast)
    periods_generate(indicator=indicator, until=dt.date(2023, 5, 1))
    indicator_update(actor=cast.office, indicator=indicator, due_days=20, grace_days=3)
    assert list(indicator.periods.values_list("due_date", "grace_days", "deadline")) == [
        (dt.date(2023, 4, 28), 3, dt.date(2023, 5, 3)), (dt.date(2023, 7, 28), 3, dt.date(2023, 8, 2))]


def test_frequency_change_replaces_empty_periods_and_is_refused_once_values_exist(cast):
    indicator = quarterly_indicator(cast)
    periods_generate(indicator=indicator, until=dt.date(2023, 5, 1))
    indicator_update(actor=cast.office, indicator=indicator, frequency="half_yearly")
    assert indicator.periods.count() == 0
    periods_generate(indicator=indicator, until=dt.date(2023, 8, 1))
    observation_save_draft(actor=cast.liaison_a, period=indicator.periods.first(), unit=cast.dept_a, value="95")
    with pytest.raises(ConflictError):
        indicator_update(actor=cast.office, indicator=indicator, frequency="yearly")
    indicator.refresh_from_db()
    assert indicator.frequency == "half_yearly"
    assert list(indicator.periods.values_list("label", flat=True)) == ["2023-H1", "2023-H2"]


def test_a_report_window_across_national_day_and_a_make_up_saturday(cast):
    """2026 (shipped notice): 中秋 25–27 Sept, 国庆 1–7 Oct, Saturday 10 Oct worked. A Q3 value due 5
    working days after 30 Sept: 8 Oct (1), 9 Oct (2), Saturday 10 Oct (3), 12 Oct (4), 13 Oct (5).
    Three grace working days: 14, 15, 16 Oct."""
    indicator = quarterly_indicator(cast, due_days=5, grace_days=3)
    periods_generate(indicator=indicator, until=dt.date(2026, 10, 1))
    q3 = indicator.periods.get(label="2026-Q3")
    assert (q3.end, q3.due_date, q3.deadline) == (dt.date(2026, 9, 30), dt.date(2026, 10, 13), dt.date(2026, 10, 16))
    # Q2 ends Tuesday 30 June: 1–3 July, 6–7 July; grace 8–10 July (no holiday in between).
    q2 = indicator.periods.get(label="2026-Q2")
    assert (q2.due_date, q2.deadline) == (dt.date(2026, 7, 7), dt.date(2026, 7, 10))
    # Q4 of 2025 ends Wednesday 31 Dec 2025: 元旦 1–3 Jan off, Sunday 4 Jan worked: 4, 5, 6, 7, 8 Jan.
    q4 = indicator.periods.get(label="2025-Q4")
    assert q4.due_date == dt.date(2026, 1, 8)


def test_due_days_changed_on_the_edit_page_move_due_dates_by_working_days(cast):
    indicator = quarterly_indicator(cast)
    periods_generate(indicator=indicator, until=dt.date(2026, 10, 1))
    indicator_update(actor=cast.office, indicator=indicator, due_days=5, grace_days=0)
    assert indicator.periods.values_list("due_date", "deadline").get(label="2026-Q3") == (
        dt.date(2026, 10, 13), dt.date(2026, 10, 13))
