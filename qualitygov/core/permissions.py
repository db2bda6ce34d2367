"""The permission vocabulary: the actions a role may allow. Roles and grants live in `accounts`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("View")
    CHANGE = "change", _("Change")
    REVIEW = "review", _("Review")
    APPROVE = "approve", _("Approve")
    MANAGE = "manage", _("Manage users, units and plans")
    AUDIT = "audit", _("Read the audit trail")
