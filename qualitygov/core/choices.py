"""Choices shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    """The traffic light (红黄绿灯) of an indicator, a work item or a task; grey when there is no data."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    GREY = "grey", _("No data")


class JobStatus(models.TextChoices):
    """Where a background job (`core.models.JobRun`) stands."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class JobKind(models.TextChoices):
    """What a background job does, for the jobs page."""

    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    DAILY = "daily", _("Daily job")
    OTHER = "other", _("Other")
