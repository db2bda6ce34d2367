"""The progress card on the home page (registered in `apps.py`): what is behind in the user's scope."""

from __future__ import annotations

from django.utils import timezone

from .choices import REPORT_PENDING
from .selectors import (
    finding_list_visible,
    report_list_visible,
    supervised_list_visible,
    work_item_list_visible,
)


def home_card(request) -> dict | None:
    """Overdue reports, open 督办 entries, open and overdue findings in `request.user`'s scope; None when
    the user sees no work item. Five queries."""
    user = request.user
    if not work_item_list_visible(user=user).exists():
        return None
    today = timezone.localdate()
    return {
        "overdue_reports": report_list_visible(user=user).filter(status__in=REPORT_PENDING, due_date__lt=today).count(),
        "supervised": supervised_list_visible(user=user).count(),
        "open_findings": finding_list_visible(user=user, open_only=True).count(),
        "overdue_findings": finding_list_visible(user=user, overdue_on=today).count(),
    }
