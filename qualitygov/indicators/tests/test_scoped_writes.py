"""Indicator writes check the actor's scope over everything they touch (an office admin granted on one
department, `office_dept`, is not the district's office)."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.accounts.testing import Cast, build_cast
from qualitygov.core.errors import NotFoundError
from qualitygov.indicators.models import IndicatorResponsibility, IndicatorTarget
from qualitygov.indicators.services import (
    indicator_set_responsibilities,
    indicator_set_targets,
    indicator_update,
    observation_save_draft,
    periods_generate,
)

from .engine_helpers import quarterly_indicator


@pytest.fixture
def cast(db) -> Cast:
    """The cast with `office_dept`, an office admin granted on 区住建局 only."""
    return build_cast(scoped_office=True)


def test_a_scoped_office_admin_cannot_change_district_wide_definitions(cast):
    indicator = quarterly_indicator(cast)
    name, targets = indicator.name, list(IndicatorTarget.objects.filter(indicator=indicator).values_list("year", "value"))
    units = list(IndicatorResponsibility.objects.filter(indicator=indicator).values_list("unit_id", "role"))
    with pytest.raises(NotFoundError):
        indicator_update(actor=cast.office_dept, indicator=indicator, name="改名")
    with pytest.raises(NotFoundError):
        indicator_set_targets(actor=cast.office_dept, indicator=indicator, targets={}, reason="调整")
    with pytest.raises(NotFoundError):
        indicator_set_responsibilities(actor=cast.office_dept, indicator=indicator, units=[(cast.dept_b, "lead")])
    indicator.refresh_from_db()
    assert indicator.name == name
    assert list(IndicatorTarget.objects.filter(indicator=indicator).values_list("year", "value")) == targets
    assert list(IndicatorResponsibility.objects.filter(indicator=indicator).values_list("unit_id", "role")) == units
    assert indicator_update(actor=cast.office, indicator=indicator, name="改名").name == "改名"


def test_a_scoped_office_admin_cannot_enter_values_for_other_units(cast):
    indicator = quarterly_indicator(cast)
    periods_generate(indicator=indicator, until=dt.date(2023, 12, 31))
    period = indicator.periods.get(label="2023-Q1")
    with pytest.raises(NotFoundError):
        observation_save_draft(actor=cast.office_dept, period=period, unit=cast.dept_a, value="95")
    assert period.observations.count() == 0
