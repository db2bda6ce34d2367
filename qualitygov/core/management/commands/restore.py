"""`qualitygov restore FILE`: restore a backup into an empty database and upload folder, then verify
the audit chain."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from qualitygov.core.audit import audit_verify
from qualitygov.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Restore a backup made by `qualitygov backup` into an empty database and an empty upload folder; "
            "refuses a target that holds data.")

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="FILE", help="the archive written by `qualitygov backup`")

    def handle(self, *args, archive: str, **options):
        try:
            result = backup_restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(f"Restored the {result.engine} database and {result.files} uploaded files.")
        verified = audit_verify()
        if not verified.ok and verified.checkpoint_seq:
            raise CommandError(
                f"Restored, but the backup is older than the audit checkpoints: its chain ends at #{verified.checked} "
                f"and the checkpoints reach #{verified.checkpoint_seq}, so events #{verified.checked + 1}–"
                f"#{verified.checkpoint_seq} were written after the backup and are lost. Move the checkpoint "
                "files to an archive folder (they still prove what the lost events were) and start an empty "
                "checkpoint folder before the site writes again.", returncode=1)
        if not verified.ok:
            raise CommandError(f"Restored, but the audit chain is broken: {verified.problem}.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {verified.checked} events."))
        self.stdout.write("Run `qualitygov migrate` if this version of QualityGov is newer than the backup.")
