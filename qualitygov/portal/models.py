"""Published snapshots: the only tables the public site and the open-data API read.

Publishing an object freezes a masked snapshot of it (`PublishedVersion.payload`); the item
(`PublishedItem`) names it by a stable key and slug and carries the filter columns. Nothing reaches the
public without a row here in state `published`, so an unpublished record cannot leak through a
forgotten filter (ADR 0026). Versions are never changed or deleted: the public history of a figure
("revised on …, previous value …") and the office's record of withdrawals read them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ItemState, Treatment, VersionAction


class PublishedItemQuerySet(models.QuerySet):
    def published(self) -> PublishedItemQuerySet:
        """What the public may see: items in state published (their `payload` is the current version's)."""
        return self.filter(state=ItemState.PUBLISHED)


class PublishedItem(models.Model):
    """One publishable thing (an indicator, a bulletin, an assessment result, a register entry…).

    `key` identifies the source within its kind ("indicator:I7"-style, unique per kind); `slug` is the
    stable public URL part. `payload` is a copy of the current version's masked payload while
    published and `{}` once withdrawn, so readers never join versions to show the present.
    """

    kind = models.CharField(_("kind"), max_length=32, db_index=True)
    key = models.CharField(_("key"), max_length=120)
    slug = models.SlugField(_("stable address"), max_length=140, unique=True, allow_unicode=False)
    title = models.CharField(_("title"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=ItemState.choices, default=ItemState.PUBLISHED,
                             db_index=True)
    current_version = models.PositiveIntegerField(_("current version"), default=1)
    payload = models.JSONField(_("published content"), default=dict)
    first_published_at = models.DateTimeField(_("first published at"))
    last_published_at = models.DateTimeField(_("last published at"), db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # Filter columns of the public lists and the open-data API.
    period_label = models.CharField(_("period"), max_length=40, blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    town_name = models.CharField(_("town"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    sort_key = models.CharField(_("order"), max_length=120, blank=True)
    source_type = models.CharField(_("source type"), max_length=80)
    source_id = models.CharField(_("source id"), max_length=64)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PublishedItemQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "sort_key", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="portal_item_key_once_per_kind")]
        indexes = [models.Index(fields=["kind", "state", "sort_key"], name="portal_item_kind_state")]
        verbose_name = _("published item")
        verbose_name_plural = _("published items")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == ItemState.PUBLISHED


class PublishedVersion(models.Model):
    """One publish, revision or withdrawal of an item; `payload` is the masked snapshot as published
    (empty for a withdrawal). Append-only."""

    item = models.ForeignKey(PublishedItem, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=10, choices=VersionAction.choices)
    title = models.CharField(_("title"), max_length=300)
    payload = models.JSONField(_("published content"), default=dict)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    rule = models.ForeignKey("PublicationRule", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="versions")

    class Meta:
        ordering = ["item_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="portal_version_once")]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version} {self.action}"


class PublicationRule(models.Model):
    """Publish chosen objects of one kind on a day of every month: "publish the approved values of these
    indicators on the 5th of the next month". `keys` are item keys of the kind (e.g. indicator ids).
    Applying a due rule publishes (or revises) each object with the values of periods that ended before
    the month began; applying it again the same month changes nothing."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32)
    keys = models.JSONField(_("objects"), default=list)
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=5)
    active = models.BooleanField(_("in use"), default=True)
    last_applied_on = models.DateField(_("last applied on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-active", "name", "id"]
        verbose_name = _("publication rule")
        verbose_name_plural = _("publication rules")

    def __str__(self) -> str:
        return self.name


class MaskingRule(models.Model):
    """A payload field the office declares personal, on top of the built-in policy (`masking.DEFAULT_FIELDS`,
    which cannot be weakened). Applies to a field of that name in every kind's snapshot."""

    field = models.CharField(_("field"), max_length=60, unique=True)
    treatment = models.CharField(_("treatment"), max_length=10, choices=Treatment.choices, default=Treatment.REDACT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["field"]
        verbose_name = _("masking rule")
        verbose_name_plural = _("masking rules")

    def __str__(self) -> str:
        return self.field
