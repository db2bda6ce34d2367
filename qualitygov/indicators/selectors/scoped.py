"""Scoped reads of single indicators, observations, change requests and entry units, and the light's explanation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitygov.accounts.choices import TOWN_KINDS, Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import NotFoundError
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


def observation_get_visible(*, user, pk: int, action: str = Action.VIEW) -> Observation:
    """An observation in the user's scope for `action` (through the reporting unit)."""
    found = (Observation.objects.visible_to(user, action).filter(pk=pk)
             .select_related("indicator", "indicator__plan", "period", "unit", "town", "submitted_by",
                             "approved_by").first())
    if found is None:
        raise NotFoundError("not found")
    return found


def change_request_get_visible(*, user, pk: int, action: str = Action.APPROVE) -> ObservationChangeRequest:
    scoped = Observation.objects.visible_to(user, action).values("pk")
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

    return Indicator.objects.filter(plan__status=PlanStatus.ACTIVE).select_related("plan")


def towns() -> list[OrgUnit]:
    """The units an indicator broken down by town is reported for."""
    return list(OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).order_by("sort_order", "path"))


def change_factor(as_of: dt.date) -> Decimal:
    """The factor beyond which a change of value needs a comment, from the rule set in force."""
    return Decimal(str(rule_params(as_of)["change_factor"]))


def target_years(indicator: Indicator) -> list[int]:
    """The years an interim target can be set for: the plan's period (or baseline to target year)."""
    plan = indicator.plan
    first = plan.period_start or ((indicator.baseline_year + 1) if indicator.baseline_year else None)
    last = indicator.target_year or plan.period_end
    if first is None or last is None or last < first:
        return sorted(indicator.targets.values_list("year", flat=True))
    years = set(range(first, last + 1)) | set(indicator.targets.values_list("year", flat=True))
    return sorted(years)


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


def _why_number(value) -> str:
    number = _number(value)
    return "—" if number is None else decimal_text(Decimal(repr(number)))


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
                     _why_number(inputs["gap_pct"]) + "%"))
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


