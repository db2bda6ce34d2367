"""The 迎考 share of the inbox (a `core.registry.InboxSource`): items the user's units must fill, items
the office returned to them, and, for the district office, submitted items to accept or return.
Three queries at most, whatever the number of items."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.permissions import Action
from qualitygov.core.registry import INBOX_DUE, INBOX_RETURNED, INBOX_REVIEW, InboxItem
from qualitygov.core.scoping import manages_district, scope_for

from .choices import ItemStatus
from .models import UpperItem


def _title(item: UpperItem) -> str:
    return f"{item.number} {item.name}"


def inbox_items(user, limit: int) -> list[InboxItem]:
    today = timezone.localdate()
    items: list[InboxItem] = []
    change = scope_for(user, Action.CHANGE)
    base = UpperItem.objects.select_related("assessment", "lead_unit").order_by("due_date", "pk")
    if not change.empty and not change.everything:
        mine = base.visible_to(user, Action.CHANGE).filter(lead_unit__isnull=False)
        for item in mine.filter(status=ItemStatus.TODO)[:limit]:
            items.append(InboxItem(
                INBOX_DUE, _("Upper assessment item"), _title(item), reverse("upperassessment:item", args=[item.pk]),
                f"{item.assessment.title} · {_('due %(d)s') % {'d': item.due_date.isoformat()}}" if item.due_date
                else item.assessment.title, item.due_date, bool(item.due_date and item.due_date < today)))
        for item in mine.filter(status=ItemStatus.RETURNED)[:limit]:
            items.append(InboxItem(
                INBOX_RETURNED, _("Upper assessment item"), _title(item), reverse("upperassessment:item", args=[item.pk]),
                _("Reason: %(reason)s") % {"reason": item.review_note}, item.due_date,
                bool(item.due_date and item.due_date < today)))
    if manages_district(user):
        for item in base.filter(status=ItemStatus.SUBMITTED)[:limit]:
            items.append(InboxItem(
                INBOX_REVIEW, _("Upper assessment item"), _title(item), reverse("upperassessment:item", args=[item.pk]),
                _("Self-score %(score)s submitted by %(unit)s") % {
                    "score": f"{item.self_score.normalize():f}", "unit": item.lead_unit.label}))
    return items
