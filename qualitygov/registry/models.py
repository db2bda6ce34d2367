"""Market entities (市场主体): the directory the local ledgers refer to, keyed by 统一社会信用代码.

An entity belongs to the town it is registered in; `visible_to` scopes it by that town (the district's
users see every entity).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.scoping import ScopedQuerySet
from qualitygov.core.versioning import VersionedModel

from .choices import ImportStatus


class EntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL = "individual", _("Individual business")
    COOPERATIVE = "cooperative", _("Farmers' cooperative")
    OTHER = "other", _("Other")


class MarketEntityQuerySet(ScopedQuerySet):
    scope_lookup = "town"


class MarketEntity(VersionedModel):
    """One market entity. `uscc` is the 18-character 统一社会信用代码 (GB 32100-2015), stored upper-case
    and checked (`qualitygov.utilities.uscc`); `industry_code` is the GB/T 4754 class (e.g. "C1361")."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("type"), max_length=12, choices=EntityKind.choices, default=EntityKind.ENTERPRISE)
    industry_code = models.CharField(_("industry (GB/T 4754)"), max_length=5, blank=True, db_index=True)
    industry_name = models.CharField(_("industry name"), max_length=100, blank=True)
    town = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="market_entities",
                             verbose_name=_("town"))
    above_scale = models.BooleanField(_("above designated size (规上)"), default=False, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    is_active = models.BooleanField(_("in business"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MarketEntityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("market entity")
        verbose_name_plural = _("market entities")

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"


class EntityImport(models.Model):
    """An uploaded entity export between its dry run and its confirmation.

    The file itself is kept as an `Attachment` owned by this row (the record of what was imported);
    `counts` holds the dry run's {rows, new, changed, unchanged, errors} and `errors` the first
    `ERRORS_KEPT` bad cells ({row, column, label, message}). Confirming reads the kept file again and
    writes every row in one transaction, or nothing.
    """

    ERRORS_KEPT = 1000

    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    source_name = models.CharField(_("file name"), max_length=255)
    source_sha256 = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("market entity import")
        verbose_name_plural = _("market entity imports")

    def __str__(self) -> str:
        return self.source_name

    @property
    def error_count(self) -> int:
        return int(self.counts.get("errors", 0))
