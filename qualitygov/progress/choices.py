"""States, kinds and the named transition tables of the progress app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.core.choices import Light


class WorkItemStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


#: Named transitions: name → (from states, to state).
WORK_ITEM_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({WorkItemStatus.PROPOSED}), WorkItemStatus.ACTIVE),
    "reject": (frozenset({WorkItemStatus.PROPOSED}), WorkItemStatus.CANCELLED),
    "complete": (frozenset({WorkItemStatus.ACTIVE}), WorkItemStatus.COMPLETED),
    "cancel": (frozenset({WorkItemStatus.ACTIVE}), WorkItemStatus.CANCELLED),
    "reopen": (frozenset({WorkItemStatus.COMPLETED}), WorkItemStatus.ACTIVE),
}


class UnitRole(models.TextChoices):
    CO = "co", _("Co-operating unit")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


#: The lead unit's consolidated report. "return"/"approve" are the office's decisions.
REPORT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "save": (frozenset({ReportStatus.OPEN, ReportStatus.DRAFT, ReportStatus.RETURNED}), ReportStatus.DRAFT),
    "submit": (frozenset({ReportStatus.OPEN, ReportStatus.DRAFT, ReportStatus.RETURNED}), ReportStatus.SUBMITTED),
    "return": (frozenset({ReportStatus.SUBMITTED}), ReportStatus.RETURNED),
    "approve": (frozenset({ReportStatus.SUBMITTED}), ReportStatus.APPROVED),
}

#: Report states in which the lead unit is still working (parts may be filed and returned).
REPORT_EDITABLE = frozenset({ReportStatus.OPEN, ReportStatus.DRAFT, ReportStatus.RETURNED})
#: Report states that still wait for the responsible unit (chased by the escalation job).
REPORT_PENDING = REPORT_EDITABLE


class PartStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


#: A co unit's part. "return"/"accept" are the lead unit's decisions.
PART_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "save": (frozenset({PartStatus.OPEN, PartStatus.DRAFT, PartStatus.RETURNED}), PartStatus.DRAFT),
    "submit": (frozenset({PartStatus.OPEN, PartStatus.DRAFT, PartStatus.RETURNED}), PartStatus.SUBMITTED),
    "return": (frozenset({PartStatus.SUBMITTED, PartStatus.ACCEPTED}), PartStatus.RETURNED),
    "accept": (frozenset({PartStatus.SUBMITTED}), PartStatus.ACCEPTED),
}

PART_PENDING = frozenset({PartStatus.OPEN, PartStatus.DRAFT, PartStatus.RETURNED})
#: Part states whose text and evidence the lead unit may read. A draft belongs to its own unit only, and
#: so does a returned part: the co unit is rewriting it, and its new draft stays its own until re-filed.
PART_SHARED = frozenset({PartStatus.SUBMITTED, PartStatus.ACCEPTED})


#: Severity order for "the worst light wins".
LIGHT_SEVERITY = {Light.GREY: 0, Light.GREEN: 1, Light.YELLOW: 2, Light.RED: 3}


class EscalationLevel(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    YELLOW = "yellow", _("Yellow notice")
    RED = "red", _("Red notice")
    SUPERVISED = "supervised", _("Supervised follow-up")


class EscalationReason(models.TextChoices):
    """Why an escalation step fired (`escalation._levels`); stored as text on EscalationEvent.reason."""

    DUE_SOON = "due_soon", _("Due within a few days")
    OVERDUE = "overdue", _("Overdue")
    OVERDUE_LONG = "overdue_long", _("Seriously overdue")
    LATE_IN_ROW = "late_in_row", _("Late several times in a row")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


EXTENSION_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({ExtensionStatus.PENDING}), ExtensionStatus.APPROVED),
    "reject": (frozenset({ExtensionStatus.PENDING}), ExtensionStatus.REJECTED),
}


class FindingSource(models.TextChoices):
    OFFICE_SUPERVISION = "office_supervision", _("Office supervision")
    LEADER = "leader", _("Leader's instruction")
    INSPECTION = "inspection", _("Inspection")
    PUBLIC_TIP = "public_tip", _("Public tip")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("To rectify")
    RECTIFYING = "rectifying", _("Being rectified")
    SUBMITTED_FOR_VERIFICATION = "submitted_for_verification", _("Awaiting verification")
    CLOSED = "closed", _("Closed out")


#: Rectification (整改) and close-out (销号). "verify" closes; "reject" sends the fix back.
FINDING_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "plan": (frozenset({FindingStatus.OPEN}), FindingStatus.RECTIFYING),
    "submit": (frozenset({FindingStatus.RECTIFYING}), FindingStatus.SUBMITTED_FOR_VERIFICATION),
    "verify": (frozenset({FindingStatus.SUBMITTED_FOR_VERIFICATION}), FindingStatus.CLOSED),
    "reject": (frozenset({FindingStatus.SUBMITTED_FOR_VERIFICATION}), FindingStatus.RECTIFYING),
    "reopen": (frozenset({FindingStatus.CLOSED}), FindingStatus.RECTIFYING),
}

FINDING_OPEN_STATES = frozenset(
    {FindingStatus.OPEN, FindingStatus.RECTIFYING, FindingStatus.SUBMITTED_FOR_VERIFICATION}
)
