"""The indicators' card on the home page (registered in `apps.py`): the user's indicators by light."""

from __future__ import annotations

from django.db.models import Count

from qualitygov.core.choices import Light

from .selectors import indicator_list_visible, indicator_status_list_visible

#: Order in which the card lists the lights (worst first, so what is behind is read first).
LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY)


def home_card(request) -> dict | None:
    """Counts of the indicators `request.user` may see, by stored light (none stored counts as grey);
    None when the user sees no indicator. Three queries."""
    user = request.user
    total = indicator_list_visible(user=user).count()
    if not total:
        return None
    counts = dict(indicator_status_list_visible(user=user).order_by().values_list("light").annotate(n=Count("pk")))
    counts[Light.GREY] = counts.get(Light.GREY, 0) + total - sum(counts.values())
    return {"total": total, "lights": [(light, Light(light).label, counts.get(light, 0)) for light in LIGHT_ORDER]}
