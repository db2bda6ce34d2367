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


def test_a_stale_definition_edit_is_refused(cast):
    from qualitygov.indicators.models import Indicator, IndicatorTarget
    from qualitygov.indicators.services import indicator_set_targets, indicator_update

    indicator = quarterly_indicator(cast)
    shown = indicator.version
    indicator_update(actor=cast.office, indicator=indicator, name="新名称", version=shown)
    with pytest.raises(ConflictError) as refused:
        indicator_update(actor=cast.office, indicator=indicator, name="旧表单", version=shown)
    assert "该指标已被 office 于" in refused.value.message
    with pytest.raises(ConflictError):
        indicator_set_targets(actor=cast.office, indicator=indicator, targets={2024: "97"}, reason="调整",
                              version=shown)
    stored = Indicator.objects.get(pk=indicator.pk)
    assert (stored.name, stored.version, IndicatorTarget.objects.filter(indicator=indicator).count()) == (
        "新名称", shown + 1, 0)
    indicator_set_targets(actor=cast.office, indicator=indicator, targets={2024: "97"}, reason="调整",
                          version=shown + 1)
    assert Indicator.objects.get(pk=indicator.pk).version == shown + 2


def test_the_entry_page_carries_the_version_and_refuses_a_stale_save(cast, period):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(cast.liaison_a)
    url = reverse("indicators:observation_entry", kwargs={"period": period.pk, "unit": cast.dept_a.pk})
    assert '<input type="hidden" name="version" value="0"' in client.get(url).content.decode()
    assert client.post(url, {"value": "95", "version": "0", "action": "draft"}).status_code == 302
    page = client.post(url, {"value": "96", "version": "0", "action": "draft"})
    assert (page.status_code, "该指标数值已被 liaison_a 于" in page.content.decode()) == (200, True)
    assert list(Observation.objects.values_list("value", "version")) == [(Decimal("95.0000"), 1)]
