"""`qualitygov backup --out FILE.tar.gz`: the database and the uploaded files in one archive with a manifest."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from qualitygov.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive (with a manifest of checksums)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="FILE", help="the archive to write (FILE.tar.gz)")

    def handle(self, *args, out: str, **options):
        try:
            result = backup_create(out)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {result.path}: {result.engine} database, {result.files} uploaded files, "
            f"audit chain up to #{result.audit_seq}."
        ))
