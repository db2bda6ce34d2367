"""The work plan's share of the 待办 inbox (registered in `apps.py` as a `core.registry.InboxSource`).

A key point just issued reaches its lead and co-operating units at once, before any reporting cycle
asks for a report on it: it is listed (section "to file") for the liaisons of those units while its
work item is open and has no report request yet; from the first request on, the progress app's own
inbox lines take over.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.registry import INBOX_DUE, InboxItem
from qualitygov.core.scoping import scope_for
from qualitygov.progress.choices import WorkItemStatus

from .choices import WorkPlanStatus
from .models import KeyPoint


def inbox_items(user, limit: int) -> list[InboxItem]:
    """Newly issued key points led or co-operated by the units `user` files for. One query."""
    scope = scope_for(user, Action.CHANGE)
    if scope.empty or scope.everything:  # the office files nothing itself
        return []
    mine = OrgUnit.objects.visible_to(user, Action.CHANGE).values("pk")
    points = (KeyPoint.objects.filter(work_plan__status=WorkPlanStatus.PUBLISHED,
                                      work_item__status=WorkItemStatus.ACTIVE, work_item__reports__isnull=True)
              .filter(Q(work_item__lead_unit__in=mine) | Q(work_item__co_units__unit__in=mine))
              .select_related("work_plan", "work_item__lead_unit").distinct()
              .order_by("work_item__deadline", "pk")[:limit])
    today = timezone.localdate()
    items = []
    for point in points:
        item = point.work_item
        items.append(InboxItem(
            INBOX_DUE, _("Annual key point"), f"{point.work_plan.year}年工作要点第{point.number}项 · {item.title}",
            reverse("progress:work_item_detail", args=[item.pk]),
            _("Lead unit %(unit)s · due %(d)s") % {"unit": item.lead_unit.label, "d": item.deadline.isoformat()},
            item.deadline, item.deadline < today))
    return items
