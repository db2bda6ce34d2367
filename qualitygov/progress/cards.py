"""The progress card on the home page (registered in `apps.py`): what is behind in the user's scope and why.

Who reads the whole district (the office, leaders, viewers) gets the plan at a glance: tasks by
light, work items that turned red in the last seven days with the rule that fired, units ranked by
overdue reports, open 督办 entries and findings, and this month's reporting rate. A unit's liaison
gets "my unit": its work items by light, reports due, overdue and returned, and problems to rectify.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from qualitygov.accounts.choices import Action
from qualitygov.core.choices import Light
from qualitygov.core.scoping import scope_for

from .choices import REPORT_PENDING, PartStatus, ReportStatus
from .selectors import (
    finding_list_visible,
    own_parts_pending,
    report_list_visible,
    supervised_list_visible,
    task_light_counts,
    turned_red_since,
    work_item_light_counts,
    work_item_list_visible,
)

LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY)
#: How many turned-red items and overdue units the card lists (each list links to the full one).
TOP = 5


def _lights(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(light, Light(light).label, counts.get(light, 0)) for light in LIGHT_ORDER]


def _month(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def home_card(request) -> dict | None:
    """None when the user sees no work item; else the cockpit (district-wide readers) or "my unit".
    At most eleven queries.
    Counts of a liaison's reports include the parts its units file for other units' reports."""
    from .views import RULE_LABELS  # the rule names in words, shared with the work item page

    user = request.user
    if not work_item_list_visible(user=user).exists():
        return None
    today = timezone.localdate()
    reports = report_list_visible(user=user)
    pending = reports.filter(status__in=REPORT_PENDING)
    findings_open = finding_list_visible(user=user, open_only=True).count()
    findings_overdue = finding_list_visible(user=user, overdue_on=today).count()
    if not scope_for(user, Action.VIEW).everything:
        mine = scope_for(user, Action.CHANGE)
        own = pending.filter(unit__in=mine.unit_ids) if not mine.everything else pending
        counts = own.aggregate(
            due=Count("pk", filter=Q(due_date__gte=today) & ~Q(status=ReportStatus.RETURNED)),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            returned=Count("pk", filter=Q(status=ReportStatus.RETURNED)))
        parts = own_parts_pending(user=user).aggregate(
            due=Count("pk", filter=Q(report__due_date__gte=today) & ~Q(status=PartStatus.RETURNED)),
            overdue=Count("pk", filter=Q(report__due_date__lt=today)),
            returned=Count("pk", filter=Q(status=PartStatus.RETURNED)))
        counts = {key: counts[key] + parts[key] for key in counts}
        return {"mode": "unit", "lights": _lights(work_item_light_counts(user=user)), **counts,
                "open_findings": findings_open, "overdue_findings": findings_overdue}
    first, last = _month(today)
    month = reports.filter(due_date__gte=first, due_date__lte=last).aggregate(
        total=Count("pk"), filed=Count("pk", filter=~Q(status__in=REPORT_PENDING)))
    ranked = list(pending.filter(due_date__lt=today).order_by().values("unit__short_name", "unit__name")
                  .annotate(n=Count("pk")).order_by("-n", "unit__name")[:TOP])
    red = [{"light": light, "why": str(RULE_LABELS.get(light.rule, light.rule))}
           for light in turned_red_since(user=user, since=today - dt.timedelta(days=7))[:TOP]]
    return {
        "mode": "district", "task_lights": _lights(task_light_counts(user=user)),
        "turned_red": red, "overdue_units": [(row["unit__short_name"] or row["unit__name"], row["n"])
                                             for row in ranked],
        "overdue_reports": pending.filter(due_date__lt=today).count(),
        "supervised": supervised_list_visible(user=user).count(),
        "open_findings": findings_open, "overdue_findings": findings_overdue,
        "month_total": month["total"], "month_filed": month["filed"],
        "month_rate": round(100 * month["filed"] / month["total"]) if month["total"] else None,
    }
