"""The one `decimal_text` (qualitygov.utilities.numbers): what the plan pages and the indicator pages both show."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qualitygov.utilities.numbers import decimal_text


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (Decimal("17.0000"), "17"), (Decimal("0.5000"), "0.5"), (Decimal("17.5000"), "17.5"),
    (Decimal("100.0000"), "100"), (Decimal("1E+2"), "100"), (Decimal("90"), "90"), (Decimal("-0.2500"), "-0.25"),
    (Decimal("0.0001"), "0.0001"), (Decimal("0"), "0"),
])
def test_decimal_text(value, text):
    assert decimal_text(value) == text


def test_plan_selectors_use_the_shared_one():
    from qualitygov.plans import selectors

    assert selectors.decimal_text is decimal_text
