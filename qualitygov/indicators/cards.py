"""The indicators' card on the home page (registered in `apps.py`): the user's indicators by light."""

from __future__ import annotations

from django.db.models import Count

from qualitygov.accounts.choices import Action
from qualitygov.core.choices import Light
from qualitygov.core.registry import INBOX_DUE, INBOX_RETURNED
from qualitygov.core.scoping import scope_for

from .inbox import inbox_items
from .selectors import indicator_list_visible, indicator_status_list_visible

#: Order in which the card lists the lights (worst first, so what is behind is read first).
LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY)


def home_card(request) -> dict | None:
    """Counts of the indicators `request.user` may see, by stored light (none stored counts as grey);
    None when the user sees no indicator. For a unit's liaison also its values to enter (how many
    overdue) and returned, read like the inbox. Three queries, at most twelve for a liaison."""
    user = request.user
    total = indicator_list_visible(user=user).count()
    if not total:
        return None
    counts = dict(indicator_status_list_visible(user=user).order_by().values_list("light").annotate(n=Count("pk")))
    counts[Light.GREY] = counts.get(Light.GREY, 0) + total - sum(counts.values())
    context = {"total": total, "lights": [(light, Light(light).label, counts.get(light, 0)) for light in LIGHT_ORDER]}
    change = scope_for(user, Action.CHANGE)
    if not change.empty and not change.everything:
        items = [item for item in inbox_items(user, 50) if item.section in (INBOX_DUE, INBOX_RETURNED)]
        context["filing"] = {
            "due": sum(1 for item in items if item.section == INBOX_DUE),
            "overdue": sum(1 for item in items if item.section == INBOX_DUE and item.overdue),
            "returned": sum(1 for item in items if item.section == INBOX_RETURNED)}
    return context
