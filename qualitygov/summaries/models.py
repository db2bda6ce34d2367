"""Half-year and annual summaries (半年总结 / 年度总结): the office's template, a round per period, each
member unit's summary with the figures it submitted, and the district summary consolidated from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.scoping import ScopedQuerySet
from qualitygov.core.versioning import VersionedModel
from qualitygov.plans.models import Plan

from .choices import ChaseLevel, DistrictStatus, Figure, RoundStatus, SummaryKind, UnitSummaryStatus

_USER = settings.AUTH_USER_MODEL


class SummaryTemplate(VersionedModel):
    """What the office asks every unit to write: ordered sections (heading + guidance) and the figures
    pulled from the unit's indicators and work items. A round copies the sections and figures when it
    opens, so editing the template later changes no open round."""

    title = models.CharField(_("template title"), max_length=200)
    #: [{"heading": "一、主要工作成效", "guidance": "…"}, …] in order.
    sections = models.JSONField(_("sections"), default=list)
    #: Figure codes (choices.Figure) the unit's summary must show.
    figures = models.JSONField(_("required figures"), default=list)
    updated_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("summary template")
        verbose_name_plural = _("summary templates")

    def __str__(self) -> str:
        return self.title

    @property
    def figure_labels(self) -> list:
        return [Figure(code).label for code in self.figures if code in Figure.values]


class SummaryRound(VersionedModel):
    """One half-year or annual summary of a plan: which units file, by when, on which sections."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="summary_rounds", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=SummaryKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("due date"), db_index=True)
    template = models.ForeignKey(SummaryTemplate, on_delete=models.PROTECT, related_name="rounds",
                                 verbose_name=_("template"))
    template_version = models.PositiveIntegerField(_("template version"), default=1)
    #: The template's sections and figures as they were when the round opened.
    sections = models.JSONField(default=list)
    figures = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "year", "kind", "period_start"],
                                               name="summary_round_unique_period")]
        verbose_name = _("summary round")
        verbose_name_plural = _("summary rounds")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """"2026年上半年工作总结" / "2026年度工作总结" (stored Chinese: the title of the documents)."""
        if self.kind == SummaryKind.ANNUAL:
            return f"{self.year}年度工作总结"
        half = "上半年" if self.period_start.month <= 6 else "下半年"
        return f"{self.year}年{half}工作总结"


class UnitSummaryQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class UnitSummary(VersionedModel):
    """A member unit's summary for a round: text per section, the figures it submitted (a snapshot
    taken at submission, each naming where it came from), evidence (core Attachments), its state."""

    round = models.ForeignKey(SummaryRound, on_delete=models.CASCADE, related_name="unit_summaries",
                              verbose_name=_("round"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="summaries", verbose_name=_("unit"))
    #: One text per section of the round, in the round's order.
    texts = models.JSONField(default=list)
    #: {"taken_on": "YYYY-MM-DD", "indicators": [...], "work_items": {...}} — see figures.py.
    figures = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=UnitSummaryStatus.choices,
                              default=UnitSummaryStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    #: Set when the summary was first submitted after the due date, or the due date passed unsubmitted
    #: (the daily job); kept once set: the assessment counts it.
    late = models.BooleanField(_("late"), default=False)
    return_reason = models.TextField(_("reason for return"), blank=True)
    reviewed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = UnitSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "unit__sort_order", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="unit_summary_unique")]
        verbose_name = _("unit summary")
        verbose_name_plural = _("unit summaries")

    def __str__(self) -> str:
        return f"{self.round.label} · {self.unit.label}"


class SummaryChaseQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class SummaryChase(models.Model):
    """One reminder or overdue notice sent for a unit's summary, recorded once (`dedup_key`)."""

    summary = models.ForeignKey(UnitSummary, on_delete=models.CASCADE, related_name="chases")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=ChaseLevel.choices)
    on_date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"))
    notices = models.PositiveIntegerField(_("notices sent"), default=0)
    dedup_key = models.CharField(max_length=120, unique=True)

    objects = SummaryChaseQuerySet.as_manager()

    class Meta:
        ordering = ["on_date", "pk"]
        verbose_name = _("summary reminder")
        verbose_name_plural = _("summary reminders")

    def __str__(self) -> str:
        return f"{self.dedup_key}"


class DistrictSummary(VersionedModel):
    """The district's 半年/年度工作总结 built from the units' summaries; the office edits the sections and
    finalises it (frozen afterwards)."""

    round = models.OneToOneField(SummaryRound, on_delete=models.CASCADE, related_name="district_summary",
                                 verbose_name=_("round"))
    title = models.CharField(_("title"), max_length=200)
    #: [{"heading": "…", "text": "…"}, …]
    sections = models.JSONField(default=list)
    #: The figures table as generated: [[unit, figure, value, target/detail, source], …]
    figure_rows = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=8, choices=DistrictStatus.choices, default=DistrictStatus.DRAFT)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("district summary")
        verbose_name_plural = _("district summaries")

    def __str__(self) -> str:
        return self.title
