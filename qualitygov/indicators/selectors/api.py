"""Scoped lists the API pages through: targets, observations and stored lights."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from qualitygov.accounts.choices import Action

from ..models import (
    IndicatorStatus,
    Observation,
)
from .scoped import indicator_list_visible

# API

def target_list_visible(*, user) -> QuerySet:
    """Targets by year in force now of the indicators `user` may see, by indicator and year."""
    from ..models import IndicatorTarget

    visible = indicator_list_visible(user=user).order_by().values("pk")
    return (IndicatorTarget.objects.current().filter(indicator__in=visible).select_related("indicator")
            .order_by("indicator__plan_id", "indicator__order", "indicator_id", "year"))


def observation_list_visible(*, user, action: str = Action.VIEW) -> QuerySet[Observation]:
    """Observations of the units where `user` may `action`, by indicator, period, unit and town."""
    return (Observation.objects.visible_to(user, action)
            .select_related("indicator", "period", "unit", "town", "submitted_by", "approved_by")
            .order_by("indicator__plan_id", "indicator__order", "indicator_id", "period__start", "unit__path",
                      "town_id", "pk"))


def indicator_status_list_visible(*, user) -> QuerySet[IndicatorStatus]:
    """Stored lights of the indicators `user` may see (indicators never refreshed have none)."""
    visible = indicator_list_visible(user=user).order_by().values("pk")
    return (IndicatorStatus.objects.filter(indicator__in=visible).select_related("indicator")
            .order_by("indicator__plan_id", "indicator__order", "indicator_id"))


# Home page

def indicators_turned_red_since(*, user, since: dt.datetime, red_ids: list[int],
                                limit: int = 5) -> list[tuple[IndicatorStatus, dt.datetime]]:
    """Of `red_ids` (indicators `user` may see whose stored light is red), those whose light turned red
    at or after `since`, with when, most recent first, at most `limit`.

    Read from the audited light changes (events.INDICATOR_STATUS_CHANGE, written by the status refresh
    whenever the colour changes). A first computation (no light before) is not a change. Scoping comes
    from `red_ids`: the events of other indicators are never read. Two queries, none without `red_ids`."""
    from qualitygov.core.choices import Light
    from qualitygov.core.models import AuditEvent

    from .. import events
    from ..models import Indicator

    if not red_ids:
        return []
    when: dict[int, dt.datetime] = {}
    changes = (AuditEvent.objects.filter(action=events.INDICATOR_STATUS_CHANGE,
                                         object_type=Indicator._meta.label_lower,
                                         object_id__in=[str(pk) for pk in red_ids], at__gte=since)
               .order_by("at", "seq").values_list("object_id", "changes", "at"))
    for object_id, change, at in changes:
        before, after = ((change or {}).get("light") or [None, None])[:2]
        if after == Light.RED and before:
            when[int(object_id)] = at  # the latest change to red wins
    if not when:
        return []
    latest = sorted(when, key=lambda pk: when[pk], reverse=True)[:limit]
    statuses = {s.indicator_id: s for s in IndicatorStatus.objects.filter(indicator_id__in=latest)
                .select_related("indicator")}
    return [(statuses[pk], when[pk]) for pk in latest if pk in statuses]
