"""The indicators' card on the home page (registered in `apps.py`): the user's indicators by light and
those that turned red in the last seven days, with why."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.core.choices import Light
from qualitygov.core.registry import INBOX_DUE, INBOX_RETURNED
from qualitygov.core.scoping import scope_for

from .choices import IndicatorState
from .inbox import inbox_items
from .selectors import (
    RULE_LABELS,
    indicator_list_visible,
    indicator_status_list_visible,
    indicators_turned_red_since,
    status_why,
)

#: Order in which the card lists the lights (worst first, so what is behind is read first).
LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY)
#: How many indicators turned red the card names at most (the dashboard lists them all by light).
TURNED_RED_TOP = 5


def red_reason(status) -> str:
    """Why a red light, in words: the rule that fired and the numbers it judged (actual, expected, gap)."""
    values = {key: value for key, _label, value in status_why(status)}
    rule = str(RULE_LABELS.get(status.rule, status.rule)) if status.rule else "—"
    return _("%(rule)s (actual %(actual)s, expected %(expected)s, gap %(gap)s)") % {
        "rule": rule, "actual": values["actual"], "expected": values["expected"], "gap": values["gap"]}


def home_card(request) -> dict | None:
    """Counts of the indicators `request.user` may see, by stored light (none stored counts as grey);
    None when the user sees no indicator. For a unit's liaison also its values to enter (how many
    overdue) and returned, read like the inbox. And the indicators whose light turned red in the last
    seven days (read from the audited light changes), with when and why. Two more queries when some
    visible indicator is red; within the registered budget of twelve (nine for a liaison with red ones)."""
    user = request.user
    total = indicator_list_visible(user=user).active().count()  # retired indicators are not counted
    if not total:
        return None
    lights = list(indicator_status_list_visible(user=user).filter(indicator__state=IndicatorState.ACTIVE).order_by()
                  .values_list("indicator_id", "light"))
    counts = {light: sum(1 for _pk, lit in lights if lit == light) for light in LIGHT_ORDER}
    counts[Light.GREY] += total - len(lights)
    since = timezone.now() - dt.timedelta(days=7)
    turned = indicators_turned_red_since(user=user, since=since, limit=TURNED_RED_TOP,
                                         red_ids=[pk for pk, light in lights if light == Light.RED])
    context = {"total": total, "lights": [(light, Light(light).label, counts[light]) for light in LIGHT_ORDER],
               "turned_red": [{"indicator": status.indicator, "at": at, "why": red_reason(status)}
                              for status, at in turned]}
    change = scope_for(user, Action.CHANGE)
    if not change.empty and not change.everything:
        items = [item for item in inbox_items(user, 50) if item.section in (INBOX_DUE, INBOX_RETURNED)]
        context["filing"] = {
            "due": sum(1 for item in items if item.section == INBOX_DUE),
            "overdue": sum(1 for item in items if item.section == INBOX_DUE and item.overdue),
            "returned": sum(1 for item in items if item.section == INBOX_RETURNED)}
    return context
