from django.db import models
from django.utils.translation import gettext_lazy as _


class Comparator(models.TextChoices):
    AT_LEAST = ">=", _("at least")
    AT_MOST = "<=", _("at most")
    ABOUT = "about", _("about")
    EQUAL = "=", _("reach")


class IndicatorScope(models.TextChoices):
    GOALS = "goals", _("Main goals")
    TASK = "task", _("Inside a task")


class Nature(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    BINDING = "binding", _("Binding")
