"""The summaries' share of the 待办 inbox (an `InboxSource` registered in apps.py): a unit's summary to
file or returned for revision, for those who file for the unit; summaries to review, for the office."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.core.registry import INBOX_DUE, INBOX_RETURNED, INBOX_REVIEW, InboxItem
from qualitygov.core.scoping import manages_district, scope_for

from .choices import RoundStatus, UnitSummaryStatus
from .models import UnitSummary


def inbox_items(user, limit: int) -> list[InboxItem]:
    """At most `limit` of each kind; three queries at most."""
    today = timezone.localdate()
    items: list[InboxItem] = []
    change = scope_for(user, Action.CHANGE)
    base = UnitSummary.objects.filter(round__status=RoundStatus.OPEN).select_related("round", "unit")
    # A district-wide scope (the office) files nothing itself: its inbox holds what it reviews.
    if not change.empty and not change.everything:
        mine = base.filter(unit__in=change.unit_ids).order_by("round__due_date", "pk")
        for summary in mine.filter(status=UnitSummaryStatus.DRAFT)[:limit]:
            due = summary.round.due_date
            items.append(InboxItem(INBOX_DUE, _("Work summary"), f"{summary.round.label} · {summary.unit.label}",
                                   reverse("summaries:unit_summary", args=[summary.pk]),
                                   _("due %(d)s") % {"d": due.isoformat()}, due, due < today))
        for summary in mine.filter(status=UnitSummaryStatus.RETURNED)[:limit]:
            items.append(InboxItem(INBOX_RETURNED, _("Work summary"), f"{summary.round.label} · {summary.unit.label}",
                                   reverse("summaries:unit_summary", args=[summary.pk]),
                                   _("Reason: %(reason)s") % {"reason": summary.return_reason},
                                   summary.round.due_date, summary.round.due_date < today))
    if manages_district(user):
        for summary in base.filter(status=UnitSummaryStatus.SUBMITTED).order_by("submitted_at", "pk")[:limit]:
            items.append(InboxItem(INBOX_REVIEW, _("Work summary"), f"{summary.round.label} · {summary.unit.label}",
                                   reverse("summaries:unit_summary", args=[summary.pk]),
                                   _("Summary submitted by %(unit)s") % {"unit": summary.unit.label}))
    return items
