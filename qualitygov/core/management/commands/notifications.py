"""`qualitygov notifications retry`: send again the e-mails and group-robot posts that failed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from qualitygov.core.notifications import (
    MAX_EMAIL_ATTEMPTS,
    notification_email_retry,
    notification_robot_retry,
)


class Command(BaseCommand):
    help = "Notifications: `retry` sends again the e-mails and robot posts that failed (run daily; safe to run twice)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        retry = sub.add_parser("retry", help="send again the e-mails and robot posts that failed")
        retry.add_argument("--max-attempts", type=int, default=MAX_EMAIL_ATTEMPTS,
                           help=f"give up on a notice after this many tries (default {MAX_EMAIL_ATTEMPTS})")

    def handle(self, *args, action: str, max_attempts: int, **options):
        counts = notification_email_retry(max_attempts=max_attempts)
        self.stdout.write(f"E-mails sent: {counts['sent']}, failed again: {counts['failed']}.")
        robots = notification_robot_retry(max_attempts=max_attempts)
        self.stdout.write(f"Robot posts sent: {robots['sent']}, failed again: {robots['failed']}.")
