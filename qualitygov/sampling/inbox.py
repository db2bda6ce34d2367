"""The follow-ups' share of the inbox: for users who write for a plan's owning unit, each open
follow-up whose clock is due within the rule's horizon (15 days) or overdue. Two queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.permissions import Action
from qualitygov.core.registry import INBOX_DUE, InboxItem
from qualitygov.core.scoping import scope_for

from .selectors import due_soon_horizon, open_followups


def inbox_items(user, limit: int, today: dt.date | None = None) -> list[InboxItem]:
    scope = scope_for(user, Action.CHANGE)
    if scope.empty:
        return []
    today = today or timezone.localdate()
    qs = open_followups(unit_ids=scope.unit_ids, everything=scope.everything).filter(
        clock_due__isnull=False, clock_due__lte=due_soon_horizon(today))
    items = []
    for f in qs[:limit]:
        batch = f.batch
        items.append(InboxItem(
            INBOX_DUE, _("Sampling follow-up"), f"{batch.entity.name} · {batch.product}",
            reverse("sampling:batch_detail", args=[batch.pk]),
            _("%(clock)s · due %(due)s · %(stage)s") % {"clock": f.get_clock_display(), "due": f.clock_due.isoformat(),
                                                       "stage": f.get_stage_display()},
            f.clock_due, f.clock_due < today))
    return items
