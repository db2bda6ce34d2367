"""Template filters of the indicator screens."""

from __future__ import annotations

from decimal import Decimal

from django import template

from ..selectors import decimal_text, status_why

register = template.Library()


@register.filter
def num(value) -> str:
    """A stored decimal without trailing zeros ("17.5"), a float as given, "—" when empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, float):
        return decimal_text(Decimal(repr(value)))
    return str(value)


@register.filter
def why(status) -> list[tuple[str, str]]:
    """The "why" rows of a stored status: actual, expected, gap, rule and thresholds."""
    return status_why(status)


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


@register.filter
def change_lines(changes) -> list[str]:
    """An audit event's changes as lines: "field: old → new" for [old, new] pairs, "field: value" otherwise."""
    if not isinstance(changes, dict):
        return [_plain(changes)] if changes else []
    lines = []
    for key, change in changes.items():
        if isinstance(change, list) and len(change) == 2:
            lines.append(f"{key}: {_plain(change[0])} → {_plain(change[1])}")
        else:
            lines.append(f"{key}: {_plain(change)}")
    return lines
