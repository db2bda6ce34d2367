"""States and labels of the assessment app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


#: The nine scoring methods of the exchange format, with the labels people read.
METHOD_LABELS = {
    "judged": _("Judged by the assessor"),
    "binary": _("Done or not"),
    "graded": _("Graded options"),
    "per_missing": _("Deduction per missing aspect"),
    "ratio": _("Proportional to a rate"),
    "rate_bands": _("Points by rate band"),
    "event_deductions": _("Deduction per recorded event"),
    "indicator_shortfall": _("Deduction by indicator shortfall"),
    "share_indicators": _("Share of indicators met"),
}


#: Named transitions of a scheme version: name → (from states, to state).
SCHEME_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({SchemeStatus.DRAFT}), SchemeStatus.PUBLISHED),
}


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    REVIEW = "review", _("Office review")
    ONSITE = "onsite", _("On-site checks")
    APPROVAL = "approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved by the leader")
    PUBLISHED = "published", _("Published")
    LOCKED = "locked", _("Locked")


#: Named transitions of a round: name → (from states, to state). `approve` and `return` are the
#: leader's; the others the office's.
ROUND_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({RoundStatus.DRAFT}), RoundStatus.SELF_ASSESSMENT),
    "start_review": (frozenset({RoundStatus.SELF_ASSESSMENT}), RoundStatus.REVIEW),
    "start_onsite": (frozenset({RoundStatus.REVIEW}), RoundStatus.ONSITE),
    "submit": (frozenset({RoundStatus.REVIEW, RoundStatus.ONSITE}), RoundStatus.APPROVAL),
    "approve": (frozenset({RoundStatus.APPROVAL}), RoundStatus.APPROVED),
    "send_back": (frozenset({RoundStatus.APPROVAL}), RoundStatus.REVIEW),
    "publish": (frozenset({RoundStatus.APPROVED}), RoundStatus.PUBLISHED),
    "lock": (frozenset({RoundStatus.PUBLISHED}), RoundStatus.LOCKED),
}

#: The office's transitions offered on the round page, with their button labels.
OFFICE_TRANSITIONS = {
    "open": _("Open self-assessment"),
    "start_review": _("Close self-assessment and start the review"),
    "start_onsite": _("Start on-site checks"),
    "submit": _("Submit to the leader for approval"),
    "publish": _("Publish the results"),
    "lock": _("Lock the results"),
}

#: States in which a round's result is frozen (stored at approval).
FROZEN_STATES = frozenset({RoundStatus.APPROVED, RoundStatus.PUBLISHED, RoundStatus.LOCKED})


class UnitGroup(models.TextChoices):
    """Ranking groups of the units; the scheme's `groups` use these codes."""

    DEPARTMENT = "department", _("Departments")
    TOWN = "town", _("Towns and subdistricts")
    COMMITTEE = "committee", _("Management committees")


class SheetStatus(models.TextChoices):
    OPEN = "open", _("Being filled")
    SUBMITTED = "submitted", _("Handed in")
    RETURNED = "returned", _("Returned for changes")


class EntryKind(models.TextChoices):
    LEAF = "leaf", _("Item")
    BONUS = "bonus", _("Bonus claim")
    VETO = "veto", _("Veto")


class EntrySource(models.TextChoices):
    """Who an item's input comes from."""

    AUTO = "auto", _("Platform records")
    SELF = "self", _("Self-assessment")
    LEADER = "leader", _("Leader evaluation")
    OFFICE = "office", _("Quality office")


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("Not reviewed")
    ACCEPT = "accept", _("Accepted")
    ADJUST = "adjust", _("Adjusted")
    RETURN = "return", _("Returned")


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    UPHELD = "upheld", _("Upheld")
    PARTLY = "partly", _("Partly upheld")
    REJECTED = "rejected", _("Not upheld")


#: Methods a unit fills itself unless the scheme's leaf says otherwise (`"input": "auto" | "self" |
#: "leader"` on the leaf, a key the arithmetic ignores).
SELF_METHODS = frozenset({"judged", "binary", "graded", "per_missing"})
