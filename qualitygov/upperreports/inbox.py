"""The reports' share of the inbox (a `core.registry.InboxSource`): for an office holding the whole
district, each template's next report while it is due within two weeks or overdue and not yet sent.
Two queries whatever the number of templates."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.registry import INBOX_DUE, InboxItem

from .choices import ReportStatus
from .models import UpperReport, UpperReportTemplate
from .periods import next_due
from .services import may_manage

HORIZON = dt.timedelta(days=14)


def inbox_items(user, limit: int, today: dt.date | None = None) -> list[InboxItem]:
    if not may_manage(user):
        return []
    today = today or timezone.localdate()
    templates = list(UpperReportTemplate.objects.filter(active=True).order_by("title", "pk"))
    due = {t.pk: next_due(t.period_kind, t.due_workdays, today) for t in templates}
    reports: dict[tuple[int, int, int], list[UpperReport]] = {}
    for report in UpperReport.objects.filter(template__in=templates).order_by("edition"):
        reports.setdefault((report.template_id, report.year, report.number), []).append(report)
    items = []
    for template in templates:
        period, due_on = due[template.pk]
        if due_on - today > HORIZON:
            continue
        made = reports.get((template.pk, period.year, period.number), [])
        if any(r.status == ReportStatus.SUBMITTED for r in made):
            continue
        latest = made[-1] if made else None
        state = latest.get_status_display() if latest else _("not generated yet")
        url = (reverse("upperreports:detail", args=[latest.pk]) if latest
               else reverse("upperreports:report_new", args=[template.pk]))
        items.append(InboxItem(INBOX_DUE, _("Report to the level above"), f"{template.title} · {period.label}", url,
                               _("%(body)s · due %(due)s · %(state)s") % {
                                   "body": template.requested_by, "due": due_on.isoformat(), "state": state},
                               due_on, due_on < today))
    return items[:limit]
