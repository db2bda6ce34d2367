"""Task implementation tracking: work items, reporting cycles, reports and their parts, lights,
escalation events, extension requests and findings (督查问题, 整改, 销号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.models import VersionedRuleSet
from qualitygov.core.scoping import Scope, ScopedQuerySet
from qualitygov.core.versioning import VersionedModel
from qualitygov.plans.models import Plan, Task

from .choices import (
    EscalationLevel,
    EscalationReason,
    ExtensionStatus,
    FindingSource,
    FindingStatus,
    Frequency,
    Light,
    PartStatus,
    ReportStatus,
    UnitRole,
    WorkItemStatus,
)

_USER = settings.AUTH_USER_MODEL


# ── Work breakdown ────────────────────────────────────────────────────────────────────────────


def work_item_scope(scope: Scope, via: str = "") -> Q:
    """Work items in scope through their lead unit or one of their co units; `via` is the lookup
    from another model to its work item ("work_item__")."""
    co_items = WorkItemUnit.objects.filter(unit__in=scope.unit_ids).values("work_item")
    item = f"{via}pk" if via else "pk"
    return Q(**{f"{via}lead_unit__in": scope.unit_ids}) | Q(**{f"{item}__in": co_items})


class WorkItemQuerySet(ScopedQuerySet):
    """A work item is in scope through its lead unit or one of its co units."""

    scope_lookup = "lead_unit"

    def scope_filter(self, scope: Scope) -> Q:
        return work_item_scope(scope)


class WorkItem(VersionedModel):
    """A concrete deliverable (工作事项) under a plan task, carried out by a lead unit with co units.

    `progress_pct` is the latest approved progress; `start_date`–`deadline` is the span of the
    time-proportional schedule (序时进度).
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="work_items", verbose_name=_("task"))
    lead_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="led_work_items",
                                  verbose_name=_("lead unit"))
    title = models.CharField(_("deliverable"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=WorkItemStatus.choices,
                              default=WorkItemStatus.ACTIVE, db_index=True)
    progress_pct = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    progress_on = models.DateField(_("progress reported on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    proposed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(_("decision note"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        ordering = ["task_id", "order", "id"]
        indexes = [models.Index(fields=["lead_unit", "status"])]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")

    def __str__(self) -> str:
        return self.title


class WorkItemUnit(models.Model):
    """A co-operating unit (配合单位) of a work item."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="co_units",
                                  verbose_name=_("work item"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="co_work_items", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=8, choices=UnitRole.choices, default=UnitRole.CO)

    class Meta:
        ordering = ["work_item_id", "id"]
        constraints = [models.UniqueConstraint(fields=["work_item", "unit"], name="work_item_unit_unique")]
        verbose_name = _("co-operating unit")
        verbose_name_plural = _("co-operating units")

    def __str__(self) -> str:
        return f"{self.work_item} · {self.unit}"


class Milestone(models.Model):
    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="milestones",
                                  verbose_name=_("work item"))
    title = models.CharField(_("milestone"), max_length=300)
    due_date = models.DateField(_("due date"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["work_item_id", "due_date", "order"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date})"


# ── Reporting ─────────────────────────────────────────────────────────────────────────────────


class ReportingCycle(models.Model):
    """One reporting round of a plan (e.g. "2026年5月", due on the 25th). Opening it creates a report
    request for every active work item (and a part for each co unit)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_cycles",
                             verbose_name=_("plan"))
    label = models.CharField(_("cycle"), max_length=40)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("due date"), db_index=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "period_start", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "frequency", "period_start"], name="cycle_unique_period"),
        ]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")

    def __str__(self) -> str:
        return self.label


class ProgressReportQuerySet(ScopedQuerySet):
    """A report is in scope for its lead unit and its co units (part texts are filtered in selectors)."""

    scope_lookup = "unit"

    def scope_filter(self, scope: Scope) -> Q:
        with_parts = ReportPart.objects.filter(unit__in=scope.unit_ids).values("report")
        return Q(unit__in=scope.unit_ids) | Q(pk__in=with_parts)


