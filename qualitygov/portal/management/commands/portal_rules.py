"""`manage.py portal_rules [--date YYYY-MM-DD]`: apply the publication rules due on that day (default today)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Apply the publication rules that are due (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to apply the rules as of (YYYY-MM-DD); default today")

    def handle(self, *args, **options):
        from qualitygov.portal.jobs import rules_run

        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        result = rules_run(today=today)
        self.stdout.write(f"{result['as_of']}: {len(result['published'])} published or revised")
