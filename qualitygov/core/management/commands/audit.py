"""`qualitygov audit verify|checkpoint`: check the audit chain (exit 1 naming the first bad event), or
export a checkpoint of it outside the database (ADR 0010)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from qualitygov.core.audit import VerifyResult, audit_checkpoint, audit_verify


class Command(BaseCommand):
    help = "Audit trail operations."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify the hash chain of every audit event, its MACs and checkpoints")
        verify.add_argument("--checkpoints", metavar="DIR", default=None,
                            help="folder of checkpoints to compare with (default QUALITYGOV_AUDIT_CHECKPOINT_DIR)")
        checkpoint = sub.add_parser("checkpoint", help="verify the chain, then write a checkpoint of it to a folder "
                                    "outside the database")
        checkpoint.add_argument("--dir", metavar="DIR", default=None,
                                help="where to write (default QUALITYGOV_AUDIT_CHECKPOINT_DIR)")

    def _broken(self, result: VerifyResult) -> CommandError:
        return CommandError(f"Audit chain broken: {result.problem} (checked {result.checked} good events).",
                            returncode=1)

    def _notes(self, result: VerifyResult) -> None:
        for note in result.notes:
            self.stdout.write(f"Note: {note}.")

    def handle(self, *args, action: str, **options):
        if action == "verify":
            result = audit_verify(checkpoint_dir=options["checkpoints"])
            if not result.ok:
                raise self._broken(result)
            self.stdout.write(self.style.SUCCESS(
                f"Audit chain intact: {result.checked} events ({result.macs_checked} MACs checked, "
                f"{result.checkpoints} checkpoints compared)."
            ))
            self._notes(result)
        elif action == "checkpoint":
            path, result = audit_checkpoint(directory=options["dir"])
            if not result.ok:
                raise self._broken(result)
            if path is None:
                self.stdout.write(f"No new events since the last checkpoint (#{result.checked}); nothing written.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Checkpoint of #{result.checked} written to {path}."))
