"""Assessment schemes kept in the platform: one row per scheme version, the document in the exchange
format (`docs/assessment.md`) stored verbatim, so an export gives back exactly what was imported."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import SchemeStatus


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
