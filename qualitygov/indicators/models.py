"""Indicators (指标): the plan's numeric targets, created by plan import."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.plans.models import Plan, Task

from .choices import Comparator, IndicatorScope, Nature


class Indicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    comparator = models.CharField(_("comparator"), max_length=8, choices=Comparator.choices)
    target_value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    nature = models.CharField(_("nature"), max_length=10, choices=Nature.choices, default=Nature.EXPECTED)
    scope = models.CharField(_("where stated"), max_length=8, choices=IndicatorScope.choices)
    source = models.TextField(_("source clause"), blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="indicator_unique_code_per_plan")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
