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
