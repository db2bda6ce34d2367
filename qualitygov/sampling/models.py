"""The district's own supervision sampling (监督抽查) and its follow-up (后处置).

A `SamplingPlan` belongs to its owning unit (区市场监管分局 in the demo). Its batches are written by
users whose CHANGE scope covers that unit; they are read by whoever's VIEW scope covers the owning
unit (district readers, the unit itself) and by the town the sampled entity is registered in (read
only). A failed batch has one `FollowUp` carrying the statutory clocks; their periods come from the
`SamplingRuleSet` in force on each clock's start date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.models import VersionedRuleSet
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import Scope, ScopedQuerySet, scope_for
from qualitygov.core.versioning import VersionedModel
from qualitygov.registry.models import MarketEntity

from .choices import Category, Channel, Clock, NoticeMethod, Outcome, Stage, Verdict


class SamplingRuleSet(VersionedRuleSet):
    """Statutory periods of the follow-up, versioned by effective date (the set in force on a clock's
    start date decides it).

    `params`: one entry per period, `{"days": n, "count": "calendar"|"workdays", "basis": "…"}`:
    `objection` (objection / 复检 request window from service), `retest_decision` (deciding a 复检
    request from receipt), `public_notice` (公告送达 counts as served after this), `correction` (the
    correction period from the order), `recheck` (复查 due from the order), `second_recheck_from` and
    `second_recheck_to` (the second 复查 window from the provincial notice); and `due_soon_days`
    (a clock is "due soon" this many calendar days ahead, and reminders go out then).
    """

    class Meta(VersionedRuleSet.Meta):
        verbose_name = _("sampling follow-up rule set")
        verbose_name_plural = _("sampling follow-up rule sets")


class PlanQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.Q:
        return models.Q(owning_unit__in=scope.unit_ids)

    def visible_to(self, user, action: str = Action.VIEW) -> ScopedQuerySet:
        """VIEW: the owning unit's readers, and a town's readers for plans with a batch in the town;
        any other action: the owning unit only."""
        scope = scope_for(user, action)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        if action != Action.VIEW:
            return self.filter(owning_unit__in=scope.unit_ids)
        towns = SampleBatch.objects.filter(town__in=scope.unit_ids).values("plan_id")
        return self.filter(models.Q(owning_unit__in=scope.unit_ids) | models.Q(pk__in=towns))


class SamplingPlan(VersionedModel):
    """A year's sampling of one product: standard, batches planned, lab and window."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("plan title"), max_length=200)
    product = models.CharField(_("product"), max_length=100)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, default=Category.INDUSTRIAL)
    standard = models.CharField(_("standard"), max_length=200, blank=True,
                                help_text=_("e.g. GB 4706.1-2005 and the product's implementation rules"))
    batches_planned = models.PositiveIntegerField(_("batches planned"), default=0)
    lab = models.CharField(_("testing body"), max_length=200, blank=True)
    window_start = models.DateField(_("sampling from"), null=True, blank=True)
    window_end = models.DateField(_("sampling until"), null=True, blank=True)
    owning_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="sampling_plans",
                                    verbose_name=_("owning unit"))
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title", "id"]
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class BatchQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = Action.VIEW) -> ScopedQuerySet:
        """VIEW: the plan's owning unit and the batch's town; any other action: the owning unit only."""
        scope = scope_for(user, action)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        if action != Action.VIEW:
            return self.filter(plan__owning_unit__in=scope.unit_ids)
        return self.filter(models.Q(plan__owning_unit__in=scope.unit_ids) | models.Q(town__in=scope.unit_ids))


