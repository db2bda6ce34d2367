"""Scoped reads of single indicators, observations, change requests and entry units, and the light's explanation."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitygov.accounts.choices import TOWN_KINDS, Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import NotFoundError
from qualitygov.core.scoping import can, scope_for
from qualitygov.utilities.numbers import decimal_text

from ..choices import Comparator, DataSource
from ..models import (
    Indicator,
    IndicatorResponsibility,
    Observation,
    ObservationChangeRequest,
    ReportingPeriod,
)
from .obligations import rule_params

# Pages



def _number(value) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def indicator_list_visible(*, user, action: str = Action.VIEW) -> QuerySet[Indicator]:
    return Indicator.objects.visible_to(user, action)


def indicator_get_visible(*, user, pk: int, action: str = Action.VIEW) -> Indicator:
    """The indicator when `user` may `action` it; NotFoundError otherwise (missing and forbidden alike)."""
    found = (indicator_list_visible(user=user, action=action).filter(pk=pk)
             .select_related("plan", "task", "status").first())
    if found is None:
        raise NotFoundError("not found")
    return found


#: Reviewing indicator data (return, approve, decide a correction) needs either action at the unit:
#: approve (office, leaders) or review (the office's reviewers, 审核员).
REVIEW_ACTIONS = (Action.APPROVE, Action.REVIEW)


def observations_visible(user, action: str | tuple[str, ...]) -> QuerySet[Observation]:
    """Observations of the units where `user` may `action` (a tuple: any of the actions)."""
    if isinstance(action, str):
        return Observation.objects.visible_to(user, action)
    query = Q(pk__in=[])
    for one in action:
        query |= Q(pk__in=Observation.objects.visible_to(user, one).values("pk"))
    return Observation.objects.filter(query)


def may_review_unit(user, unit_id: int) -> bool:
    """`user` may review indicator data of the unit (approve or review there)."""
    return any(unit_id in scope_for(user, action) for action in REVIEW_ACTIONS)


def may_review_somewhere(user) -> bool:
    return any(can(user, action) for action in REVIEW_ACTIONS)


def observation_get_visible(*, user, pk: int, action: str | tuple[str, ...] = Action.VIEW) -> Observation:
    """An observation in the user's scope for `action` (any of a tuple; through the reporting unit)."""
    found = (observations_visible(user, action).filter(pk=pk)
             .select_related("indicator", "indicator__plan", "period", "unit", "town", "submitted_by",
                             "approved_by").first())
    if found is None:
        raise NotFoundError("not found")
    return found


def change_request_get_visible(*, user, pk: int,
                               action: str | tuple[str, ...] = REVIEW_ACTIONS) -> ObservationChangeRequest:
    scoped = observations_visible(user, action).values("pk")
    found = (ObservationChangeRequest.objects.filter(pk=pk, observation__in=scoped)
             .select_related("observation", "observation__indicator", "observation__period",
                             "observation__unit", "requested_by").first())
    if found is None:
        raise NotFoundError("not found")
    return found


def org_unit_get_visible(*, user, pk: int) -> OrgUnit:
    found = OrgUnit.objects.visible_to(user, Action.VIEW).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not found")
    return found


def period_get_for_entry(*, user, period_pk: int, unit_pk: int) -> tuple[ReportingPeriod, OrgUnit]:
    """The period and the reporting unit when `user` may enter data for that unit and the unit reports it."""
    period = ReportingPeriod.objects.select_related("indicator", "indicator__plan").filter(pk=period_pk).first()
    unit = OrgUnit.objects.visible_to(user, Action.CHANGE).filter(pk=unit_pk).first()
    if (period is None or unit is None
            or period.indicator.data_source != DataSource.ENTERED
            or not IndicatorResponsibility.objects.filter(indicator_id=period.indicator_id, unit=unit).exists()):
        raise NotFoundError("not found")
    return period, unit


def observation_for_entry(*, user, period: ReportingPeriod, unit: OrgUnit, town: OrgUnit | None) -> Observation | None:
    """The value stored for (`period`, `unit`, `town`) if `user` enters data for `unit`, else None."""
    return Observation.objects.visible_to(user, Action.CHANGE).filter(period=period, unit=unit, town=town).first()


def indicators_of_active_plans() -> QuerySet[Indicator]:
    """Engine read (no user): every indicator of an active plan, for the nightly calendar job."""
    from qualitygov.plans.choices import PlanStatus

    return Indicator.objects.filter(plan__status=PlanStatus.ACTIVE).active().select_related("plan")


def towns() -> list[OrgUnit]:
    """The units an indicator broken down by town is reported for."""
    return list(OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).order_by("sort_order", "path"))


