"""`qualitygov calendar workdays FROM TO`: the number of working days from FROM to TO, both included."""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import BaseCommand


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class Command(BaseCommand):
    help = "Working-day calendar: `workdays FROM TO` prints the working days from FROM to TO, both included."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        count = sub.add_parser("workdays", help="print the number of working days from FROM to TO, both included")
        count.add_argument("start", metavar="FROM", help="first day, YYYY-MM-DD")
        count.add_argument("end", metavar="TO", help="last day, YYYY-MM-DD")

    def handle(self, *args, action: str, start: str, end: str, **options):
        from qualitygov.core.workdays import workdays_between

        first, last = _date(start), _date(end)
        # One Chinese line and exit 2, like the other operator commands' refusals.
        if first is None or last is None:
            bad = start if first is None else end
            self.stderr.write(f"日期“{bad}”无法识别：请写成 YYYY-MM-DD，例如 2026-10-01。")
            sys.exit(2)
        if last < first:
            self.stderr.write(f"结束日期 {last.isoformat()} 早于开始日期 {first.isoformat()}。")
            sys.exit(2)
        self.stdout.write(str(workdays_between(first, last)))
