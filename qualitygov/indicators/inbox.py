"""The indicators' share of the inbox (registered in `apps.py` as a `core.registry.InboxSource`): values
the user's units must enter, values returned to them, and values and corrections waiting for the
user's review. The inbox page lives in progress, which does not import this app.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.registry import INBOX_DUE, INBOX_RETURNED, INBOX_REVIEW, InboxItem
from qualitygov.core.scoping import scope_for
from qualitygov.utilities.numbers import decimal_text

from .choices import ObservationStatus
from .models import Observation
from .selectors import change_requests_pending, review_queue, unit_due, unit_indicators

#: A liaison files for one unit, rarely a few; the office (district-wide) files nothing itself.
MAX_FILING_UNITS = 5


def _name(observation: Observation) -> str:
    town = f" · {observation.town.label}" if observation.town_id else ""
    return f"{observation.indicator.code} {observation.indicator.name} · {observation.period.label}{town}"


def inbox_items(user, limit: int) -> list[InboxItem]:
    """At most `limit` items of each kind; a fixed number of queries per filing unit (at most five units)."""
    today = timezone.localdate()
    items: list[InboxItem] = []
    change = scope_for(user, Action.CHANGE)
    if not change.empty and not change.everything:
        units = list(OrgUnit.objects.filter(pk__in=change.unit_ids).order_by("sort_order", "path")[:MAX_FILING_UNITS])
        for unit in units:
            due = unit_due(unit=unit, indicators=unit_indicators(user=user, unit=unit), as_of=today)
            for entry in due[:limit]:
                if entry.observation is not None and entry.observation.status == ObservationStatus.RETURNED:
                    continue  # listed under "returned to me" below
                items.append(InboxItem(
                    INBOX_DUE, _("Indicator value"), f"{entry.indicator.code} {entry.indicator.name} · {entry.period.label}",
                    reverse("indicators:observation_entry", args=[entry.period.pk, unit.pk]),
                    f"{unit.label} · {_('due %(d)s') % {'d': entry.period.due_date.isoformat()}}",
                    entry.period.due_date, entry.overdue))
        returned = (Observation.objects.visible_to(user, Action.CHANGE).filter(status=ObservationStatus.RETURNED)
                    .select_related("indicator", "period", "unit", "town").order_by("period__due_date", "pk")[:limit])
        for observation in returned:
            items.append(InboxItem(
                INBOX_RETURNED, _("Indicator value"), _name(observation),
                reverse("indicators:observation_detail", args=[observation.pk]),
                _("Reason: %(reason)s") % {"reason": observation.return_reason}, observation.period.due_date,
                observation.period.due_date < today))
    for observation in review_queue(user=user)[:limit]:
        items.append(InboxItem(
            INBOX_REVIEW, _("Indicator value"), _name(observation),
            reverse("indicators:observation_detail", args=[observation.pk]),
            _("%(value)s submitted by %(unit)s") % {"value": decimal_text(observation.value),
                                                    "unit": observation.unit.label}))
    for change_request in change_requests_pending(user=user)[:limit]:
        items.append(InboxItem(
            INBOX_REVIEW, _("Correction request"), _name(change_request.observation),
            reverse("indicators:observation_detail", args=[change_request.observation_id]),
            _("Correction to %(value)s requested by %(unit)s") % {
                "value": decimal_text(change_request.new_value), "unit": change_request.observation.unit.label}))
    return items
