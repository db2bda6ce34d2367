"""States of an entity import."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Dry run, not yet written")
    CONFIRMED = "confirmed", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")


IMPORT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirm": (frozenset({ImportStatus.PREVIEW}), ImportStatus.CONFIRMED),
    "cancel": (frozenset({ImportStatus.PREVIEW}), ImportStatus.CANCELLED),
}
