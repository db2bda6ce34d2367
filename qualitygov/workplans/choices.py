"""States of a work plan and of its import, and the outcomes of a roll-over decision."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Issued")


WORK_PLAN_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({WorkPlanStatus.DRAFT}), WorkPlanStatus.PUBLISHED),
}


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Under review")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


IMPORT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirm": (frozenset({ImportStatus.PREVIEW}), ImportStatus.CONFIRMED),
    "cancel": (frozenset({ImportStatus.PREVIEW}), ImportStatus.CANCELLED),
}


class RollOverOutcome(models.TextChoices):
    CARRY = "carry", _("Carry over to next year")
    CLOSE = "close", _("Close as done")
    DROP = "drop", _("Drop")


class KeyPointState(models.TextChoices):
    """Read off the key point's work item; not stored."""

    DRAFT = "draft", _("Not yet issued")
    OPEN = "open", _("In progress")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
