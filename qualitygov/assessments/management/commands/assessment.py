"""`qualitygov assessment score [--json] [--pdf OUT.pdf] SCHEME.json UNITS.json` (no database)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Annual assessment: score a units file against a scheme (no database)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        score = sub.add_parser("score", help="print scores, grades, ranks and follow-up (JSON with --json)")
        score.add_argument("scheme", metavar="SCHEME.json", help="the scheme (考核评分细则), exchange format v1")
        score.add_argument("units", metavar="UNITS.json", help="the year's unit inputs for that scheme")
        score.add_argument("--json", action="store_true", dest="as_json",
                           help="print the result document instead of a table per group")
        score.add_argument("--pdf", metavar="OUT.pdf", dest="pdf_path",
                           help="also write the ranked result table per group to this PDF file")

    def handle(self, *args, action: str, **options):
        from qualitygov.assessments.score_cli import run_score

        code = run_score(options["scheme"], options["units"], as_json=options["as_json"],
                         stdout=sys.stdout, stderr=sys.stderr, pdf_path=options["pdf_path"])
        if code:
            sys.exit(code)
