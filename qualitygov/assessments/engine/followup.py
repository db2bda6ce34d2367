"""Follow-up (整改): who is due and by when."""

from __future__ import annotations

import calendar
import datetime

from .errors import AssessmentError
from .model import FollowUp


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months, the day clamped to the month's end (01-31 + 1 → 02-28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_due(rule: FollowUp, *, grade: str, rank: int, group_size: int) -> bool:
    """Due for a grade in `rule.grades`, or for one of the last `bottom` ranks of a large enough group."""
    if grade in rule.grades:
        return True
    return rule.bottom is not None and group_size >= rule.min_group_size and rank > group_size - rule.bottom


def follow_up_for(rule: FollowUp | None, *, grade: str, rank: int, group_size: int,
                  bulletin_date: datetime.date) -> dict[str, str] | None:
    """The result document's `follow_up` entry: None, or {"action", "due": "YYYY-MM-DD"}."""
    if rule is None or not is_due(rule, grade=grade, rank=rank, group_size=group_size):
        return None
    try:
        due = add_months(bulletin_date, rule.due_months)
    except ValueError:
        raise AssessmentError("整改期限超出日期范围（bulletin_date 加 due_months 个月）") from None
    return {"action": rule.action, "due": due.isoformat()}
