"""Feeds (数据接入): a source (an upper system's export), each file imported from it kept byte for byte,
the figures read from it by period, town and category with their row numbers, and the changes a corrected
file made.

Scope: a source belongs to its responsible unit (区市场监管分局 for the market-supervision systems);
users reading the whole district see everything, that unit's staff see its sources, files and figures,
and a town sees the figures of its own town (`Figure.town`) but not the files.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.scoping import Scope, ScopedQuerySet

from .choices import FileStatus


class SourceQuerySet(ScopedQuerySet):
    scope_lookup = "owner_unit"


class FileQuerySet(ScopedQuerySet):
    scope_lookup = "source__owner_unit"

    def scope_filter(self, scope: Scope) -> models.Q:
        return models.Q(source__owner_unit__in=scope.unit_ids)


class FigureQuerySet(ScopedQuerySet):
    scope_lookup = "source__owner_unit"

    def scope_filter(self, scope: Scope) -> models.Q:
        return models.Q(source__owner_unit__in=scope.unit_ids) | models.Q(town__in=scope.unit_ids)

    def current(self) -> FigureQuerySet:
        return self.filter(is_current=True)


class FeedSource(models.Model):
    """One upper system's export; its mapping is shipped data (`feeds/mappings/<key>.py`)."""

    key = models.CharField(_("source key"), max_length=30, unique=True)
    label = models.CharField(_("source"), max_length=100)
    owner_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("responsible unit"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")

    def __str__(self) -> str:
        return self.label


class FeedFile(models.Model):
    """A file as uploaded (bytes kept, sha256), read with the mapping `mapping_version`; `summary` holds the
    dry run's counts and errors. A corrected file replacing all of this one's figures sets `replaced_by`."""

    source = models.ForeignKey(FeedSource, on_delete=models.PROTECT, related_name="files", verbose_name=_("source"))
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="feeds/%Y/%m/")
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    content_type = models.CharField(max_length=120, blank=True)
    mapping_version = models.PositiveIntegerField(_("mapping version"), default=1)
    mapping = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=12, choices=FileStatus.choices, default=FileStatus.PENDING,
                              db_index=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), default=0)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    months = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(_("rows read"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    summary = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces",
                                    verbose_name=_("replaced by"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = FileQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("feed file")
        verbose_name_plural = _("feed files")

    def __str__(self) -> str:
        return self.original_name

    @property
    def period_label(self) -> str:
        months = list(self.months or [])
        if not months:
            return ""
        return months[0] if len(months) == 1 else f"{months[0]}～{months[-1]}"


class Figure(models.Model):
    """One figure of one row of a file: `measure` is the name within the source (`accepted`), the measure
    key `feeds.<source>.<measure>`. `weight` (rates) is the row's figure the rate is a share of, so sums over
    towns and months are weighted. Only `is_current` figures count; a corrected file clears the old ones."""

    source = models.ForeignKey(FeedSource, on_delete=models.PROTECT, related_name="+")
    file = models.ForeignKey(FeedFile, on_delete=models.CASCADE, related_name="figures")
    row = models.PositiveIntegerField(_("row"))
    measure = models.CharField(_("figure"), max_length=40)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    town = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    category = models.CharField(_("category"), max_length=60, blank=True)
    subject = models.CharField(_("item"), max_length=200, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    weight = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    is_current = models.BooleanField(default=True)

    objects = FigureQuerySet.as_manager()

    class Meta:
        ordering = ["file_id", "row", "id"]
        indexes = [models.Index(fields=["source", "measure", "is_current", "period_start"], name="feeds_fig_lookup"),
                   models.Index(fields=["file", "row"], name="feeds_fig_file_row")]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self) -> str:
        return f"{self.measure} {self.period_start} {self.value}"


class FeedChange(models.Model):
    """A figure a corrected file changed, added or removed: old → new, with both files and rows."""

    file = models.ForeignKey(FeedFile, on_delete=models.CASCADE, related_name="changes")
    previous_file = models.ForeignKey(FeedFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=40)
    period_start = models.DateField()
    period_end = models.DateField()
    town = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=60, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    old_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    old_row = models.PositiveIntegerField(null=True, blank=True)
    new_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["file_id", "id"]
        verbose_name = _("figure change")
        verbose_name_plural = _("figure changes")

    def __str__(self) -> str:
        return f"{self.measure} {self.old_value}→{self.new_value}"
