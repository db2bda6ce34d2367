"""States of an upper-level assessment and of its items."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UpperStatus(models.TextChoices):
    OPEN = "open", _("Preparing")
    CLOSED = "closed", _("Submitted upwards")


class ItemKind(models.TextChoices):
    ITEM = "item", _("Scored item")
    BONUS = "bonus", _("Bonus item")


class ItemStatus(models.TextChoices):
    TODO = "todo", _("To do")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


#: Named transitions of an assessment: once its 自评表 went to the upper level it is closed (reopen to correct).
UPPER_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "close": (frozenset({UpperStatus.OPEN}), UpperStatus.CLOSED),
    "reopen": (frozenset({UpperStatus.CLOSED}), UpperStatus.OPEN),
}

#: Named transitions of an item: name → (from states, to state).
ITEM_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({ItemStatus.TODO, ItemStatus.RETURNED}), ItemStatus.SUBMITTED),
    "accept": (frozenset({ItemStatus.SUBMITTED}), ItemStatus.ACCEPTED),
    "return": (frozenset({ItemStatus.SUBMITTED, ItemStatus.ACCEPTED}), ItemStatus.RETURNED),
}

#: States in which the lead unit may still change the self-score, note and evidence.
EDITABLE = frozenset({ItemStatus.TODO, ItemStatus.RETURNED})
