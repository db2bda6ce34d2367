"""`qualitygov summaries …`: the summaries' daily job from the command line.

  summaries remind [--today YYYY-MM-DD]   remind units before the due date, chase and record late ones
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value!r}") from None


class Command(BaseCommand):
    help = "Half-year and annual summaries: `remind` (the daily reminder job)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="remind units before the due date, chase and record late units")
        remind.add_argument("--today", type=_date, help="run as if on this day (default: today)")

    def handle(self, *args, **options) -> None:
        from qualitygov.summaries.chase import summaries_chase

        result = summaries_chase(today=options.get("today"))
        self.stdout.write(f"截止前提醒 {result['reminders']} 个单位；逾期催报 {result['overdue']} 个单位"
                          f"（新记逾期 {result['late']} 个）；发出通知 {result['notices']} 条")
