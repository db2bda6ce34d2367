"""Indicators (指标): the plan's numeric targets, created by plan import."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.models import VersionedRuleSet
from qualitygov.core.scoping import ScopedQuerySet
from qualitygov.core.versioning import VersionedModel
from qualitygov.plans.choices import ResponsibilityRole
from qualitygov.plans.models import Plan, Task

from .choices import (
    Aggregation,
    ChangeRequestStatus,
    Comparator,
    DataSource,
    ForecastStatus,
    Frequency,
    IndicatorScope,
    IndicatorState,
    Light,
    Nature,
    ObservationStatus,
    Origin,
)


class IndicatorQuerySet(ScopedQuerySet):
    """Indicators are in scope through their responsible units."""

    scope_lookup = "responsibilities__unit"

    def active(self) -> IndicatorQuerySet:
        """Indicators still in use (not retired): the ones data is asked for."""
        return self.filter(state=IndicatorState.ACTIVE)


class Indicator(VersionedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    comparator = models.CharField(_("comparator"), max_length=16, choices=Comparator.choices)
    target_value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    nature = models.CharField(_("nature"), max_length=10, choices=Nature.choices, default=Nature.EXPECTED)
    scope = models.CharField(_("where stated"), max_length=8, choices=IndicatorScope.choices)
    source = models.TextField(_("source clause"), blank=True)
    order = models.PositiveIntegerField(default=0)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=18, decimal_places=4, null=True, blank=True)
    frequency = models.CharField(_("reporting frequency"), max_length=12, choices=Frequency.choices,
                                 default=Frequency.YEARLY)
    aggregation = models.CharField(_("how periods combine"), max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.LATEST)
    data_source = models.CharField(_("data source"), max_length=10, choices=DataSource.choices,
                                   default=DataSource.ENTERED)
    computed_by = models.CharField(_("computing function"), max_length=100, blank=True,
                                   help_text=_("Registered name of the function that computes the value."))
    # A computed indicator's value: arithmetic over measure keys (see `formula.py`), e.g.
    # `feeds.sampling.pass_rate[食品]`; it goes through review like an entered value.
    formula = models.TextField(_("formula"), blank=True,
                               help_text=_("Measures combined with + − × ÷ and parentheses; a category in "
                                           "square brackets, e.g. feeds.sampling.failed[食品]."))
    # Shown beside the indicator for reference only (e.g. the district's own sampling pass rate next to a
    # national statistic); never stored as a value and never part of the light.
    reference_formula = models.TextField(_("reference figure"), blank=True,
                                         help_text=_("A formula shown for reference only; it never replaces "
                                                     "this indicator's values."))
    by_town = models.BooleanField(_("broken down by town"), default=False)
    physical_max = models.DecimalField(_("physical upper limit"), max_digits=18, decimal_places=4, null=True,
                                       blank=True, help_text=_("E.g. 100 for a percentage."))
    # Working days (工作日) on the core calendar, not calendar days.
    due_days = models.PositiveSmallIntegerField(_("working days after period end until due"), default=15)
    grace_days = models.PositiveSmallIntegerField(_("grace working days"), default=5)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.PLAN,
                              help_text=_("An indicator the office set itself is never changed by a plan import."))
    state = models.CharField(_("state"), max_length=8, choices=IndicatorState.choices,
                             default=IndicatorState.ACTIVE, db_index=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    retired_reason = models.TextField(_("reason for retiring"), blank=True)
    # Entry safeguards (part of the definition: edited by the office, audited and versioned with it).
    plausible_min = models.DecimalField(_("lowest plausible value"), max_digits=18, decimal_places=4, null=True,
                                        blank=True, help_text=_("Values below are refused, e.g. 0 for an output."))
    plausible_max = models.DecimalField(_("highest plausible value"), max_digits=18, decimal_places=4, null=True,
                                        blank=True, help_text=_("Values above are refused."))
    change_limit_pct = models.DecimalField(
        _("change needing an explanation (%)"), max_digits=8, decimal_places=2, null=True, blank=True,
        help_text=_("A value more than this percentage above or below the previous one needs an explanation; "
                    "empty: the status rules' setting."))

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="indicator_unique_code_per_plan")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def value_source(self) -> str:
        """`computed` (from a formula or a registered function) or `typed` (entered by a unit)."""
        return "computed" if self.data_source == DataSource.COMPUTED else "typed"


class IndicatorResponsibility(models.Model):
    """A unit that reports the indicator (lead) or contributes (co)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="indicator_responsibilities")
    role = models.CharField(_("role"), max_length=8, choices=ResponsibilityRole.choices,
                            default=ResponsibilityRole.LEAD)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "unit"], name="indicator_resp_unique")]
        verbose_name = _("indicator responsibility")
        verbose_name_plural = _("indicator responsibilities")

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.unit}"


