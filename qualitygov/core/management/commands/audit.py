"""`qualitygov audit verify`: check the audit hash chain; exit 1 and name the first bad event."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from qualitygov.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit trail operations."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain of every audit event")

    def handle(self, *args, action: str, **options):
        if action == "verify":
            result = audit_verify()
            if not result.ok:
                raise CommandError(f"Audit chain broken: {result.problem} (checked {result.checked} good events).",
                                   returncode=1)
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} events."))
