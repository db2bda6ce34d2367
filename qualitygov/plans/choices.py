from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    ARCHIVED = "archived", _("Archived")


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-operating unit")


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


#: Named transitions of an import: (from, to) pairs that are allowed.
IMPORT_TRANSITIONS = {
    (ImportStatus.PREVIEW, ImportStatus.CONFIRMED),
    (ImportStatus.PREVIEW, ImportStatus.CANCELLED),
}
