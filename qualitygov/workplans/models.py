"""The annual work plan (年度工作要点): its key points, each carried out as a progress work item,
the file imports that produce them, and the roll-over decisions that start the next year's plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.versioning import VersionedModel
from qualitygov.plans.models import Plan, Task
from qualitygov.progress.models import WorkItem

from .choices import ImportStatus, RollOverOutcome, WorkPlanStatus


class WorkPlan(VersionedModel):
    """The key points the office issues for one year of a plan. District-wide: every signed-in user reads it.

    Draft until issued (`publish`): issuing turns each key point into a work item.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="work_plans", verbose_name=_("plan"))
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=WorkPlanStatus.choices, default=WorkPlanStatus.DRAFT)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("rolled over from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="work_plan_year_unique")]
        verbose_name = _("annual work plan")
        verbose_name_plural = _("annual work plans")

    def __str__(self) -> str:
        return self.title


class KeyPoint(models.Model):
    """工作要点 N: what is to be done, the plan task it serves, who leads and co-operates, by when."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="key_points",
                                  verbose_name=_("work plan"))
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("key point"))
    group_title = models.CharField(_("heading"), max_length=300, blank=True)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="key_points", verbose_name=_("plan task"))
    lead_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit"))
    co_units = models.ManyToManyField(OrgUnit, blank=True, related_name="+", verbose_name=_("co-operating units"))
    deadline = models.DateField(_("deadline"))
    deadline_text = models.CharField(_("time limit as written"), max_length=60, blank=True)
    order = models.PositiveIntegerField(default=0)
    work_item = models.OneToOneField(WorkItem, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="key_point", verbose_name=_("work item"))
    origin = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried",
                               verbose_name=_("carried over from"))

    class Meta:
        ordering = ["work_plan_id", "order", "number"]
        constraints = [models.UniqueConstraint(fields=["work_plan", "number"], name="key_point_number_unique")]
        verbose_name = _("key point")
        verbose_name_plural = _("key points")

    def __str__(self) -> str:
        return f"{self.work_plan.year}-{self.number}"


class RollOverDecision(models.Model):
    """What became of an open key point when the next year's plan was started: carried, closed or dropped.

    One per key point (decided once); a carry names the new key point.
    """

    key_point = models.OneToOneField(KeyPoint, on_delete=models.CASCADE, related_name="roll_over",
                                     verbose_name=_("key point"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=RollOverOutcome.choices)
    reason = models.CharField(_("reason"), max_length=500)
    carried_to = models.OneToOneField(KeyPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("carried to"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("decided on"))

    class Meta:
        ordering = ["key_point__order", "key_point__number"]
        verbose_name = _("roll-over decision")
        verbose_name_plural = _("roll-over decisions")

    def __str__(self) -> str:
        return f"{self.key_point} · {self.get_outcome_display()}"


class WorkPlanImport(models.Model):
    """An uploaded 工作要点 file between parsing and confirmation.

    `parsed` holds the parser's key points (see `importer.ParsedWorkPlan.as_json`); `corrections` what
    the office chose at review (`units`: name → unit id; `tasks`/`deadlines`: key point index → value).
    Confirming writes the work plan (a draft) with its key points in one transaction.
    """

    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", verbose_name=_("plan"))
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    source_name = models.CharField(_("file name"), max_length=255)
    source_sha256 = models.CharField(max_length=64)
    parsed = models.JSONField(default=dict)
    corrections = models.JSONField(default=dict, blank=True)
    work_plan = models.ForeignKey(WorkPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("work plan import")
        verbose_name_plural = _("work plan imports")

    def __str__(self) -> str:
        return self.source_name
