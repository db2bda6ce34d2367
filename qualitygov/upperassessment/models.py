"""迎考: an assessment of the district by the level above, and its items to prepare.

The upper level's scheme is kept as its exchange-format document (`document`, validated by the
engine), copied from a stored `AssessmentScheme` when it came from one. Each leaf becomes an
`UpperItem`; evidence files are core `Attachment`s owned by the item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.assessments.models import AssessmentScheme
from qualitygov.core.scoping import ScopedQuerySet
from qualitygov.core.versioning import VersionedModel
from qualitygov.plans.models import Task
from qualitygov.progress.models import WorkItem

from .choices import ItemKind, ItemStatus, UpperStatus


class UpperAssessment(models.Model):
    """One year's assessment by the level above (e.g. 市对区质量工作考核). Every signed-in user reads it."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    document = models.TextField(_("scheme document (JSON)"))
    scheme = models.ForeignKey(AssessmentScheme, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("scheme"))
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+", verbose_name=_("plan task it serves"))
    status = models.CharField(_("status"), max_length=10, choices=UpperStatus.choices, default=UpperStatus.OPEN)
    source_name = models.CharField(_("loaded from"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("upper assessment")
        verbose_name_plural = _("upper assessments")

    def __str__(self) -> str:
        return f"{self.title}（{self.year}）"


class UpperItemQuerySet(ScopedQuerySet):
    scope_lookup = "lead_unit"


class UpperItem(VersionedModel):
    """A scored item of the upper level's scheme the district prepares: led by a unit, due on a date,
    with a proposed self-score (≤ `max`), a note and evidence; chased as `work_item`. A bonus item
    (加分项) is claimed the same way; its `max` is the bonus cap, its points per award in `criteria`."""

    assessment = models.ForeignKey(UpperAssessment, on_delete=models.CASCADE, related_name="items",
                                   verbose_name=_("upper assessment"))
    code = models.CharField(_("item code"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices, default=ItemKind.ITEM)
    seq = models.CharField(_("number"), max_length=40, blank=True)
    section = models.CharField(_("section"), max_length=300, blank=True)
    name = models.CharField(_("item"), max_length=300)
    max = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    criteria = models.TextField(_("scoring standard"), blank=True)
    owner_hint = models.CharField(_("responsible unit in the scheme"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    lead_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("lead unit"))
    co_units = models.ManyToManyField(OrgUnit, blank=True, related_name="+", verbose_name=_("co units"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    self_score = models.DecimalField(_("self-score"), max_digits=7, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.TODO)
    review_note = models.CharField(_("reason for return"), max_length=500, blank=True)
    work_item = models.OneToOneField(WorkItem, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="upper_item", verbose_name=_("work item"))

    objects = UpperItemQuerySet.as_manager()

    class Meta:
        ordering = ["assessment_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="upper_item_code_unique"),
            models.CheckConstraint(condition=models.Q(self_score__isnull=True) | models.Q(self_score__gte=0),
                                   name="upper_item_self_score_not_negative"),
        ]
        verbose_name = _("upper assessment item")
        verbose_name_plural = _("upper assessment items")

    def __str__(self) -> str:
        return f"{self.seq or self.code} {self.name}"

    @property
    def number(self) -> str:
        """序号 in the 自评表 and the evidence package: the scheme's numbering, else the item code."""
        return self.seq.rstrip("、.． ") or self.code
