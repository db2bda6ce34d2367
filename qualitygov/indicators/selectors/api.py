"""Scoped lists the API pages through: targets, observations and stored lights."""

from __future__ import annotations

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

