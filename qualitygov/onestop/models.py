"""The one-stop NQI service window (质量基础设施一站式服务): each firm's request, who handles it, when it
was done, the firm's rating; the time limit in working days is a versioned rule (`SlaRuleSet`).

A request is kept by the unit that runs the window and scoped by it (`visible_to`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.models import VersionedRuleSet
from qualitygov.core.scoping import ScopedQuerySet
from qualitygov.core.versioning import VersionedModel
from qualitygov.registry.models import MarketEntity

from .choices import RequestStatus, ServiceKind, SlaState

#: The time limit when no rule set is stored yet (working days).
DEFAULT_SLA_WORKDAYS = 10


class SlaRuleSet(VersionedRuleSet):
    """Time limits of the window in working days, by service type; the set in force on the day a request
    is received applies to it. `params`: {"default": 10, "by_kind": {"metrology": 7, …}}."""

    class Meta(VersionedRuleSet.Meta):
        verbose_name = _("time-limit rule set")
        verbose_name_plural = _("time-limit rule sets")

    def workdays_for(self, kind: str) -> int:
        by_kind = (self.params or {}).get("by_kind") or {}
        return int(by_kind.get(kind, (self.params or {}).get("default", DEFAULT_SLA_WORKDAYS)))


class RequestQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class ServiceRequest(VersionedModel):
    """One firm's request. `due_on` is fixed when it is received: `sla_workdays` working days after
    `received_on` on the stored calendar, under the rule set then in force (`rule_set`)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("service window"))
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+", verbose_name=_("firm"))
    kind = models.CharField(_("service type"), max_length=14, choices=ServiceKind.choices)
    subject = models.CharField(_("what the firm asks for"), max_length=300)
    received_on = models.DateField(_("received on"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED, db_index=True)
    assigned_to = models.CharField(_("handled by"), max_length=120, blank=True,
                                   help_text=_("The institution or person handling it, e.g. 舟山市计量测试院."))
    sla_workdays = models.PositiveSmallIntegerField(_("time limit (working days)"))
    due_on = models.DateField(_("due on"), db_index=True)
    rule_set = models.ForeignKey(SlaRuleSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField(_("done on"), null=True, blank=True, db_index=True)
    outcome = models.TextField(_("what was done"), blank=True)
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("the firm's rating (1–5)"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                                   name="onestop_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on:%Y-%m-%d} {self.entity.name} · {self.get_kind_display()}"

    def sla_state(self, today: dt.date) -> str:
        if self.done_on is not None:
            return SlaState.WITHIN if self.done_on <= self.due_on else SlaState.LATE
        return SlaState.OVERDUE if today > self.due_on else SlaState.OPEN
