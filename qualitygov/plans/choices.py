from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    ARCHIVED = "archived", _("Archived")


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-operating unit")
