"""Posts in the leading group, attendance and decision states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Post(models.TextChoices):
    LEADER = "leader", _("Group leader")
    DEPUTY = "deputy", _("Deputy group leader")
    MEMBER = "member", _("Member")
    SECRETARIAT = "secretariat", _("Office (secretariat)")


class Attendance(models.TextChoices):
    PRESENT = "present", _("Present")
    SUBSTITUTE = "substitute", _("Sent a substitute")
    ABSENT = "absent", _("Absent")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class DecisionState(models.TextChoices):
    """Read off the decision's work item; not stored."""

    OPEN = "open", _("In progress")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
