"""`qualitygov <command>`: the operators' command line (a front for the project's Django commands)."""

from __future__ import annotations

import os
import sys

#: Operator commands shown by `qualitygov --help`, in order, with one line each.
COMMANDS: list[tuple[str, str]] = [
    ("demo", "prepare the demo district and seed plan, then serve http://127.0.0.1:8000 (--no-serve: prepare only)"),
    ("createadmin", "create the first office admin for a district (asks for the password)"),
    ("plan", "plan documents: `plan parse FILE --json` (no database), `plan import FILE`"),
    ("indicators", "indicators: `indicators status --json`, `indicators remind`, `indicators recompute`"),
    ("progress", "task tracking: `progress remind`, "
                 "`progress bulletin --period YYYY-MM|YYYY-H1|YYYY --out FILE.docx|FILE.pdf`"),
    ("summaries", "half-year and annual summaries: `summaries remind [--today YYYY-MM-DD]` chases the units"),
    ("assessment", "annual assessment: `assessment score [--json] [--pdf OUT.pdf] SCHEME.json UNITS.json` (no database); "
                   "`assessment scheme export --year YYYY --out SCHEME.json`"),
    ("entities", "market entities: `entities check FILE.csv --json` checks the 统一社会信用代码 column (no database); "
                 "`entities import FILE [--dry-run] [--json]` imports a registration/credit-publicity export"),
    ("feeds", "data feeds: `feeds import SOURCE FILE [--dry-run] [--json]` checks an upper system's export and imports "
              "it (exit 2 on errors, nothing imported)"),
    ("calendar", "working-day calendar: `calendar workdays FROM TO` prints the working days, both days included"),
    ("audit", "audit trail: `audit verify [--checkpoints DIR]` checks the chain and names the first bad event; "
              "`audit checkpoint` exports its hashes outside the database"),
    ("worker", "run background jobs (daily reminders, recomputation, imports, large exports) until stopped; "
               "`worker --burst` runs what is due, then exits"),
    ("backup", "`backup --out FILE.tar.gz`: the database and uploaded files, with a manifest of checksums"),
    ("restore", "`restore FILE`: a backup into an empty database and upload folder, then `audit verify`"),
    ("migrate", "create or update the database tables"),
    ("collectstatic", "copy static files for a production web server"),
    ("check", "system checks (`check --deploy` under production settings)"),
]


def _help() -> str:
    width = max(len(name) for name, _ in COMMANDS)
    lines = ["usage: qualitygov <command> [options]", "", "QualityGov 质量强区数字治理平台 — operator commands:", ""]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS]
    lines += ["", "`qualitygov <command> --help` shows a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_help())
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qualitygov", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
