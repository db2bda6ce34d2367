"""The dashboard's card on the home page (registered in `apps.py`): the tiles that are red this year."""

from __future__ import annotations

from django.utils import timezone

from .periods import parse_period
from .selectors import dashboard_reach, red_tiles


def home_card(request) -> dict | None:
    """The red tiles, this year to date, for what `request.user` reads on the dashboard (the district,
    or a town reader's first town); None (no card) when the user may not open the dashboard or nothing
    is red. Queries: the user's scope and towns (up to four), the thresholds in force (one), then one
    call of each judged tile's headline measure (6 tiles in the shipped rules)."""
    reach = dashboard_reach(request.user)
    if reach is None:
        return None
    period = parse_period("", timezone.localdate())
    red = red_tiles(reach=reach, period=period)
    if not red:
        return None
    return {"red": red, "period": period, "scope_label": None if reach.district else reach.towns[0].label}