class ProgressReport(VersionedModel):
    """The lead unit's consolidated report (进展报告) on one work item for one cycle."""

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="reports",
                              verbose_name=_("cycle"))
    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="reports",
                                  verbose_name=_("work item"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="progress_reports",
                             verbose_name=_("lead unit"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    due_date = models.DateField(_("due date"))
    progress_pct = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    done_text = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    #: True when the first submission came after the due date (the assessment counts it).
    submitted_late = models.BooleanField(_("submitted late"), default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["cycle__period_start", "work_item_id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "work_item"], name="report_unique_per_cycle")]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["unit", "status"])]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.cycle} · {self.work_item}"


class ReportPartQuerySet(ScopedQuerySet):
    """A part is in scope for its own co unit and for the report's lead unit (drafts: see selectors)."""

    scope_lookup = "unit"

    def scope_filter(self, scope: Scope) -> Q:
        return Q(unit__in=scope.unit_ids) | Q(report__unit__in=scope.unit_ids)


class ReportPart(VersionedModel):
    """A co unit's contribution to a report; the lead unit accepts it or returns it with a reason."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="parts",
                               verbose_name=_("report"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="report_parts",
                             verbose_name=_("co-operating unit"))
    status = models.CharField(_("status"), max_length=10, choices=PartStatus.choices, default=PartStatus.OPEN)
    done_text = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportPartQuerySet.as_manager()

    class Meta:
        ordering = ["report_id", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="report_part_unique_unit")]
        indexes = [models.Index(fields=["unit", "status"])]
        verbose_name = _("report part")
        verbose_name_plural = _("report parts")

    def __str__(self) -> str:
        return f"{self.report} · {self.unit}"


# ── Lights ────────────────────────────────────────────────────────────────────────────────────


class LightRuleSet(VersionedRuleSet):
    """Versioned light thresholds: the set in force on a date is the latest `effective_from` ≤ it.

    `params`: yellow_behind_pp (yellow from this many percentage points behind schedule),
    red_behind_pp (red when more than this behind), red_when_overdue (past the deadline and not
    completed), yellow_when_report_late (a report past its due date and not yet submitted).
    """

    class Meta(VersionedRuleSet.Meta):
        verbose_name = _("light rule set")
        verbose_name_plural = _("light rule sets")


class WorkItemLightQuerySet(ScopedQuerySet):
    """In scope like its work item. (`scope_lookup` has no "__", so no DISTINCT is added.)"""

    scope_lookup = "work_item"

    def scope_filter(self, scope: Scope) -> Q:
        return work_item_scope(scope, via="work_item__")


class WorkItemLight(models.Model):
    """A work item's current light with the inputs that produced it."""

    work_item = models.OneToOneField(WorkItem, on_delete=models.CASCADE, related_name="light",
                                     verbose_name=_("work item"))
    light = models.CharField(_("light"), max_length=8, choices=Light.choices, default=Light.GREY)
    as_of = models.DateField(_("as of"))
    progress_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    expected_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    behind_pp = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    overdue_days = models.IntegerField(default=0)
    rule = models.CharField(_("rule that fired"), max_length=100, blank=True)
    rule_set = models.ForeignKey(LightRuleSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    inputs = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)
    # The day the light last changed colour and the colour before (empty: unchanged since first computed),
    # so the home page can say what turned red since last week.
    changed_on = models.DateField(_("changed on"), null=True, blank=True, db_index=True)
    previous_light = models.CharField(_("previous light"), max_length=8, choices=Light.choices, blank=True)

    objects = WorkItemLightQuerySet.as_manager()

    class Meta:
        verbose_name = _("work item light")
        verbose_name_plural = _("work item lights")

    def __str__(self) -> str:
        return f"{self.work_item}: {self.light}"


class TaskLight(models.Model):
    """A plan task's light: the worst light of its active work items, with the counts."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="progress_light",
                                verbose_name=_("task"))
    light = models.CharField(_("light"), max_length=8, choices=Light.choices, default=Light.GREY)
    as_of = models.DateField(_("as of"))
    rule = models.CharField(_("rule that fired"), max_length=100, blank=True)
    inputs = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task light")
        verbose_name_plural = _("task lights")

    def __str__(self) -> str:
        return f"{self.task}: {self.light}"


# ── Escalation ────────────────────────────────────────────────────────────────────────────────


class EscalationRuleSet(VersionedRuleSet):
    """Versioned chasing rules (催办/督办), like `LightRuleSet`.

    `params`: remind_days_before (reminder this many days before the due date), yellow_days_overdue
    (yellow notice from this many days past due), red_days_overdue (red notice from this many days
    past due), red_late_in_row (or when this many reports in a row were late), supervise_with_red
    (a red notice also lists the item on the office's 督办 list).
    """

    class Meta(VersionedRuleSet.Meta):
        verbose_name = _("escalation rule set")
        verbose_name_plural = _("escalation rule sets")


class EscalationEventQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class EscalationEvent(models.Model):
    """One step of chasing a late unit, recorded once (`dedup_key`) so the assessment can count it.

    `part` is set when the chased unit is a co unit filing its part. A `supervised` event with no
    `resolved_at` is an entry of the office's 督办 list.
    """

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="escalations",
                                  verbose_name=_("work item"))
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="escalations", verbose_name=_("report"))
    part = models.ForeignKey(ReportPart, null=True, blank=True, on_delete=models.CASCADE, related_name="escalations")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("unit"))
    level = models.CharField(_("level"), max_length=12, choices=EscalationLevel.choices)
    at = models.DateTimeField(_("time"), db_index=True)
    on_date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"), db_index=True)
    days_overdue = models.IntegerField(_("days overdue"), default=0)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    dedup_key = models.CharField(max_length=200, unique=True)
    rule_set = models.ForeignKey(EscalationRuleSet, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = EscalationEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["unit", "level"]), models.Index(fields=["level", "resolved_at"])]
        verbose_name = _("escalation event")
        verbose_name_plural = _("escalation events")

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.unit} · {self.work_item}"

    @property
    def reason_label(self) -> str:
        """The reason in words; a reason with no label (older free text) shows as stored."""
        try:
            return str(EscalationReason(self.reason).label)
        except ValueError:
            return self.reason


class ExtensionRequestQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class ExtensionRequest(models.Model):
    """延期申请: a unit asks to move a report's due date (or, without a report, the work item's deadline)."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="extension_requests",
                                  verbose_name=_("work item"))
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="extension_requests", verbose_name=_("report"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="extension_requests",
                             verbose_name=_("unit"))
    current_due_date = models.DateField(_("current due date"))
    requested_due_date = models.DateField(_("requested due date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.work_item} → {self.requested_due_date}"


# ── Supervision ───────────────────────────────────────────────────────────────────────────────


class FindingQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class Finding(VersionedModel):
    """A problem found in supervision (督查问题) with its rectification (整改) and close-out (销号)."""

    source = models.CharField(_("source"), max_length=20, choices=FindingSource.choices)
    title = models.CharField(_("problem"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="findings",
                             verbose_name=_("responsible unit"))
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings",
                             verbose_name=_("task"))
    work_item = models.ForeignKey(WorkItem, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="findings", verbose_name=_("work item"))
    found_on = models.DateField(_("found on"))
    deadline = models.DateField(_("rectification deadline"), db_index=True)
    rectification_plan = models.TextField(_("rectification plan"), blank=True)
    rectification_result = models.TextField(_("rectification result"), blank=True)
    status = models.CharField(_("status"), max_length=30, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN, db_index=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    raised_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("raised by"))
    submitted_at = models.DateTimeField(_("submitted for verification at"), null=True, blank=True)
    submitted_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted for verification by"))
    verified_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("verified by"))
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["unit", "status"])]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.title
