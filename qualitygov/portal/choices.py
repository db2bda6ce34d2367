"""States of a published item, actions of its versions and the treatments of the masking policy."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VersionAction(models.TextChoices):
    PUBLISH = "publish", _("Published")
    REVISE = "revise", _("Revised")
    WITHDRAW = "withdraw", _("Withdrawn")


class Treatment(models.TextChoices):
    """How a declared personal field is masked in a snapshot."""

    DROP = "drop", _("Removed")
    NAME = "name", _("Name masked (张*)")
    PHONE = "phone", _("Phone masked (138****1234)")
    ID_NUMBER = "id_number", _("ID number masked (last four digits)")
    ADDRESS = "address", _("Address cut to the district or town")
    REDACT = "redact", _("Replaced by ***")
