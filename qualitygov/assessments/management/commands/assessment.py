"""`qualitygov assessment score [--json] [--pdf OUT.pdf] SCHEME.json UNITS.json` (no database) and
`qualitygov assessment scheme export --year 2026 [--id ID] --out SCHEME.json` (the published scheme) and
`qualitygov assessment collect --year 2026 [--scheme ID] --out UNITS.json` (the automatic inputs)."""

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

        scheme = sub.add_parser("scheme", help="schemes kept in the platform")
        scheme_sub = scheme.add_subparsers(dest="scheme_action", required=True)
        export = scheme_sub.add_parser("export", help="write the year's published scheme (its newest version)")
        export.add_argument("--year", type=int, required=True)
        export.add_argument("--id", dest="key", default="", help="the scheme id when the year has several")
        export.add_argument("--out", required=True, metavar="SCHEME.json")

        collect = sub.add_parser("collect", help="write the year's automatic inputs of the member units")
        collect.add_argument("--year", type=int, required=True)
        collect.add_argument("--scheme", dest="key", default="",
                             help="the scheme id when the year has several published schemes")
        collect.add_argument("--out", required=True, metavar="UNITS.json")
        collect.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                             help="read the records as of this day (default today)")
        collect.add_argument("--bulletin-date", dest="bulletin_date", metavar="YYYY-MM-DD",
                             help="the units file's bulletin date (default 31 December of the year)")
        collect.add_argument("--explain", action="store_true",
                             help="also print every automatic figure with the records behind it")

    def handle(self, *args, action: str, **options):
        if action == "collect":
            from qualitygov.assessments.collect_cli import run_collect

            code = run_collect(year=options["year"], key=options["key"], out=options["out"],
                               as_of=options["as_of"], bulletin_date=options["bulletin_date"],
                               explain=options["explain"], stdout=sys.stdout, stderr=sys.stderr)
            if code:
                sys.exit(code)
            return
        if action == "scheme":
            code = self._scheme_export(year=options["year"], key=options["key"], out=options["out"])
            if code:
                sys.exit(code)
            return
        from qualitygov.assessments.score_cli import run_score

        code = run_score(options["scheme"], options["units"], as_json=options["as_json"],
                         stdout=sys.stdout, stderr=sys.stderr, pdf_path=options["pdf_path"])
        if code:
            sys.exit(code)

    def _scheme_export(self, *, year: int, key: str, out: str) -> int:
        """Write the newest published version; exit 2 with one Chinese line when there is none or several."""
        from qualitygov.assessments.choices import SchemeStatus
        from qualitygov.assessments.models import AssessmentScheme

        published = AssessmentScheme.objects.filter(year=year, status=SchemeStatus.PUBLISHED)
        if key:
            published = published.filter(key=key)
        keys = sorted(set(published.values_list("key", flat=True)))
        if not keys:
            self.stderr.write(f"{year} 年没有已发布的考核评分细则{f'“{key}”' if key else ''}。")
            return 2
        if len(keys) > 1:
            self.stderr.write(f"{year} 年有多个已发布的评分细则（{'、'.join(keys)}），请用 --id 指定。")
            return 2
        scheme = published.order_by("-version").first()
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(scheme.document)
        self.stdout.write(f"{scheme.title}（v{scheme.version}）→ {out}")
        return 0
