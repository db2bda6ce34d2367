"""Service types and request states of the one-stop NQI service window."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    METROLOGY = "metrology", _("Metrology (计量)")
    STANDARDS = "standards", _("Standards (标准)")
    CERTIFICATION = "certification", _("Certification (认证)")
    TESTING = "testing", _("Inspection and testing (检测)")
    QUALITY_MANAGEMENT = "quality_mgmt", _("Quality management (质量管理)")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    DONE = "done", _("Done")


#: Named transitions: name → (states it may start from, state it leads to).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "assign": (frozenset({RequestStatus.RECEIVED, RequestStatus.ASSIGNED}), RequestStatus.ASSIGNED),
    "complete": (frozenset({RequestStatus.RECEIVED, RequestStatus.ASSIGNED}), RequestStatus.DONE),
    "reopen": (frozenset({RequestStatus.DONE}), RequestStatus.ASSIGNED),
}


class SlaState(models.TextChoices):
    """Where a request stands against its time limit (computed, never stored)."""

    OPEN = "open", _("Open, within the time limit")
    OVERDUE = "overdue", _("Overdue")
    WITHIN = "within", _("Done within the time limit")
    LATE = "late", _("Done late")
