"""`qualitygov progress …`: the progress jobs and the bulletin from the command line.

  progress remind [--today YYYY-MM-DD]        open due cycles, chase late units, recompute lights
  progress open-cycles [--today YYYY-MM-DD]   open the cycles whose period has started
  progress bulletin --period YYYY-MM|YYYY-H1|YYYY-H2|YYYY --out FILE.docx|FILE.pdf [--pdf]
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualitygov.core.errors import ServiceError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Task progress: `remind` (daily escalation job), `open-cycles`, `bulletin --period YYYY-MM|YYYY-H1|YYYY --out FILE`."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="open due cycles, send reminders and notices, recompute lights")
        remind.add_argument("--today", type=_date, help="run as if on this day (default: today)")
        opener = sub.add_parser("open-cycles", help="open every cycle whose period has started")
        opener.add_argument("--today", type=_date)
        bulletin = sub.add_parser("bulletin", help="write the progress bulletin (工作进展通报) as .docx or .pdf")
        bulletin.add_argument("--period", required=True,
                              help="the month (YYYY-MM), the half-year (YYYY-H1, YYYY-H2) or the year (YYYY)")
        bulletin.add_argument("--out", required=True, help="the .docx or .pdf file to write")
        bulletin.add_argument("--pdf", action="store_true", help="with a .docx, also write the PDF next to it")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "remind":
            self._remind(options.get("today"))
        elif action == "open-cycles":
            self._open_cycles(options.get("today"))
        else:
            self._bulletin(options["period"], Path(options["out"]), options["pdf"])

    def _remind(self, today: dt.date | None) -> None:
        from qualitygov.progress.jobs import progress_daily

        result = progress_daily(today=today)
        s = result["escalation"]
        self.stdout.write(
            f"{s.today.isoformat()}: cycles opened {result['opened']['cycles']} "
            f"(reports {result['opened']['reports']}); requests waiting {s.requests}; new events: "
            + ", ".join(f"{level} {n}" for level, n in s.events.items())
            + f"; notices sent {s.notices}; lights {result['lights']['work_items']} items / "
            f"{result['lights']['tasks']} tasks"
        )

    def _open_cycles(self, today: dt.date | None) -> None:
        from qualitygov.progress.services import cycles_open_due

        result = cycles_open_due(actor=None, today=today)
        self.stdout.write(f"cycles opened: {result['cycles']}; report requests created: {result['reports']}")

    def _bulletin(self, period: str, out: Path, pdf: bool) -> None:
        from qualitygov.progress.bulletin import bulletin_generate, parse_period

        suffix = out.suffix.lower()
        if suffix not in (".docx", ".pdf"):
            raise CommandError("--out must name a .docx or .pdf file")
        want_pdf = pdf or suffix == ".pdf"
        try:
            span = parse_period(period)
            result = bulletin_generate(actor=None, period=span, pdf=want_pdf)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if suffix == ".pdf" and result.pdf is None:
            raise CommandError(f"PDF not written: {result.pdf_message}")
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".docx":
            out.write_bytes(result.docx)
            self.stdout.write(f"wrote {out} ({len(result.docx):,} bytes)")
        if want_pdf:
            if result.pdf is not None:
                pdf_path = out.with_suffix(".pdf")
                pdf_path.write_bytes(result.pdf)
                self.stdout.write(f"wrote {pdf_path} ({len(result.pdf):,} bytes)")
            else:
                self.stderr.write(f"PDF not written: {result.pdf_message}")
