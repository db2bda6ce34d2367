import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from qualitygov.indicators.models import Observation, ReportingPeriod

from .engine_helpers import quarterly_indicator


def test_one_value_per_period_and_unit_without_town_on_every_database(cast):
    indicator = quarterly_indicator(cast)
    period = ReportingPeriod.objects.create(indicator=indicator, label="2025-Q1", start=dt.date(2025, 1, 1),
                                            end=dt.date(2025, 3, 31), due_date=dt.date(2025, 4, 15))
    Observation.objects.create(indicator=indicator, period=period, unit=cast.dept_a, value=Decimal("95"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(indicator=indicator, period=period, unit=cast.dept_a, value=Decimal("96"))
    # A breakdown by town is one value per town.
    Observation.objects.create(indicator=indicator, period=period, unit=cast.dept_a, town=cast.town, value=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(indicator=indicator, period=period, unit=cast.dept_a, town=cast.town,
                                   value=Decimal("2"))
    assert list(Observation.objects.order_by("pk").values_list("value", flat=True)) == [Decimal("95"), Decimal("1")]
