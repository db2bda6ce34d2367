"""Computed indicators: each ended period's value from the indicator's formula (or registered function),
stored with its provenance and sent for review like an entered value.

A computed value is the system's submission (`submitted_by` None): it waits in the review queue and
counts for the light only once the office approves it. Recomputing:
- no value yet → a submitted value;
- a submitted value whose figure changed → the new figure, still submitted (nobody has reviewed it);
- a returned (or draft) value whose figure changed → the new figure, submitted again;
- an approved value is locked: a changed figure becomes a pending correction request by the system,
  which the office approves or rejects like any other (`change_request_decide`); when the figure comes
  back to the approved one, the system's pending request is withdrawn (rejected with a note);
- an unchanged figure writes nothing.
Every write is audited with the actor who triggered it (None: the nightly job).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.audit import audit_record
from qualitygov.core.transitions import apply_transition
from qualitygov.indicators import events
from qualitygov.plans.choices import PlanStatus

from .. import formula as formulas
from .. import measures, registry, status
from ..choices import CHANGE_REQUEST_TRANSITIONS, ChangeRequestStatus, DataSource, ObservationStatus
from ..models import Indicator, Observation, ObservationChangeRequest, ReportingPeriod
from .common import _transition
from .periods import periods_generate

#: The counts every recompute returns.
COUNT_KEYS = ("created", "updated", "unchanged", "skipped")


def _empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


def computed_indicators():
    """Indicators in use in active plans whose values are computed (by formula or registered function)."""
    return (Indicator.objects.active().filter(data_source=DataSource.COMPUTED, plan__status=PlanStatus.ACTIVE)
            .select_related("plan"))


def _values_for(indicator: Indicator, period: ReportingPeriod, town_ids: list[int]
                ) -> dict[int | None, tuple[Decimal | None, dict[str, Any]]]:
    """(value, provenance) per town id (None: the whole district) for one period."""
    if indicator.formula.strip():
        try:
            parsed = formulas.parse(indicator.formula)
        except formulas.FormulaError:
            return {}
        span = {"start": period.start, "end": period.end}
        if not indicator.by_town:
            result = formulas.evaluate(parsed, lambda key, category: measures.measure_value(
                key, category=category, **span))
            return {None: (result.value, result.provenance(indicator.formula, **span))}
        # Every town at once: one `measure_by_town` per measure and category, not one query per town.
        found = {(r.key, r.category): measures.measure_by_town(r.key, town_ids=town_ids, category=r.category, **span)
                 for r in parsed.refs}
        from ..selectors import towns

        names = {t.pk: t.label for t in towns()}
        out: dict[int | None, tuple[Decimal | None, dict[str, Any]]] = {}
        for town_id in town_ids:
            result = formulas.evaluate(parsed, lambda key, category, t=town_id: found[(key, category)][t])
            out[town_id] = (result.value, result.provenance(indicator.formula, town=names.get(town_id, ""), **span))
        return out
    if indicator.computed_by and registry.is_registered(indicator.computed_by):
        value = registry.compute(indicator, period)
        return {None: (None if value is None else status.to_decimal(value),
                       {"function": indicator.computed_by, "start": period.start.isoformat(),
                        "end": period.end.isoformat(), "inputs": []})}
    return {}


def _fits(indicator: Indicator, value: Decimal) -> bool:
    """A computed figure obeys the limits an entered one does (a percentage within 0–100, the upper limit)."""
    if indicator.unit.strip() == "%" and not Decimal(0) <= value <= Decimal(100):
        return False
    return indicator.physical_max is None or value <= indicator.physical_max


def _comment(indicator: Indicator) -> str:
    if indicator.formula.strip():
        return _("Computed from the formula %(formula)s") % {"formula": formulas.describe(indicator.formula)}
    return _("Computed by %(name)s") % {"name": indicator.computed_by}


def _store(*, actor, indicator: Indicator, period: ReportingPeriod, owner, town_id: int | None,
           value: Decimal, provenance: dict[str, Any], observation: Observation | None) -> str:
    """Write one period's computed figure following the review rules; returns the count it adds to."""
    now = timezone.now()
    if observation is None:
        observation = Observation.objects.create(
            indicator=indicator, period=period, unit=owner, town_id=town_id, value=value, first_submitted_value=value,
            status=ObservationStatus.SUBMITTED, submitted_at=now, first_submitted_at=now, provenance=provenance,
            comment=_comment(indicator))
        audit_record(actor=actor, action=events.OBSERVATION_COMPUTE, obj=observation, unit=owner,
                     changes={"value": [None, value], "status": [None, observation.status],
                              "formula": indicator.formula or indicator.computed_by})
        return "created"
    if observation.status == ObservationStatus.APPROVED:
        return _revise_approved(actor=actor, observation=observation, value=value, provenance=provenance)
    if observation.value == value and observation.status != ObservationStatus.DRAFT:
        return "unchanged"
    old_value, old_status = observation.value, observation.status
    observation.value, observation.provenance, observation.submitted_at = value, provenance, now
    observation.comment = _comment(indicator)
    if observation.status != ObservationStatus.SUBMITTED:  # returned or draft: submitted again
        _transition(observation, "submit")
        observation.return_reason = ""
        observation.submitted_by = None
    if observation.first_submitted_value is None:
        observation.first_submitted_value, observation.first_submitted_at = value, now
    observation.save()
    audit_record(actor=actor, action=events.OBSERVATION_COMPUTE, obj=observation, unit=owner,
                 changes={"value": [old_value, value], "status": [old_status, observation.status],
                          "formula": indicator.formula or indicator.computed_by})
    return "updated"


