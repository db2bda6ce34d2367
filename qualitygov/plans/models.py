"""A plan (实施方案) and its structure: sections, task groups, tasks, responsibilities."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.scoping import Scope, ScopedQuerySet

from .choices import PlanStatus, ResponsibilityRole


class PlanQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = "view"):
        """A plan is the district's published document: anyone with any scope for `action` sees it."""
        from qualitygov.core.scoping import scope_for

        return self if not scope_for(user, action).empty else self.none()


class Plan(models.Model):
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    doc_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(_("period start"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("period end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start}—{self.period_end}"
        return ""


class Section(models.Model):
    """A top-level heading (一、二、三…) or one of its sub-sections ((一)(二)…, `parent` set)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="subsections")
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "order"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TaskGroup(models.Model):
    """A heading grouping tasks (任务组 (一)(二)…)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "order"]
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")

    def __str__(self) -> str:
        return f"（{self.number}）{self.title}"


class TaskQuerySet(ScopedQuerySet):
    scope_lookup = "responsibilities__unit"

    def scope_filter(self, scope: Scope) -> Q:
        """A task is in scope when a responsible unit is, or when it is given to all towns and a town is."""
        query = Q(responsibilities__unit__in=scope.unit_ids)
        if OrgUnit.objects.filter(pk__in=scope.unit_ids, kind__in=TOWN_KINDS).exists():
            query |= Q(all_towns=True)
        return query


class Task(models.Model):
    """A numbered task of the plan (主要任务), carried out by its responsible units."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    group = models.ForeignKey(TaskGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("task name"), max_length=300)
    text = models.TextField(_("main content"))
    all_towns = models.BooleanField(_("all towns carry it out"), default=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(_("time limit as written"), max_length=60, blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number_per_plan")]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Responsibility(models.Model):
    """`unit` carries out `task` as lead (牵头/责任) or co-operating (配合) unit."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="responsibilities")
    role = models.CharField(_("role"), max_length=8, choices=ResponsibilityRole.choices)
    name_as_written = models.CharField(_("name as written"), max_length=120, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task_id", "role", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="responsibility_unique_unit_per_task")]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")

    def __str__(self) -> str:
        return f"{self.task.number} · {self.unit} · {self.get_role_display()}"
