"""The dashboard's reads: who sees which towns, and each tile's figures for a period.

Every figure comes from a registered measure (`qualitygov.indicators.measures`), never from another
app's tables. Costs: per connected tile, one call of each of its measures for the tile (headline and
extras), one for the same span a year earlier, and one `measure_by_town` of the headline for the
by-town table; a measure with a `by_town` answers every town at once, so the page's query count does
not grow with the number of towns.

Who sees it (documented in docs/user-guide.md): users whose view scope covers the whole district
(office, leaders, district viewers) see every town; a user whose view scope covers some towns (a
town liaison) sees those towns only, and the tiles show their own town's figures; anyone else (a
department's liaison, 区市场监管分局 staff included, unless the office grants them a district-wide
viewer role) gets 404, as for a page that does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from qualitygov.accounts.choices import TOWN_KINDS, Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.scoping import scope_for
from qualitygov.indicators.measures import (
    MeasureValue,
    UnknownMeasure,
    get_measure,
    measure_by_town,
    measure_memo,
    measure_value,
)

from .models import TileRuleSet
from .periods import Period
from .rules import RED, UNCONNECTED, Verdict, judge, rules_in_force
from .tiles import TILES, Tile


@dataclass(frozen=True)
class Reach:
    """What a user may read: `district` (every town and the district's totals) or only `towns`."""

    district: bool
    towns: tuple[OrgUnit, ...]

    def town(self, raw: Any) -> OrgUnit | None:
        """The town `raw` (an id from the query string) names among `towns`, else None."""
        try:
            wanted = int(raw)
        except (TypeError, ValueError):
            return None
        return next((town for town in self.towns if town.pk == wanted), None)


def _district_root_id() -> int | None:
    return (OrgUnit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first())


def dashboard_reach(user) -> Reach | None:
    """The towns `user` may read on the dashboard, or None when the user may not open it (404).

    Kept on the user object beside the scope it was read from (the navigation and the home card both
    ask in one request); a new scope (`forget_scopes` after a grant changed) reads it again."""
    scope = scope_for(user, Action.VIEW)
    cached = getattr(user, "__dict__", {}).get("_regdash_reach")
    if cached is not None and cached[0] is scope:
        return cached[1]
    reach = _reach_for(scope)
    if hasattr(user, "__dict__"):
        user.__dict__["_regdash_reach"] = (scope, reach)
    return reach


def _reach_for(scope) -> Reach | None:
    if scope.empty:
        return None
    towns = tuple(OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).order_by("sort_order", "pk"))
    if scope.everything or _district_root_id() in scope.unit_ids:
        return Reach(district=True, towns=towns)
    mine = tuple(town for town in towns if town.pk in scope)
    return Reach(district=False, towns=mine) if mine else None


def may_open_dashboard(user) -> bool:
    """Whether the dashboard opens for `user` (the navigation hides it otherwise, rather than link to a 404)."""
    return dashboard_reach(user) is not None


def is_connected(key: str) -> bool:
    try:
        get_measure(key)
    except UnknownMeasure:
        return False
    return True


@dataclass
class Figure:
    """One measure's value on a tile."""

    key: str
    label: Any
    unit: str
    value: Decimal | None
    provenance: tuple[dict[str, Any], ...] = ()


@dataclass
class TileFigures:
    tile: Tile
    connected: bool
    start: dt.date | None = None
    end: dt.date | None = None
    headline: Figure | None = None
    extras: list[Figure] = field(default_factory=list)
    previous: Decimal | None = None
    verdict: Verdict = field(default_factory=lambda: Verdict(UNCONNECTED, ""))
    url: str = ""
    by_town: dict[int, tuple[Decimal | None, Verdict]] = field(default_factory=dict)


def _figure(key: str, mv: MeasureValue) -> Figure:
    measure = get_measure(key)
    return Figure(key=key, label=measure.label, unit=measure.unit, value=mv.value, provenance=tuple(mv.provenance))


def tile_span(tile: Tile, period: Period) -> tuple[dt.date, dt.date]:
    return (period.year_start if tile.year_to_date else period.start), period.end


