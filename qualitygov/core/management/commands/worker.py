"""`qualitygov worker`: run the background jobs (django-q2's cluster), with the daily jobs on its schedule.

`--burst` runs whatever is due in this process until the queue is empty, then exits (for cron
or a test); without it the cluster runs until stopped (SIGTERM or Ctrl-C), `QUALITYGOV_JOBS_WORKERS`
processes wide.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from qualitygov.core.worker import run_burst, schedules_sync


class Command(BaseCommand):
    help = "Run background jobs: reminders, escalations, recomputation, imports and large exports."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true",
                            help="run what is due in this process until the queue is empty, then exit")

    def handle(self, *args, burst: bool = False, **options):
        scheduled = schedules_sync()
        where = "Redis" if settings.QUALITYGOV_JOBS_REDIS_URL else "the database"
        self.stdout.write(f"Queue {settings.QUALITYGOV_JOBS_QUEUE!r} on {where}; daily jobs scheduled: "
                          f"{', '.join(scheduled) or 'none'}.")
        if burst:
            ran = run_burst()
            self.stdout.write(f"Tasks run: {ran}.")
            return
        call_command("qcluster")
