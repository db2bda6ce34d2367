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


def human_size(n: int) -> str:
    """A byte count for messages: 2057 → "2 KB", 1536 → "1.5 KB", 20971520 → "20 MB"."""
    value, unit = (n / 1048576, "MB") if n >= 1048576 else (n / 1024, "KB")
    return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"
