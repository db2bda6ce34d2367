"""Reports to the level above (向上级报送): the template the city asks for and each report made from it.

Both are district records: only users who read the whole district see them (`visible_to` answers
everything or nothing), only an office holding the whole district writes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.core.scoping import Scope, ScopedQuerySet
from qualitygov.core.versioning import VersionedModel
from qualitygov.indicators.models import Indicator
from qualitygov.plans.models import Plan

from .choices import DEFAULT_COLUMNS, Channel, PeriodKind, ReportStatus


class DistrictQuerySet(ScopedQuerySet):
    """District-wide records: all of them for a scope covering the whole district, none otherwise."""

    def scope_filter(self, scope: Scope) -> models.Q:
        return models.Q(pk__in=[])


def _default_columns() -> list[str]:
    return [str(c) for c in DEFAULT_COLUMNS]


class UpperReportTemplate(VersionedModel):
    """What the level above asks for: which indicators with which figures, for which periods, due when.

    `due_workdays`: the report is due that many working days after the period ends (on the stored
    working-day calendar). `columns` is the ordered list of `FigureColumn` values of the table.
    """

    title = models.CharField(_("report title"), max_length=200, help_text=_("e.g. 《普陀区质量强区指标完成情况表》"))
    requested_by = models.CharField(_("requesting body"), max_length=100, help_text=_("e.g. 市质量强市办"))
    filing_unit = models.CharField(_("filing unit"), max_length=100, default="普陀区质量强区办",
                                   help_text=_("The name printed on the 填报单位 line."))
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+", verbose_name=_("plan"))
    indicators = models.ManyToManyField(Indicator, through="TemplateIndicator", related_name="+",
                                        verbose_name=_("indicators"))
    columns = models.JSONField(_("columns"), default=_default_columns)
    include_progress = models.BooleanField(_("include work progress"), default=True)
    period_kind = models.CharField(_("how often reported"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.QUARTER)
    due_workdays = models.PositiveSmallIntegerField(_("due (working days after the period ends)"), default=5)
    active = models.BooleanField(_("in use"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["-active", "title", "id"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self) -> str:
        return self.title


class TemplateIndicator(models.Model):
    template = models.ForeignKey(UpperReportTemplate, on_delete=models.CASCADE, related_name="rows")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["template_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "indicator"], name="upper_template_indicator_once")]

    def __str__(self) -> str:
        return f"{self.template_id}:{self.order}:{self.indicator_id}"


class UpperReport(VersionedModel):
    """One report of a template for one period (`edition` 1; a correction of a sent report is edition 2, …).

    `snapshot` holds every figure as generated, with its provenance (the approved values it came from);
    from review on it is frozen, and the files sent are stored as attachments of the report.
    """

    template = models.ForeignKey(UpperReportTemplate, on_delete=models.PROTECT, related_name="reports",
                                 verbose_name=_("template"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("period number"), default=1)
    period_start = models.DateField(_("first day of the period"))
    period_end = models.DateField(_("last day of the period"))
    period_label = models.CharField(_("report period"), max_length=30)
    due_on = models.DateField(_("due on"))
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="correction", verbose_name=_("corrects"))
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
                              db_index=True)
    snapshot = models.JSONField(default=dict)
    missing_count = models.PositiveIntegerField(_("missing values"), default=0)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    review_note = models.TextField(_("review note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    receipt_note = models.TextField(_("receipt note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "template_id", "-edition", "-id"]
        constraints = [models.UniqueConstraint(fields=["template", "year", "number", "edition"],
                                               name="upper_report_unique_edition")]
        verbose_name = _("report to the level above")
        verbose_name_plural = _("reports to the level above")

    def __str__(self) -> str:
        return f"{self.template.title} {self.period_label}"
