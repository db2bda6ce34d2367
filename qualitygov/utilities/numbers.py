"""Number formatting shared by pages, exports and messages."""

from __future__ import annotations

from decimal import Decimal


def decimal_text(value: Decimal | None) -> str:
    """A stored decimal without trailing zeros or exponent: 17.5000 → "17.5", 100.0000 → "100", 90 → "90"."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