class SampleBatch(VersionedModel):
    """One sampled batch: the entity (its town and industry copied when recorded), test report, verdict."""

    plan = models.ForeignKey(SamplingPlan, on_delete=models.PROTECT, related_name="batches", verbose_name=_("plan"))
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="sample_batches",
                               verbose_name=_("sampled entity"))
    town = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    product = models.CharField(_("product"), max_length=100)
    industry_code = models.CharField(_("industry (GB/T 4754)"), max_length=5, blank=True)
    industry_name = models.CharField(_("industry name"), max_length=100, blank=True)
    sampled_on = models.DateField(_("sampling date"), db_index=True)
    lab = models.CharField(_("testing body"), max_length=200)
    report_no = models.CharField(_("report number"), max_length=60, unique=True)
    verdict = models.CharField(_("verdict"), max_length=4, choices=Verdict.choices, db_index=True)
    failed_items = models.TextField(_("failed items"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    publication_channel = models.CharField(_("published through"), max_length=12, choices=Channel.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-sampled_on", "-id"]
        indexes = [models.Index(fields=["town", "sampled_on"]), models.Index(fields=["plan", "sampled_on"])]
        verbose_name = _("sampled batch")
        verbose_name_plural = _("sampled batches")

    def __str__(self) -> str:
        return f"{self.report_no} {self.product}"


class FollowUpQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = Action.VIEW) -> ScopedQuerySet:
        return self.filter(batch__in=SampleBatch.objects.visible_to(user, action).values("pk"))


class FollowUp(VersionedModel):
    """The 后处置 of one failed batch. `stage` moves only through `choices.TRANSITIONS`; `clock` and
    `clock_due` are the deadline it waits on now (set by each step from the rule in force), so lists and
    measures read them without recomputing."""

    batch = models.OneToOneField(SampleBatch, on_delete=models.CASCADE, related_name="followup",
                                 verbose_name=_("batch"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.NOTICE_PENDING,
                             db_index=True)
    notice_method = models.CharField(_("notice served by"), max_length=12, choices=NoticeMethod.choices, blank=True)
    notice_on = models.DateField(_("notice sent or posted on"), null=True, blank=True)
    served_on = models.DateField(_("counts as served on"), null=True, blank=True)
    objection_due = models.DateField(_("objection window ends"), null=True, blank=True)
    objection_on = models.DateField(_("objection received on"), null=True, blank=True)
    objection_decision_due = models.DateField(_("decision due"), null=True, blank=True)
    objection_decided_on = models.DateField(_("objection decided on"), null=True, blank=True)
    objection_accepted = models.BooleanField(_("objection accepted"), null=True, blank=True)
    retest_lab = models.CharField(_("re-test body"), max_length=200, blank=True)
    retest_on = models.DateField(_("re-test result on"), null=True, blank=True)
    retest_passed = models.BooleanField(_("re-test passed"), null=True, blank=True)
    ordered_on = models.DateField(_("ordered to correct on"), null=True, blank=True)
    correction_due = models.DateField(_("correction period ends"), null=True, blank=True)
    recheck_due = models.DateField(_("re-inspection due"), null=True, blank=True)
    recheck_on = models.DateField(_("re-inspected on"), null=True, blank=True)
    recheck_passed = models.BooleanField(_("re-inspection passed"), null=True, blank=True)
    province_notice_on = models.DateField(_("provincial notice on"), null=True, blank=True)
    second_window_start = models.DateField(_("second re-inspection from"), null=True, blank=True)
    second_window_end = models.DateField(_("second re-inspection until"), null=True, blank=True)
    second_recheck_on = models.DateField(_("second re-inspection on"), null=True, blank=True)
    case_on = models.DateField(_("case transferred on"), null=True, blank=True)
    case_no = models.CharField(_("case number"), max_length=60, blank=True)
    credit_recorded = models.BooleanField(_("credit record made"), default=False)
    clock = models.CharField(_("waiting on"), max_length=20, choices=Clock.choices, blank=True)
    clock_due = models.DateField(pgettext_lazy("sampling ledger", "due on"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("how it ended"), max_length=20, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["clock_due", "id"]
        verbose_name = pgettext_lazy("sampling ledger", "follow-up")
        verbose_name_plural = pgettext_lazy("sampling ledger", "follow-ups")

    def __str__(self) -> str:
        return f"{self.batch.report_no} · {self.get_stage_display()}"

    @property
    def is_open(self) -> bool:
        return self.stage not in (Stage.CLOSED, Stage.TRANSFERRED)
