"""How the dashboard writes its figures: on the page (text) and in the workbook (numbers)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .periods import Period
from .rules import UNCONNECTED
from .selectors import TileFigures

TWO = Decimal("0.01")


def number(value: Decimal | None) -> int | float | None:
    """A figure as a spreadsheet number: whole numbers as int, others rounded to two places."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value.quantize(TWO, rounding=ROUND_HALF_UP))


def display(value: Decimal | None, unit: str = "") -> str:
    """A figure as text: "—" when there is none, "98.5%" for a rate, "12 批次" for a count."""
    if value is None:
        return "—"
    shown = number(value)
    text = f"{shown:g}" if isinstance(shown, float) else str(shown)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def export_sheets(*, tiles: list[TileFigures], period: Period, scope_label: str, towns) -> list:
    """The workbook: the tiles (one row each, 未接入 ones included) and the by-town table."""
    # "regulatory dashboard": the context of words other apps translate otherwise ("Figure", "From").
    summary_header = [pgettext("regulatory dashboard", "Group"), pgettext("regulatory dashboard", "Figure"),
                      pgettext("regulatory dashboard", "Value"), _("Unit"), pgettext("regulatory dashboard", "Verdict"), _("Same period last year"),
                      _("Other figures"), pgettext("regulatory dashboard", "From"), pgettext("regulatory dashboard", "To"),
                      pgettext("regulatory dashboard", "Scope")]
    summary = []
    for figures in tiles:
        tile = figures.tile
        if not figures.connected:
            summary.append([str(tile.group), str(tile.label), None, "", _("Not connected"), None, "", None, None,
                            scope_label])
            continue
        others = "；".join(f"{extra.label} {display(extra.value, extra.unit)}" for extra in figures.extras)
        summary.append([str(tile.group), str(tile.label), number(figures.headline.value), figures.headline.unit,
                        figures.verdict.text, number(figures.previous), others, figures.start, figures.end,
                        scope_label])
    town_header = [pgettext("regulatory dashboard", "Figure"), _("Unit"), *[town.label for town in towns]]
    by_town = [[str(f.tile.label), f.headline.unit, *[number(f.by_town.get(town.pk, (None, None))[0]) for town in towns]]
               for f in tiles if f.connected]
    return [(_("Regulatory dashboard"), summary_header, summary), (_("By town"), town_header, by_town)]


def is_unconnected(figures: TileFigures) -> bool:
    return figures.verdict.level == UNCONNECTED
