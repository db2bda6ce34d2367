"""The regulatory dashboard (监管数据看板) and each tile's by-town page. GET only; nothing is written.

Readers of the whole district see every town; a town's liaison sees their own town only; anyone
else gets 404 (see `selectors.dashboard_reach`).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.access import access, action_rule
from qualitygov.core.io import xlsx_response
from qualitygov.core.permissions import Action

from . import selectors
from .periods import parse_period, period_choices
from .presentation import export_sheets
from .tiles import TILES_BY_KEY

READ = action_rule(Action.VIEW)


def _reach_or_404(request) -> selectors.Reach:
    reach = selectors.dashboard_reach(request.user)
    if reach is None:
        raise Http404
    return reach


def _choices(request, reach: selectors.Reach):
    """The period and town chosen: a district reader's town defaults to the whole district, a town
    reader's to their first town (they never see the district's totals)."""
    today = timezone.localdate()
    period = parse_period(request.GET.get("period"), today)
    town = reach.town(request.GET.get("town"))
    if town is None and not reach.district:
        town = reach.towns[0]
    return today, period, town


@access(READ)
def dashboard(request):
    """The tiles for the period and town chosen, the by-town table; `?format=xlsx` exports both."""
    reach = _reach_or_404(request)
    today, period, town = _choices(request, reach)
    tiles = selectors.dashboard_tiles(period=period, town=town, towns=reach.towns)
    scope_label = town.label if town is not None else _("Whole district")
    if request.GET.get("format") == "xlsx":
        sheets = export_sheets(tiles=tiles, period=period, scope_label=scope_label, towns=reach.towns)
        return xlsx_response(_("Regulatory dashboard %(period)s.xlsx") % {"period": period.token or today.year},
                             sheets)
    connected = [t for t in tiles if t.connected]
    groups: list[tuple[str, list]] = []
    for figures in connected:
        if not groups or groups[-1][0] != figures.tile.group:
            groups.append((figures.tile.group, []))
        groups[-1][1].append(figures)
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(request, "regdash/dashboard.html", {
        "reach": reach, "period": period, "town": town, "scope_label": scope_label, "groups": groups,
        "connected": connected, "unconnected": [t for t in tiles if not t.connected],
        "periods": period_choices(today), "export_query": query.urlencode(),
    })


@access(READ)
def tile(request, key: str):
    """One tile's measures by town, each value linking to the rows behind it where its measure says."""
    reach = _reach_or_404(request)
    found = TILES_BY_KEY.get(key)
    if found is None:
        raise Http404
    _today, period, town = _choices(request, reach)
    start, end = selectors.tile_span(found, period)
    rows = selectors.tile_breakdown(tile=found, period=period, towns=reach.towns, with_total=reach.district)
    return render(request, "regdash/tile.html", {
        "tile": found, "reach": reach, "period": period, "town": town, "start": start, "end": end, "rows": rows,
        "connected": selectors.is_connected(found.measure),
    })
