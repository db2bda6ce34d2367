"""Work waiting for a user: the review queue, pending change requests, a unit's indicators and what is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from qualitygov.accounts.models import OrgUnit

from ..choices import ChangeRequestStatus, DataSource, IndicatorState, ObservationStatus, Origin
from ..models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorStatus,
    Observation,
    ObservationChangeRequest,
    ReportingPeriod,
)
from .scoped import REVIEW_ACTIONS, indicator_list_visible, observations_visible

# Review

def review_queue(*, user) -> QuerySet[Observation]:
    """Submitted observations the user may review (approve or review at the unit), oldest first, each with
    `previous_value` (the unit's value for the latest earlier period) beside it."""
    no_town = Value(0)
    previous = (Observation.objects.annotate(town_key=Coalesce("town_id", no_town))
                .filter(indicator_id=OuterRef("indicator_id"), unit_id=OuterRef("unit_id"),
                        town_key=Coalesce(OuterRef("town_id"), no_town), period__start__lt=OuterRef("period__start"),
                        value__isnull=False)
                .order_by("-period__start").values("value")[:1])
    return (observations_visible(user, REVIEW_ACTIONS).filter(status=ObservationStatus.SUBMITTED)
            .annotate(previous_value=Subquery(previous))
            .select_related("indicator", "indicator__status", "period", "unit", "town", "submitted_by")
            .order_by("submitted_at", "pk"))


def change_requests_pending(*, user) -> QuerySet[ObservationChangeRequest]:
    scoped = observations_visible(user, REVIEW_ACTIONS).values("pk")
    return (ObservationChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING, observation__in=scoped)
            .select_related("observation", "observation__indicator", "observation__period", "observation__unit",
                            "observation__town", "requested_by")
            .order_by("requested_at", "pk"))


# Unit page

@dataclass
class DueItem:
    indicator: Indicator
    period: ReportingPeriod
    observation: Observation | None
    overdue: bool


def unit_indicators(*, user, unit: OrgUnit) -> list[Indicator]:
    """Visible indicators `unit` is responsible for, with their stored status."""
    return list(indicator_list_visible(user=user)
                .filter(pk__in=IndicatorResponsibility.objects.filter(unit=unit).values("indicator_id"))
                .select_related("plan", "status").order_by("plan_id", "order", "pk"))


def unit_due(*, unit: OrgUnit, indicators: list[Indicator], as_of: dt.date, horizon_days: int = 31) -> list[DueItem]:
    """Periods of entered indicators that have ended (or end within `horizon_days`) and that the unit has
    not yet submitted, earliest due first."""
    entered = [i for i in indicators if i.data_source == DataSource.ENTERED and i.state == IndicatorState.ACTIVE]
    if not entered:
        return []
    by_id = {i.pk: i for i in entered}
    periods = list(ReportingPeriod.objects.filter(indicator_id__in=by_id, end__lte=as_of + dt.timedelta(
        days=horizon_days)).order_by("due_date", "indicator_id"))
    observations = Observation.objects.filter(unit=unit, period__in=[p.pk for p in periods])
    done_states = {ObservationStatus.SUBMITTED, ObservationStatus.APPROVED}
    found: dict[int, Observation] = {}
    done: set[int] = set()
    for observation in observations:
        if observation.status in done_states:
            done.add(observation.period_id)
        else:
            found.setdefault(observation.period_id, observation)
    return [DueItem(by_id[p.indicator_id], p, found.get(p.pk), p.due_date < as_of)
            for p in periods if p.pk not in done]


def indicators_of_plan(*, plan) -> list[Indicator]:
    """Every indicator the text of `plan` states (not the office's own), with its task, in plan order.
    Unscoped: for the plan import, which writes district-wide and leaves the office's own indicators alone."""
    return list(Indicator.objects.filter(plan=plan, origin=Origin.PLAN).select_related("task").order_by("order", "pk"))


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