def tile_url(tile: Tile, period: Period, town: OrgUnit | None, provenance: tuple[dict[str, Any], ...]) -> str:
    """The rows behind the tile: its headline's first provenance entry with a `url`, else the tile's
    by-town page for the same period and town."""
    for entry in provenance:
        if entry.get("url"):
            return str(entry["url"])
    query = {k: v for k, v in (("period", period.token), ("town", town.pk if town else "")) if v}
    return reverse("regdash:tile", args=[tile.key]) + (f"?{urlencode(query)}" if query else "")


@measure_memo()  # tiles share reads (one sampling count for six figures)
def dashboard_tiles(*, period: Period, town: OrgUnit | None, towns: tuple[OrgUnit, ...] = (),
                    compare: bool = True, only: tuple[Tile, ...] | None = None,
                    rule_set: TileRuleSet | str | None = "in force") -> list[TileFigures]:
    """Each tile's figures for `period` (the district's, or `town`'s), judged by the thresholds in
    force on the period's last day; `towns` also fills each tile's by-town values. `compare` adds the
    headline for the same span a year earlier. A tile whose headline measure is not registered comes
    back with `connected` False and costs nothing."""
    if isinstance(rule_set, str):
        rule_set = rules_in_force(period.end)
    town_id = town.pk if town is not None else None
    town_ids = [t.pk for t in towns]
    result = []
    for tile in (only if only is not None else TILES):
        if not is_connected(tile.measure):
            result.append(TileFigures(tile=tile, connected=False))
            continue
        start, end = tile_span(tile, period)
        headline = _figure(tile.measure, measure_value(tile.measure, start=start, end=end, town_id=town_id))
        extras = [_figure(key, measure_value(key, start=start, end=end, town_id=town_id))
                  for key in tile.extras if is_connected(key)]
        figures = TileFigures(tile=tile, connected=True, start=start, end=end, headline=headline, extras=extras,
                              verdict=judge(tile.key, headline.value, rule_set),
                              url=tile_url(tile, period, town, headline.provenance))
        if compare:
            before = Period(period.token, *(_shift(tile, period)), period.label)
            figures.previous = measure_value(tile.measure, start=before.start, end=before.end, town_id=town_id).value
        if town_ids:
            found = measure_by_town(tile.measure, start=start, end=end, town_ids=town_ids)
            figures.by_town = {pk: (mv.value, judge(tile.key, mv.value, rule_set)) for pk, mv in found.items()}
        result.append(figures)
    return result


def _shift(tile: Tile, period: Period) -> tuple[dt.date, dt.date]:
    start, end = period.a_year_earlier()
    return (dt.date(start.year, 1, 1) if tile.year_to_date else start), end


@measure_memo()  # tiles share reads (one sampling count for six figures)
def tile_breakdown(*, tile: Tile, period: Period, towns: tuple[OrgUnit, ...], with_total: bool
                   ) -> list[tuple[Figure, dict[int, MeasureValue]]]:
    """For each of the tile's registered measures: the total (when `with_total`) and every town's value,
    each with its provenance. Two calls per measure whatever the number of towns."""
    start, end = tile_span(tile, period)
    rows = []
    for key in tile.measure_keys:
        if not is_connected(key):
            continue
        total = (_figure(key, measure_value(key, start=start, end=end)) if with_total
                 else _figure(key, MeasureValue(None)))
        rows.append((total, measure_by_town(key, start=start, end=end, town_ids=[t.pk for t in towns])))
    return rows


@measure_memo()  # tiles share reads (one sampling count for six figures)
def red_tiles(*, reach: Reach, period: Period) -> list[TileFigures]:
    """The tiles judged red for `reach` (the district, or a town reader's first town) in `period`.
    Only tiles with a threshold in force are read: one query for the rules, then their measures."""
    rule_set = rules_in_force(period.end)
    judged = set(((rule_set.params or {}).get("tiles") or {}) if rule_set is not None else ())
    tiles = tuple(tile for tile in TILES if tile.key in judged)
    town = None if reach.district else reach.towns[0]
    return [f for f in dashboard_tiles(period=period, town=town, compare=False, only=tiles, rule_set=rule_set)
            if f.verdict.level == RED]
