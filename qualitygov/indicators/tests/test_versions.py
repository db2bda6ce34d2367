"""Lost updates on indicator values: a save or submit against an older version is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qualitygov.core.errors import ConflictError
from qualitygov.indicators.models import Observation
from qualitygov.indicators.services import observation_save_draft, observation_submit, periods_generate

from .engine_helpers import quarterly_indicator


@pytest.fixture
def period(cast):
    indicator = quarterly_indicator(cast)
    periods_generate(indicator=indicator, until=dt.date(2023, 12, 31))
    return indicator.periods.get(label="2023-Q1")


def test_two_sessions_on_one_value_the_second_is_refused(cast, period):
    first = observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="95", version=0)
    assert first.version == 1
    observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="96", version=1)
    with pytest.raises(ConflictError) as refused:
        observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="97", comment="复核",
                               version=1)
    assert refused.value.code == "stale"
    assert "该指标数值已被 liaison_a 于" in refused.value.message
    assert "（您的版本 1，现为 2）。与您填写的不同之处：数值、说明。" in refused.value.message
    stored = Observation.objects.get(pk=first.pk)
    assert (stored.value, stored.comment, stored.version) == (Decimal("96.0000"), "", 2)


def test_a_second_first_entry_is_refused(cast, period):
    observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="95", version=0)
    with pytest.raises(ConflictError):
        observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="90", version=0)
    assert list(Observation.objects.values_list("value", flat=True)) == [Decimal("95.0000")]


def test_a_stale_submit_is_refused(cast, period):
    obs = observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="95")
    observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="94", version=1)
    with pytest.raises(ConflictError):
        observation_submit(actor=cast.liaison_a, observation=obs, version=1)
    assert Observation.objects.get(pk=obs.pk).status == "draft"
    assert observation_submit(actor=cast.liaison_a, observation=obs, version=2).status == "submitted"
