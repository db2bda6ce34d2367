"""The demo: five seed indicators computed from the feeds' figures, the national statistic with the
district's own sampling pass rate beside it for reference, and no typed demo values for the computed ones.

The feeds and sampling apps register the measures and the feeds' demo exports give them figures; where a
measure is not registered, the test registers a stand-in over real rows (the active towns) and removes it after.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.demo import load as load_accounts
from qualitygov.accounts.models import OrgUnit
from qualitygov.feeds.demo import load as load_feeds
from qualitygov.indicators import demo, measures
from qualitygov.indicators.measures import MeasureValue
from qualitygov.indicators.models import Indicator, Observation
from qualitygov.planimport.demo import load as load_plan

pytestmark = pytest.mark.django_db

KEYS = ("feeds.sampling.pass_rate", "feeds.air.good_rate", "feeds.water.good_rate", "sampling.pass_rate")


def _rate(*, start, end, town_id=None, category=None) -> MeasureValue:
    """A plausible rate over real rows: 100 less a tenth of a point per active town."""
    towns = OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).count()
    return MeasureValue(D(100) - D(towns) / 10, ({"label": "镇街", "count": towns},))


@pytest.fixture
def demo_measures():
    added = [key for key in KEYS if key not in {m.key for m in measures.registered_measures()}]
    for key in added:
        measures.register_measure(key, label="合格率", unit="%", fn=_rate)
    yield
    for key in added:
        measures.unregister_measure(key)


def test_five_seed_indicators_are_computed_in_the_demo_and_get_no_typed_values(demo_measures):
    load_accounts()
    load_plan()
    today = dt.date(2026, 11, 26)
    demo.load(today=today)
    computed = {i.name: i.formula for i in Indicator.objects.filter(data_source="computed")}
    expected = {
        "农产品质量安全": "feeds.sampling.pass_rate[食用农产品]",
        "食品安全": "feeds.sampling.pass_rate[食品]",
        "基本药物": "feeds.sampling.pass_rate[药品]",
        "空气质量": "feeds.air.good_rate",
        "水质": "feeds.water.good_rate",
    }
    assert {next(k for k in expected if k in name): formula for name, formula in computed.items()} == expected
    assert not Observation.objects.filter(indicator__data_source="computed", comment=demo.DEMO_COMMENT).exists()
    national = Indicator.objects.get(name__contains="制造业产品质量合格率")
    assert (national.data_source, national.reference_formula) == ("entered", "sampling.pass_rate")
    assert Observation.objects.filter(indicator=national, comment=demo.DEMO_COMMENT).exists()

    load_feeds(today=today)  # the figures the formulas read (the feeds' measures are registered on main)
    counts = demo.load_computed(today=today)
    assert counts["computed"] > 0 and counts["approved"] > 0
    for indicator in Indicator.objects.filter(data_source="computed"):
        rows = list(Observation.objects.filter(indicator=indicator).order_by("period__start"))
        assert rows and all(o.is_demo and o.provenance["formula"] == indicator.formula for o in rows)
        assert [o.status for o in rows] == ["approved"] * (len(rows) - 1) + ["submitted"]
    # The reference figure is never stored as a value of the national statistic.
    assert not Observation.objects.filter(indicator=national).exclude(comment=demo.DEMO_COMMENT).exists()
