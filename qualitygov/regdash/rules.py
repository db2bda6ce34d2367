"""Judging a tile's value against the thresholds in force: red, amber or green, always with words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import TileRuleSet

RED, AMBER, GREEN, UNJUDGED, NO_DATA, UNCONNECTED = "red", "amber", "green", "unjudged", "nodata", "unconnected"


@dataclass(frozen=True)
class Verdict:
    """`level` is one of the constants above; `text` says it in words (colour is never the only sign);
    `rule` names the rule set that judged (empty when none did)."""

    level: str
    text: str
    rule: str = ""


def _number(raw) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def rules_in_force(on: dt.date) -> TileRuleSet | None:
    """The threshold set in force on `on` (one query), or None before the first."""
    return TileRuleSet.in_force(on)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def judge(tile_key: str, value: Decimal | None, rule_set: TileRuleSet | None) -> Verdict:
    """The verdict on `value` for the tile `tile_key` under `rule_set`."""
    if value is None:
        return Verdict(NO_DATA, _("No data for this period"))
    rule = ((rule_set.params or {}).get("tiles") or {}).get(tile_key) if rule_set is not None else None
    if not rule:
        return Verdict(UNJUDGED, _("No threshold"))
    name = rule_set.name
    red, amber = _number(rule.get("red")), _number(rule.get("amber"))
    if rule.get("direction", "min") == "max":
        if red is not None and value > red:
            return Verdict(RED, _("Red: above %(n)s") % {"n": _fmt(red)}, name)
        if amber is not None and value > amber:
            return Verdict(AMBER, _("Amber: above %(n)s") % {"n": _fmt(amber)}, name)
        limit = amber if amber is not None else red
        return Verdict(GREEN, _("Green: not above %(n)s") % {"n": _fmt(limit)} if limit is not None else _green(), name)
    if red is not None and value < red:
        return Verdict(RED, _("Red: below %(n)s") % {"n": _fmt(red)}, name)
    if amber is not None and value < amber:
        return Verdict(AMBER, _("Amber: below %(n)s") % {"n": _fmt(amber)}, name)
    limit = amber if amber is not None else red
    return Verdict(GREEN, _("Green: not below %(n)s") % {"n": _fmt(limit)} if limit is not None else _green(), name)


def _green() -> str:
    return pgettext("regulatory dashboard", "Green")
