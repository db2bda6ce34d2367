"""The assessment rounds' share of the inbox (registered in `apps.py` as a `core.registry.InboxSource`).

A unit's people see their own sheet while self-assessment runs (due), and a sheet the office returned
(returned). A leader approving for the whole district sees a round awaiting approval (review). The
office, which may fill any sheet, is not sent every unit's sheet. Three queries at most.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.core.registry import INBOX_DUE, INBOX_RETURNED, INBOX_REVIEW, InboxItem
from qualitygov.core.scoping import manages_district, scope_for

from .choices import RoundStatus, SheetStatus
from .models import AssessmentRound, RoundUnit
from .services_rounds import FILLING, REVIEWING, may_approve


def inbox_items(user, limit: int) -> list[InboxItem]:
    today = timezone.localdate()
    items: list[InboxItem] = []
    if not manages_district(user) and not scope_for(user, Action.CHANGE).empty:
        sheets = (RoundUnit.objects.visible_to(user, Action.CHANGE).select_related("round", "unit")
                  .filter(sheet_status__in=(SheetStatus.OPEN, SheetStatus.RETURNED),
                          round__status__in=FILLING | REVIEWING).order_by("round__self_due", "pk")[:limit * 2])
        for ru in sheets:
            round_ = ru.round
            if ru.sheet_status == SheetStatus.OPEN and round_.status in FILLING:
                items.append(InboxItem(
                    INBOX_DUE, _("Self-assessment"), round_.title, reverse("assessments:sheet", args=[ru.pk]),
                    f"{ru.unit.label} · {_('due %(d)s') % {'d': round_.self_due.isoformat()}}",
                    round_.self_due, round_.self_due < today))
            elif ru.sheet_status == SheetStatus.RETURNED and round_.status in REVIEWING:
                items.append(InboxItem(
                    INBOX_RETURNED, _("Self-assessment"), round_.title, reverse("assessments:sheet", args=[ru.pk]),
                    _("%(unit)s · items returned by the office") % {"unit": ru.unit.label},
                    round_.review_due, round_.review_due < today))
    if may_approve(user):
        for round_ in AssessmentRound.objects.filter(status=RoundStatus.APPROVAL).order_by("approval_due")[:limit]:
            items.append(InboxItem(
                INBOX_REVIEW, _("Assessment results to approve"), round_.title,
                reverse("assessments:round_approve", args=[round_.pk]),
                _("due %(d)s") % {"d": round_.approval_due.isoformat()}, round_.approval_due,
                round_.approval_due < today))
    return items
