"""Who may write what, and how entered values are parsed and checked (shared by the indicator services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.scoping import can, manages_district
from qualitygov.core.transitions import apply_transition
from qualitygov.utilities.numbers import decimal_text

from .. import status
from ..choices import (
    OBSERVATION_TRANSITIONS,
)
from ..models import (
    Indicator,
    Observation,
    ReportingPeriod,
)
from ..selectors import big_change_message, is_liaison_of

INDICATOR_FIELDS = ["code", "name", "unit", "comparator", "target_value", "target_year", "nature", "baseline_year",
                    "baseline_value", "frequency", "aggregation", "data_source", "computed_by", "formula",
                    "reference_formula", "by_town", "physical_max", "due_days", "grace_days", "task", "order", "plausible_min", "plausible_max",
                    "change_limit_pct"]
#: Changing any of these needs a reason (it moves the path every light is measured against).
TARGET_FIELDS = {"target_value", "target_year"}
OBSERVATION_FIELDS = ["value", "comment", "status", "return_reason", "town"]
MAX_ABS_VALUE = Decimal("1e14")


# Permissions

def _require_manager(actor) -> None:
    """Indicator definitions are district-wide: they need manage over the whole district (the office
    granted at the root); an office admin granted on some units only may not. The system (None) may."""
    if actor is not None and not manages_district(actor):
        raise NotFoundError("not found")


def _require_change(actor, unit: OrgUnit) -> None:
    """Entering a unit's values needs `change` at the unit; outside the user's sight it does not exist."""
    if actor is None:
        return
    if not can(actor, Action.CHANGE, unit.pk):
        if can(actor, Action.VIEW, unit.pk):
            raise ServiceError(_("You may not enter values for %(unit)s.") % {"unit": unit.label}, code="forbidden")
        raise NotFoundError("not found")


def _require_reviewer(actor, unit: OrgUnit, *, author=None) -> None:
    """Approving needs approve or review at the unit, and neither reporting for it nor being the author."""
    if actor is None:
        return
    if not (can(actor, Action.APPROVE, unit.pk) or can(actor, Action.REVIEW, unit.pk)):
        if can(actor, Action.VIEW, unit.pk):
            raise ServiceError(_("You may not review values of %(unit)s.") % {"unit": unit.label}, code="forbidden")
        raise NotFoundError("not found")
    if is_liaison_of(actor, unit):
        raise ServiceError(_("You report for %(unit)s, so you cannot review its values.") % {"unit": unit.label},
                           code="self_approval")
    if author is not None and author.pk == actor.pk:
        raise ServiceError(_("You cannot review a value you submitted yourself."), code="self_approval")


def _transition(observation: Observation, name: str) -> None:
    apply_transition(observation, OBSERVATION_TRANSITIONS, name, refusal=lambda obs: _(
        "This value is %(status)s; it cannot be %(action)s now.") % {
            "status": obs.get_status_display(), "action": _TRANSITION_VERBS[name]()})


_TRANSITION_VERBS = {"submit": lambda: _("submitted"), "return": lambda: _("returned"),
                     "approve": lambda: _("approved"), "withdraw": lambda: _("withdrawn")}


# Values

def parse_value(value: Any, *, field: str = "value") -> Decimal:
    """A number with at most 4 decimal places; anything else (text, NaN, infinity, booleans) is refused."""
    error = ServiceError(_("Enter a number."), code="invalid_number", fields={field: [_("Enter a number.")]})
    if value is None or isinstance(value, bool):
        raise error
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(str(value))
        elif isinstance(value, str):
            text = value.strip().replace(",", "").replace("，", "")
            if not text:
                raise error
            number = Decimal(text)
        else:
            raise error
    except InvalidOperation as exc:
        raise error from exc
    if not number.is_finite():
        raise error
    if abs(number) >= MAX_ABS_VALUE or number.as_tuple().exponent < -4:
        message = _("At most 4 decimal places and 14 digits.")
        raise ServiceError(message, code="invalid_number", fields={field: [message]})
    return number


def check_limits(indicator: Indicator, number: Decimal, *, field: str = "value") -> None:
    """A percentage lies in 0–100; no value exceeds the indicator's physical upper limit."""
    if indicator.unit.strip() == "%" and not Decimal(0) <= number <= Decimal(100):
        message = _("A percentage must lie between 0 and 100.")
        raise ServiceError(message, code="out_of_range", fields={field: [message]})
    if indicator.physical_max is not None and number > indicator.physical_max:
        message = _("The value exceeds the upper limit %(max)s.") % {"max": status.to_decimal(indicator.physical_max)}
        raise ServiceError(message, code="out_of_range", fields={field: [message]})


def check_plausible(indicator: Indicator, number: Decimal, *, field: str = "value") -> None:
    """An entered value lies in the indicator's plausible range; a comment does not let it through."""
    low, high = indicator.plausible_min, indicator.plausible_max
    if (low is not None and number < low) or (high is not None and number > high):
        message = _("%(value)s is outside the plausible range of this indicator (%(low)s to %(high)s); check the "
                    "value.") % {"value": decimal_text(number), "low": decimal_text(low) if low is not None else "—",
                                  "high": decimal_text(high) if high is not None else "—"}
        raise ServiceError(message, code="implausible", fields={field: [message]})


def observation_value_check(*, indicator: Indicator, value: Any, comment: str = "",
                            previous: Decimal | None = None, as_of: dt.date | None = None) -> Decimal:
    """Entry validation shared by forms and uploads: a number, in range and plausible, and a comment for a
    big change from `previous` (the unit's value for the previous period): beyond the indicator's
    `change_limit_pct`, or the rule set's `change_factor` when the indicator sets none.
    """
    number = parse_value(value)
    check_limits(indicator, number)
    check_plausible(indicator, number)
    message = big_change_message(indicator, previous, number, as_of or timezone.localdate())
    if message and not comment.strip():
        raise ServiceError(message, code="comment_required", fields={"comment": [message]})
    return number


def _previous_value(period: ReportingPeriod, unit: OrgUnit, town: OrgUnit | None) -> Decimal | None:
    """The unit's (and town's) value for the latest earlier period that has one."""
    return (Observation.objects.filter(indicator_id=period.indicator_id, unit=unit, town=town,
                                       period__start__lt=period.start, value__isnull=False)
            .order_by("-period__start").values_list("value", flat=True).first())


