"""Assessment schemes kept in the platform: one row per scheme version, the document in the exchange
format (`docs/assessment.md`) stored verbatim, so an export gives back exactly what was imported."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.scoping import ScopedQuerySet
from qualitygov.plans.models import Task
from qualitygov.progress.models import WorkItem

from .choices import (
    EntryKind,
    EntrySource,
    ObjectionOutcome,
    ReviewDecision,
    RoundStatus,
    SchemeStatus,
    SheetStatus,
)


class AssessmentScheme(models.Model):
    """A version of a scoring scheme (考核评分细则) for a year.

    A draft may be edited; publishing freezes it (the round scores against exactly this text); a
    change after that is a new draft version. `key` is the document's `id`.
    """

    key = models.CharField(_("scheme id"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("scheme title"), max_length=300)
    document = models.TextField(_("scheme document (JSON)"))
    status = models.CharField(_("status"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    source_name = models.CharField(_("imported from"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "year", "version"], name="scheme_version_unique")]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return f"{self.title}（{self.year}，v{self.version}）"


class AssessmentRound(models.Model):
    """A year's assessment of the member units against one published scheme version, with its timeline.

    District-wide: every signed-in user may open it, but a unit's sheets and results stay behind the
    unit's scope (see `RoundUnit`). `result` is the engine's result document frozen at approval, with
    `result_units` the RoundUnit ids in the document's order.
    """

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="rounds",
                               verbose_name=_("assessment scheme"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("round title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    self_due = models.DateField(_("self-assessment due"))
    review_due = models.DateField(_("office review due"))
    onsite_due = models.DateField(_("on-site checks due"), null=True, blank=True)
    approval_due = models.DateField(_("leader approval due"))
    publish_on = models.DateField(_("publication date"))
    objection_until = models.DateField(_("objections until"))
    followup_task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("plan task for follow-up work"))
    result = models.JSONField(null=True, blank=True, editable=False)
    result_units = models.JSONField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "title"], name="round_year_title_unique")]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")

    def __str__(self) -> str:
        return self.title


class RoundUnitQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class RoundUnit(models.Model):
    """A unit assessed in a round: its ranking group and its self-assessment sheet's state."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="units",
                              verbose_name=_("assessment round"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    group = models.CharField(_("group"), max_length=40)
    sheet_status = models.CharField(_("sheet"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.OPEN)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    late = models.BooleanField(_("submitted late"), default=False)

    objects = RoundUnitQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "group", "unit__sort_order", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="round_unit_unique")]
        verbose_name = _("assessed unit")
        verbose_name_plural = _("assessed units")

    def __str__(self) -> str:
        return f"{self.round} · {self.unit.label}"


class EntryQuerySet(ScopedQuerySet):
    scope_lookup = "round_unit__unit"


class ItemEntry(models.Model):
    """One unit's input for one scheme leaf, bonus item or veto, with where it came from and its review.

    Values are the exchange format's leaf inputs (`{"score": 8}`, `{"option": "全部完成"}`, `{"na": true}`…);
    a bonus claim is `{"count": n}`, a veto `{"applies": bool}`. The value scored (`effective`) is
    the office's adjustment, else its override of an automatic figure, else the unit's claim, else
    the automatic figure.
    """

    round_unit = models.ForeignKey(RoundUnit, on_delete=models.CASCADE, related_name="entries",
                                   verbose_name=_("assessed unit"))
    kind = models.CharField(_("kind"), max_length=6, choices=EntryKind.choices, default=EntryKind.LEAF)
    code = models.CharField(_("item code"), max_length=100)
    source = models.CharField(_("source"), max_length=6, choices=EntrySource.choices, default=EntrySource.SELF)
    auto_value = models.JSONField(null=True, blank=True)
    records = models.JSONField(default=list, blank=True)
    override_value = models.JSONField(null=True, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    self_value = models.JSONField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    decision = models.CharField(_("review"), max_length=8, choices=ReviewDecision.choices,
                                default=ReviewDecision.PENDING)
    reviewed_value = models.JSONField(null=True, blank=True)
    review_reason = models.TextField(_("review reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["round_unit_id", "id"]
        constraints = [models.UniqueConstraint(fields=["round_unit", "kind", "code"], name="entry_unique")]
        verbose_name = _("item entry")
        verbose_name_plural = _("item entries")

    def __str__(self) -> str:
        return f"{self.round_unit} · {self.code}"

    @property
    def display_code(self) -> str:
        """The leaf's code; for a bonus claim or a veto, its kind (their keys are not for reading)."""
        return self.code if self.kind == EntryKind.LEAF else str(self.get_kind_display())

    @property
    def effective(self):
        if self.decision == ReviewDecision.ADJUST and self.reviewed_value is not None:
            return self.reviewed_value
        if self.override_value is not None:
            return self.override_value
        if self.self_value is not None:
            return self.self_value
        return self.auto_value


class ObjectionQuerySet(ScopedQuerySet):
    scope_lookup = "round_unit__unit"


class Objection(models.Model):
    """异议: a unit disputes an item (or its whole result) within the objection window; the office answers."""

    round_unit = models.ForeignKey(RoundUnit, on_delete=models.CASCADE, related_name="objections",
                                   verbose_name=_("assessed unit"))
    entry = models.ForeignKey(ItemEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="objections",
                              verbose_name=_("item"))
    text = models.TextField(_("objection"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=ObjectionOutcome.choices,
                               default=ObjectionOutcome.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.round_unit} · {self.filed_at:%Y-%m-%d}"


class FollowUp(models.Model):
    """A follow-up the result calls for (书面整改报告), carried out as a progress work item."""

    round_unit = models.OneToOneField(RoundUnit, on_delete=models.CASCADE, related_name="follow_up")
    work_item = models.OneToOneField(WorkItem, on_delete=models.PROTECT, related_name="assessment_follow_up")
    action = models.CharField(_("follow-up"), max_length=100)
    due = models.DateField(_("due"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.round_unit} · {self.action}"
