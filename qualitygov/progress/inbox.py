"""The progress app's share of the inbox (registered in `apps.py` as a `core.registry.InboxSource`).

The inbox page (`views.inbox`) gathers every registered source, so its count is the number of lines it
lists: reports and parts to file, what was returned, what to decide, and the open 督办 entries that
leaders and the office read.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.core.registry import INBOX_DUE, INBOX_READ, INBOX_RETURNED, INBOX_REVIEW, InboxItem
from qualitygov.core.scoping import can

from . import selectors
from .choices import WorkItemStatus
from .escalation import reason_label

#: How many open 督办 entries a leader's inbox lists (the 督办 list has them all).
READ_LIMIT = 10


def _day(value) -> str:
    return value.isoformat() if value else ""


def inbox_items(user, limit: int) -> list[InboxItem]:
    """What waits for `user` in task progress, at most `limit` of each kind. A fixed number of queries."""
    today = timezone.localdate()
    box = selectors.inbox(user=user, limit=limit)
    items: list[InboxItem] = []
    for report in box.due_reports:
        items.append(InboxItem(
            INBOX_DUE, _("Consolidated report"), f"{report.cycle.label} · {report.work_item.title}",
            reverse("progress:report_detail", args=[report.pk]),
            f"{report.unit.label} · {_('due %(d)s') % {'d': _day(report.due_date)}}",
            report.due_date, report.due_date < today))
    for part in box.due_parts:
        items.append(InboxItem(
            INBOX_DUE, _("Co-operating unit's part"), f"{part.report.cycle.label} · {part.report.work_item.title}",
            reverse("progress:part_detail", args=[part.pk]),
            f"{part.unit.label} · {_('due %(d)s') % {'d': _day(part.report.due_date)}}",
            part.report.due_date, part.report.due_date < today))
    for report in box.returned_reports:
        items.append(InboxItem(
            INBOX_RETURNED, _("Consolidated report"), f"{report.cycle.label} · {report.work_item.title}",
            reverse("progress:report_detail", args=[report.pk]),
            _("Reason: %(reason)s") % {"reason": report.return_reason}, report.due_date, report.due_date < today))
    for part in box.returned_parts:
        items.append(InboxItem(
            INBOX_RETURNED, _("Co-operating unit's part"), f"{part.report.cycle.label} · {part.report.work_item.title}",
            reverse("progress:part_detail", args=[part.pk]),
            _("Reason: %(reason)s") % {"reason": part.return_reason}, part.report.due_date,
            part.report.due_date < today))
    for finding in box.findings_to_rectify:
        items.append(InboxItem(
            INBOX_RETURNED, _("Problem to rectify"), finding.title,
            reverse("progress:finding_detail", args=[finding.pk]),
            _("due %(d)s") % {"d": _day(finding.deadline)}, finding.deadline, finding.deadline < today))
    for part in box.parts_to_review:
        items.append(InboxItem(
            INBOX_REVIEW, _("Co-operating unit's part"), f"{part.report.cycle.label} · {part.report.work_item.title}",
            reverse("progress:report_detail", args=[part.report_id]),
            _("Part filed by %(unit)s") % {"unit": part.unit.label}))
    for report in box.reports_to_review:
        items.append(InboxItem(
            INBOX_REVIEW, _("Consolidated report"), f"{report.cycle.label} · {report.work_item.title}",
            reverse("progress:report_detail", args=[report.pk]),
            _("Report submitted by %(unit)s") % {"unit": report.unit.label}))
    for finding in box.findings_to_verify:
        items.append(InboxItem(
            INBOX_REVIEW, _("Rectification"), finding.title, reverse("progress:finding_detail", args=[finding.pk]),
            _("Rectification to verify · %(unit)s") % {"unit": finding.unit.label}))
    for extension in box.extensions_to_decide:
        items.append(InboxItem(
            INBOX_REVIEW, _("Extension request"), extension.work_item.title, reverse("progress:extension_list"),
            _("Extension to %(d)s requested by %(unit)s") % {"d": _day(extension.requested_due_date),
                                                             "unit": extension.unit.label}))
    if can(user, Action.MANAGE):
        for item in selectors.work_item_list_visible(user=user, status=WorkItemStatus.PROPOSED)[:limit]:
            items.append(InboxItem(
                INBOX_REVIEW, _("Proposed work item"), item.title,
                reverse("progress:work_item_detail", args=[item.pk]),
                _("Work item proposed by %(unit)s") % {"unit": item.lead_unit.label}))
    if can(user, Action.APPROVE) and not can(user, Action.MANAGE):
        # Leaders read the oldest open 督办 entries (the office keeps the full list and chases them).
        for event in selectors.supervised_list_visible(user=user)[:min(limit, READ_LIMIT)]:
            items.append(InboxItem(
                INBOX_READ, _("Supervised follow-up"), event.work_item.title,
                reverse("progress:work_item_detail", args=[event.work_item_id]),
                f"{event.unit.label} · {reason_label(event.reason)}", event.due_date,
                bool(event.due_date and event.due_date < today)))
    return items
