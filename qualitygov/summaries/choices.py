"""Kinds of summary, the states of rounds, unit summaries and the district draft, and their transitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryKind(models.TextChoices):
    HALF_YEAR = "half_year", _("Half-year summary")
    ANNUAL = "annual", _("Annual summary")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for filing")
    CLOSED = "closed", _("Closed")


ROUND_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "close": (frozenset({RoundStatus.OPEN}), RoundStatus.CLOSED),
    "reopen": (frozenset({RoundStatus.CLOSED}), RoundStatus.OPEN),
}


class UnitSummaryStatus(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


#: The unit files (draft or returned → submitted); the office accepts or returns a submitted summary.
UNIT_SUMMARY_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({UnitSummaryStatus.DRAFT, UnitSummaryStatus.RETURNED}), UnitSummaryStatus.SUBMITTED),
    "accept": (frozenset({UnitSummaryStatus.SUBMITTED}), UnitSummaryStatus.ACCEPTED),
    "return": (frozenset({UnitSummaryStatus.SUBMITTED}), UnitSummaryStatus.RETURNED),
}
#: States in which the unit may still write (and is chased).
UNIT_EDITABLE = frozenset({UnitSummaryStatus.DRAFT, UnitSummaryStatus.RETURNED})
#: States whose text and figures count in the district draft.
UNIT_FILED = frozenset({UnitSummaryStatus.SUBMITTED, UnitSummaryStatus.ACCEPTED})


class DistrictStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Finalised")


DISTRICT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "finalise": (frozenset({DistrictStatus.DRAFT}), DistrictStatus.FINAL),
}


class Figure(models.TextChoices):
    """The figures a template may require; each is pulled from the unit's indicators or work items."""

    INDICATORS = "indicators", _("Indicators: latest approved value against the year's target")
    WORK_ITEMS = "work_items", _("Work items: counts by light and status, completed and overdue")


class ChaseLevel(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the due date")
    OVERDUE = "overdue", _("Overdue notice")