class IndicatorTargetQuerySet(models.QuerySet):
    def current(self) -> IndicatorTargetQuerySet:
        """The targets in force now (not superseded)."""
        return self.filter(superseded_on__isnull=True)

    def in_force_on(self, day) -> IndicatorTargetQuerySet:
        """The targets as they stood on `day`: set by then and not yet superseded on that day."""
        return self.filter(in_force_from__lte=day).exclude(superseded_on__lte=day)


class IndicatorTarget(models.Model):
    """The target for one year, set by the office with a reason and the decision it rests on.

    Versioned: a change never edits a row; it marks the old one superseded (`superseded_on`) and adds a
    new one in force from that day, so a light judged on an earlier day is judged again the same way.
    Years without a row follow the straight line between the years that have one.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4)
    reason = models.TextField(_("reason"), blank=True)
    decision = models.CharField(_("decision it rests on"), max_length=300, blank=True)
    in_force_from = models.DateField(_("in force from"), default=dt.date(2000, 1, 1))
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField(_("set at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = IndicatorTargetQuerySet.as_manager()

    class Meta:
        ordering = ["indicator_id", "year", "in_force_from", "pk"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], condition=models.Q(superseded_on__isnull=True),
                                               name="indicator_target_one_current_per_year")]
        verbose_name = _("target by year")
        verbose_name_plural = _("targets by year")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


class ReportingPeriod(models.Model):
    """One reporting period of an indicator, with its due date."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(_("period"), max_length=30)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due_date = models.DateField(_("due date"), db_index=True)
    grace_days = models.PositiveSmallIntegerField(_("grace working days"), default=5)
    #: The last day that still counts as on time: `grace_days` working days after the due date.
    deadline = models.DateField(_("last day on time"))

    class Meta:
        ordering = ["indicator_id", "start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "start"], name="period_unique_start")]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        if self.deadline is None and self.due_date is not None:  # created without one: counted from the due date
            from qualitygov.core.workdays import workdays_add

            self.deadline = workdays_add(self.due_date, self.grace_days)
        super().save(*args, **kwargs)


class ObservationQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class Observation(VersionedModel):
    """A value reported by `unit` for one period (and one town when the indicator is broken down)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="observations")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="observations")
    town = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    first_submitted_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ObservationStatus.choices,
                              default=ObservationStatus.DRAFT, db_index=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the value was first submitted (timeliness counts this, not a resubmission after a return).
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    #: A computed value's origin: the formula (or function), the span, and each measure's value and
    #: provenance (`formula.Evaluation.provenance`); empty for a value entered by a unit.
    provenance = models.JSONField(_("provenance"), default=dict, blank=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["indicator_id", "period__start"]
        # Two constraints instead of nulls_distinct=False, which SQLite ignores: one value per
        # period and unit, or per period, unit and town when the indicator is broken down by town.
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "town"], name="observation_unique_town"),
            models.UniqueConstraint(fields=["period", "unit"], condition=models.Q(town__isnull=True),
                                    name="observation_unique"),
        ]
        indexes = [models.Index(fields=["indicator", "status"]), models.Index(fields=["unit", "status"])]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period.label} {self.unit}: {self.value}"


class ObservationChangeRequest(models.Model):
    """A request to correct an approved (locked) value, decided by an approver."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="change_requests")
    new_value = models.DecimalField(_("new value"), max_digits=18, decimal_places=4)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ChangeRequestStatus.choices,
                              default=ChangeRequestStatus.PENDING)
    # None: the system asked, because a computed value's inputs changed after it was approved.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    #: The recomputed value's provenance (copied to the value when the correction is approved).
    provenance = models.JSONField(_("provenance"), default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self) -> str:
        return f"{self.observation} → {self.new_value}"


class StatusRuleSet(VersionedRuleSet):
    """Versioned status thresholds: the set in force on a date is the latest `effective_from` ≤ that date.

    `params` (JSON): yellow_gap_pct, red_gap_pct (how far behind the expected value, in % of the
    distance from baseline to target), about_band_pct (± band for "about" targets),
    change_factor (a new value differing from the previous by more than this factor needs a comment).
    """

    class Meta(VersionedRuleSet.Meta):
        verbose_name = _("status rule set")
        verbose_name_plural = _("status rule sets")


class IndicatorStatus(models.Model):
    """The indicator's current light and forecast, with every input that produced them."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="status")
    as_of = models.DateField(_("as of"))
    light = models.CharField(_("light"), max_length=8, choices=Light.choices, default=Light.GREY)
    latest_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    latest_period = models.CharField(max_length=30, blank=True)
    expected_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    # The target the light was judged against: the one in force for the year of the value judged.
    target_value = models.DecimalField(_("target judged against"), max_digits=18, decimal_places=4, null=True,
                                       blank=True)
    target_year = models.PositiveSmallIntegerField(_("year of that target"), null=True, blank=True)
    gap = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    rule = models.CharField(_("rule that fired"), max_length=100, blank=True)
    inputs = models.JSONField(default=dict)
    forecast_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    forecast_status = models.CharField(max_length=12, choices=ForecastStatus.choices,
                                       default=ForecastStatus.INSUFFICIENT)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator status")
        verbose_name_plural = _("indicator statuses")

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.light}"
