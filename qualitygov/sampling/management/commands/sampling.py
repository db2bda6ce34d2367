"""`qualitygov sampling remind [--today YYYY-MM-DD]`: the follow-up clocks' reminders and overdue notices
(each sent once)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Sampling follow-up: reminders of the statutory clocks."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="send due reminders and overdue notices (idempotent)")
        remind.add_argument("--today", help="run as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, action: str, **options):
        from qualitygov.sampling.jobs import reminders_send

        today = options.get("today")
        try:
            as_of = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("--today must be YYYY-MM-DD") from None
        counts = reminders_send(as_of=as_of)
        self.stdout.write(f"reminders sent: {counts['reminders']}, overdue notices sent: {counts['overdue']}, "
                          f"already sent before: {counts['already_sent']}")