def change_factor(as_of: dt.date) -> Decimal:
    """The factor beyond which a change of value needs a comment, from the rule set in force."""
    return Decimal(str(rule_params(as_of)["change_factor"]))


def big_change_message(indicator: Indicator, old: Decimal | None, new: Decimal | None, as_of: dt.date) -> str | None:
    """Why `new` needs an explanation after `old` (the unit's previous value), or None when it does not.

    The indicator's own threshold (`change_limit_pct`, a percentage of the previous value) when set,
    else the status rules' factor."""
    from ..status import is_big_change, is_big_relative_change

    if indicator.change_limit_pct is not None:
        if is_big_relative_change(old, new, indicator.change_limit_pct):
            return _("The value changes from %(old)s to %(new)s, by more than %(pct)s%%; explain why in the "
                     "comment.") % {"old": decimal_text(old), "new": decimal_text(new),
                                    "pct": decimal_text(indicator.change_limit_pct)}
        return None
    factor = change_factor(as_of)
    if is_big_change(old, new, factor):
        return _("The value changes from %(old)s to %(new)s, more than %(factor)s times; explain why in the "
                 "comment.") % {"old": decimal_text(old), "new": decimal_text(new), "factor": decimal_text(factor)}
    return None


def target_years(indicator: Indicator) -> list[int]:
    """The years a target can be set for: from the plan's first year (or the year after the baseline) to its
    last year or the indicator's target year, two more for a plan that is extended, and any year set already."""
    plan = indicator.plan
    first = plan.period_start or ((indicator.baseline_year + 1) if indicator.baseline_year else None)
    if indicator.baseline_year is not None and first is not None:
        first = max(first, indicator.baseline_year + 1)
    set_years = set(indicator.targets.current().values_list("year", flat=True))
    last = max([y for y in (plan.period_end, indicator.target_year, *set_years) if y is not None], default=None)
    if first is None or last is None or last < first:
        return sorted(set_years)
    return sorted(set(range(first, last + 3)) | set_years)


def plan_years(plans) -> list[int]:
    """The years a new indicator's targets can be set for: the plans' years and two more (a plan that is extended)."""
    starts = [p.period_start for p in plans if p.period_start]
    ends = [p.period_end for p in plans if p.period_end]
    if not starts or not ends:
        return []
    return list(range(min(starts), max(ends) + 3))


def previous_value(*, period: ReportingPeriod, unit: OrgUnit, town: OrgUnit | None) -> Decimal | None:
    """The unit's (and town's) value for the latest earlier period that has one: the yardstick for a big change."""
    return (Observation.objects.filter(indicator_id=period.indicator_id, unit=unit, town=town,
                                       period__start__lt=period.start, value__isnull=False)
            .order_by("-period__start").values_list("value", flat=True).first())


#: What each status rule means, for the "why" panel.
RULE_LABELS = {
    "no_data": gettext_lazy("No approved value yet"),
    "target_met": gettext_lazy("Target met"),
    "about_band": gettext_lazy("Distance from the target band"),
    "target_year_passed": gettext_lazy("Target year has passed without meeting the target"),
    "far_behind": gettext_lazy("Far behind the time-proportional schedule"),
    "behind": gettext_lazy("Behind the time-proportional schedule"),
    "stale_data": gettext_lazy("Data overdue"),
    "on_schedule": gettext_lazy("On the time-proportional schedule"),
    "none_fired": gettext_lazy("On the time-proportional schedule"),
    "change_unresolved": gettext_lazy("Change target without the baseline it is measured from"),
}

#: Why a change target (较2020年下降14%) has no level to judge against (`status.resolve_change`).
CHANGE_REASON_LABELS = {
    "no_baseline_year": gettext_lazy("No baseline year: enter it on the indicator"),
    "no_baseline_value": gettext_lazy("No baseline value: enter the baseline year's value on the indicator"),
    "no_target_year": gettext_lazy("An average annual rate needs a target year after the baseline year"),
}


def shown(value, places: int = 2) -> str:
    """A derived number for display: rounded half-up to `places` decimals, no trailing zeros ("22.22");
    the stored data keep full precision. "—" when empty."""
    number = _number(value)
    if number is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return decimal_text(Decimal(repr(number)).quantize(quantum, rounding=ROUND_HALF_UP))


def _why_number(value) -> str:
    return shown(value)


