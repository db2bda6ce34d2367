"""`qualitygov entities check FILE.csv --json` (no database) and `qualitygov entities import FILE
[--dry-run] [--json] [--actor USER]`."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Market entities: check the codes of a file (no database) or import an export."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="check the 统一社会信用代码 column of a CSV/xlsx (no database)")
        check.add_argument("file")
        check.add_argument("--json", action="store_true", dest="as_json")
        imp = sub.add_parser("import", help="import a registration / credit-publicity export")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", dest="dry_run", help="check and count, write nothing")
        imp.add_argument("--json", action="store_true", dest="as_json")
        imp.add_argument("--actor", default=None, help="user name recorded as the importer (default: system)")

    def handle(self, *args, action: str, **options):
        from qualitygov.registry import cli

        if action == "check":
            code = cli.run_check(options["file"], as_json=options["as_json"], stdout=sys.stdout, stderr=sys.stderr)
        else:
            code = cli.run_import(options["file"], dry_run=options["dry_run"], as_json=options["as_json"],
                                  actor_name=options["actor"], stdout=sys.stdout, stderr=sys.stderr)
        if code:
            sys.exit(code)
