from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


#: Named transitions of an import: name → (states it may start from, state it leads to).
IMPORT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirm": (frozenset({ImportStatus.PREVIEW}), ImportStatus.CONFIRMED),
    "cancel": (frozenset({ImportStatus.PREVIEW}), ImportStatus.CANCELLED),
}