def status_why(status) -> list[tuple[str, str, str]]:
    """(key, label, value) rows explaining a stored light: the inputs its rule used."""
    if not status:
        return []
    inputs = status.inputs or {}
    rule = inputs.get("rule") or status.rule
    actual = _why_number(inputs.get("actual", status.latest_value))
    rows = [
        ("actual", str(gettext_lazy("Actual value")),
         actual + (f"（{status.latest_period}）" if status.latest_period and actual != "—" else "")),
        ("expected", str(gettext_lazy("Expected value (time-proportional)")),
         _why_number(inputs.get("expected", status.expected_value))),
        ("gap", str(gettext_lazy("Gap")), _why_number(inputs.get("gap", status.gap))),
    ]
    if inputs.get("gap_pct") is not None:
        rows.append(("gap_pct", str(gettext_lazy("Gap relative to the distance from baseline to target")),
                     shown(inputs["gap_pct"], 1) + "%"))
    if inputs.get("band") is not None:
        rows.append(("band", str(gettext_lazy("Band (±)")), _why_number(inputs["band"])))
    rows.append(("rule", str(gettext_lazy("Rule")), str(RULE_LABELS.get(rule, rule)) if rule else "—"))
    if inputs.get("change_reason"):
        rows.append(("change", str(gettext_lazy("Change target")),
                     str(CHANGE_REASON_LABELS.get(inputs["change_reason"], inputs["change_reason"]))))
    elif inputs.get("change_comparator"):
        label = dict(Comparator.choices).get(inputs["change_comparator"], inputs["change_comparator"])
        rows.append(("change", str(gettext_lazy("Change target")),
                     _("%(change)s %(amount)s from the baseline: %(comparator)s %(level)s") % {
                         "change": label, "amount": _why_number(inputs.get("change")),
                         "comparator": "≥" if inputs.get("comparator") == ">=" else "≤",
                         "level": _why_number(inputs.get("target"))}))
    thresholds = inputs.get("thresholds") or {}
    if thresholds:
        rows.append(("thresholds", str(gettext_lazy("Thresholds")),
                     _("yellow from %(y)s%%, red from %(r)s%% behind") % {
                         "y": thresholds.get("yellow_gap_pct", "—"), "r": thresholds.get("red_gap_pct", "—")}))
    rows.append(("as_of", str(gettext_lazy("As of")), str(status.as_of)))
    return rows




#: Why a value shown on the indicator page does not count for the light (yet), by status.
NOT_COUNTED_REASONS = {
    "draft": gettext_lazy("Draft: not yet submitted; it counts once submitted and approved."),
    "submitted": gettext_lazy("Awaiting review: it counts once approved."),
    "returned": gettext_lazy("Returned to the unit for correction: it counts once resubmitted and approved."),
}


def values_not_counted(*, user, indicator: Indicator, status) -> list[dict]:
    """Values the user may see that the light does not count, and why: only approved values count."""
    found = (Observation.objects.visible_to(user, Action.VIEW).filter(indicator=indicator, value__isnull=False)
             .exclude(status="approved").select_related("period", "unit", "town").order_by("period__start", "pk"))
    return [{"observation": o, "reason": NOT_COUNTED_REASONS.get(o.status, "")} for o in found]


def review_facts(observation: Observation) -> dict:
    """What a reviewer weighs beside a value under review: the unit's previous value and the change, the
    target in force for the period's year and the expected value at the period's end (from the stored
    light), the recent approved series, the plausible range and the change threshold."""
    indicator, period = observation.indicator, observation.period
    previous = (Observation.objects.filter(indicator_id=indicator.pk, unit_id=observation.unit_id,
                                           town_id=observation.town_id, period__start__lt=period.start,
                                           value__isnull=False)
                .select_related("period").order_by("-period__start").first())
    change_pct = None
    if previous is not None and previous.value and observation.value is not None:
        change_pct = ((observation.value - previous.value) * 100 / abs(previous.value)).quantize(Decimal("0.1"))
    from .dashboard import _pairs, _status

    stored = _status(indicator)
    inputs = (stored.inputs if stored else None) or {}
    targets = {int(y): v for y, v in (inputs.get("targets_by_year") or {}).items() if v is not None}
    year = period.end.year
    target_year = next((y for y in sorted(targets) if y >= year), max(targets) if targets else None)
    expected = next((item.get("expected") for item in inputs.get("expected_path") or []
                     if isinstance(item, dict) and item.get("label") == period.label), None)
    return {
        "previous": previous, "change_pct": change_pct,
        "target_year": target_year, "target": targets.get(target_year) if target_year is not None else None,
        "expected": expected, "trend": _pairs(inputs.get("series") or [])[-6:],
        "big_change": big_change_message(indicator, previous.value if previous else None, observation.value,
                                         period.end),
    }
