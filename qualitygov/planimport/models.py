"""An uploaded plan document between parsing and confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ImportStatus


class PlanImport(models.Model):
    """An uploaded plan document between parsing and confirmation.

    `parsed` is the parser's output (plan.schema.json); `corrections` what the office changed in
    review. Confirming applies both in one transaction and links the resulting `plan`.
    """

    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    source_name = models.CharField(_("file name"), max_length=255)
    source_sha256 = models.CharField(max_length=64)
    parsed = models.JSONField(default=dict)
    corrections = models.JSONField(default=dict, blank=True)
    #: What confirming did: counts and warnings (removed tasks kept because work is attached…).
    outcome = models.JSONField(default=dict, blank=True)
    revises = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("revises plan"))
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "plans_planimport"  # the table predates this app
        ordering = ["-created_at"]
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"
