"""`qualitygov plan parse FILE --json` (no database) and `qualitygov plan import FILE`."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Plan documents: parse (no database) or import."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        parse = sub.add_parser("parse", help="print the parsed plan (JSON with --json)")
        parse.add_argument("file")
        parse.add_argument("--json", action="store_true", dest="as_json")
        imp = sub.add_parser("import", help="import a plan document into the database")
        imp.add_argument("file")
        imp.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        imp.add_argument("--actor", default=None, help="user name recorded as the importer (default: system)")

    def handle(self, *args, action: str, **options):
        if action == "parse":
            from qualitygov.planimport.importer.cli import run_parse

            code = run_parse(options["file"], as_json=options["as_json"], stdout=sys.stdout, stderr=sys.stderr)
        else:
            from qualitygov.planimport.cli import run_import

            code = run_import(options["file"], assume_yes=options["yes"], actor_name=options["actor"],
                              stdout=sys.stdout, stderr=sys.stderr)
        if code:
            sys.exit(code)