def _revise_approved(*, actor, observation: Observation, value: Decimal, provenance: dict[str, Any]) -> str:
    """An approved value stays locked: a new figure waits as the system's correction request."""
    pending = observation.change_requests.filter(status=ChangeRequestStatus.PENDING).first()
    if value == observation.value:
        if pending is not None and pending.requested_by_id is None:  # the inputs came back: nothing to correct
            apply_transition(pending, CHANGE_REQUEST_TRANSITIONS, "reject")
            pending.decided_at = timezone.now()
            pending.decision_note = _("Withdrawn by the system: the recomputed value equals the approved one again.")
            pending.save()
            audit_record(actor=actor, action=events.OBSERVATION_CHANGE_REQUEST_DECIDE, obj=pending,
                         unit=observation.unit, changes={"status": [ChangeRequestStatus.PENDING, pending.status],
                                                         "note": pending.decision_note})
            return "updated"
        return "unchanged"
    if pending is not None:
        if pending.requested_by_id is not None or pending.new_value == value:
            # A person's correction is waiting: theirs is decided first; the next recompute follows.
            return "unchanged"
        old = pending.new_value
        pending.new_value, pending.provenance = value, provenance
        pending.save(update_fields=["new_value", "provenance"])
        audit_record(actor=actor, action=events.OBSERVATION_CHANGE_REQUEST, obj=pending, unit=observation.unit,
                     changes={"observation": observation.pk, "value": [old, value], "reason": pending.reason})
        return "updated"
    request = ObservationChangeRequest.objects.create(
        observation=observation, new_value=value, requested_by=None, provenance=provenance,
        reason=_("The inputs of this computed value changed after it was approved; recomputed value."))
    audit_record(actor=actor, action=events.OBSERVATION_CHANGE_REQUEST, obj=request, unit=observation.unit,
                 changes={"observation": observation.pk, "value": [observation.value, value],
                          "reason": request.reason})
    return "updated"


@transaction.atomic
def computed_indicator_recompute(*, actor, indicator: Indicator, as_of: dt.date) -> dict[str, int]:
    """Compute every ended period (end ≤ `as_of`) of a computed indicator and store what changed.

    The value belongs to the indicator's first reporting unit (per town when it is broken down by town);
    a period without a figure (a measure with nothing to count, a division by zero, a figure outside the
    indicator's limits) stores nothing. Returns counts: created, updated, unchanged, skipped."""
    from ..selectors import reporting_units, towns

    counts = _empty_counts()
    owner = (reporting_units([indicator.pk]).get(indicator.pk) or [None])[0]
    usable = indicator.formula.strip() or registry.is_registered(indicator.computed_by)
    if owner is None or not usable or indicator.data_source != DataSource.COMPUTED:
        counts["skipped"] += 1
        return counts
    periods_generate(indicator=indicator, until=as_of)
    town_ids = [t.pk for t in towns()] if indicator.by_town and indicator.formula.strip() else []
    existing = {(o.period_id, o.town_id): o for o in Observation.objects.select_for_update().filter(
        indicator=indicator, unit=owner)}
    for period in indicator.periods.filter(end__lte=as_of).order_by("start"):
        for town_id, (value, provenance) in _values_for(indicator, period, town_ids).items():
            if value is None or not _fits(indicator, value):
                continue
            counts[_store(actor=actor, indicator=indicator, period=period, owner=owner, town_id=town_id, value=value,
                          provenance=provenance, observation=existing.get((period.pk, town_id)))] += 1
    return counts


@transaction.atomic
def computed_values_refresh(*, as_of: dt.date, actor=None) -> dict[str, int]:
    """Recompute every computed indicator in use (formula or registered function); the nightly job.

    Idempotent: unchanged figures write nothing. Indicators without a reporting unit or whose function
    is not registered count as skipped."""
    counts = _empty_counts()
    for indicator in computed_indicators():
        for key, n in computed_indicator_recompute(actor=actor, indicator=indicator, as_of=as_of).items():
            counts[key] += n
    return counts


def recompute_for_inputs(*, keys: Iterable[str], actor) -> dict[str, int]:
    """The `measures.inputs_changed` listener: recompute the indicators whose formulas name one of `keys`
    (in the caller's transaction, so the figures and the values they feed commit together)."""
    changed = frozenset(keys)
    counts = _empty_counts()
    today = timezone.localdate()
    for indicator in computed_indicators().exclude(formula=""):
        if formulas.keys_in(indicator.formula) & changed:
            for key, n in computed_indicator_recompute(actor=actor, indicator=indicator, as_of=today).items():
                counts[key] += n
    return counts


def reference_figures(indicator: Indicator, *, as_of: dt.date, limit: int = 4) -> list[dict[str, Any]]:
    """The reference formula's figure for the latest ended periods (newest first), for display only: it
    is never stored as a value and never judged. Empty without a reference formula."""
    text = indicator.reference_formula.strip()
    if not text:
        return []
    periods = list(indicator.periods.filter(end__lte=as_of).order_by("-start")[:limit])
    out = []
    for period in periods:
        result = formulas.evaluate_for(text, start=period.start, end=period.end)
        out.append({"period": period, "value": result.value, "reason": result.reason, "inputs": result.inputs,
                    "provenance": result.provenance(text, start=period.start, end=period.end)})
    return out
