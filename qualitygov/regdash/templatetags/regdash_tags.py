from __future__ import annotations

from django import template

from ..presentation import display

register = template.Library()


@register.filter
def figure(value, unit: str = "") -> str:
    """A measure's value as text with its unit ("—" when there is none)."""
    return display(value, unit)


@register.filter
def town_value(figures, town_id: int):
    """(value, verdict) of `figures` for a town of the by-town table."""
    return figures.by_town.get(town_id, (None, None))


@register.filter
def at(by_town: dict, town_id: int):
    """A town's MeasureValue in a `measure_by_town` answer."""
    return by_town.get(town_id)


@register.filter
def rows_url(mv) -> str:
    """The first provenance `url` of a MeasureValue (the rows behind it), or ""."""
    for entry in getattr(mv, "provenance", ()) or ():
        if entry.get("url"):
            return str(entry["url"])
    return ""
