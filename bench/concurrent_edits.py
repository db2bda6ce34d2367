"""Benchmark: lost updates under concurrent editing, through the services.

20 writer threads × 10 edits each on ONE progress report and ONE indicator value. An edit is what a
user does with the form: read the record (outside any transaction), append a token of its own to the
text, save it with the version it read. A save refused as stale (ConflictError, code "stale") is
retried from a fresh read, as a user reloading the page would. At the end every token must be in the
stored text: "lost" counts the tokens that are not (must be 0). For comparison the same run without a
version (the old behaviour: the last save wins) is printed too.

Runs on a throwaway SQLite file (WAL, IMMEDIATE transactions, as configured) and, when a PostgreSQL URL
is given (--postgres URL, or DATABASE_URL=postgres://…), on a fresh PostgreSQL database created and
dropped again. Threads only, on this machine's database: nothing listens on the network. Bounded: each
backend run is a subprocess with a time limit, each edit has at most 200 attempts.

    .venv/bin/python bench/concurrent_edits.py [--writers 20] [--edits 10] [--postgres postgres://…/postgres]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MAX_ATTEMPTS = 200
TIME_LIMIT_S = 600


def _prepare(backend: str, postgres: str | None):
    tmp = tempfile.TemporaryDirectory(prefix="qg-bench-edits-")
    os.environ["QUALITYGOV_VAR_DIR"] = tmp.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
        return tmp.cleanup
    import psycopg

    name = f"qg_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{postgres.rsplit('/', 1)[0]}/{name}"

    def cleanup():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        tmp.cleanup()

    return cleanup


def _run_writers(writers: int, edits: int, edit) -> dict[str, int]:
    """Start `writers` threads, each calling `edit(token)` `edits` times; count attempts and failures."""
    from django.db import connection

    counts = {"conflicts": 0, "errors": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def writer(w: int) -> None:
        try:
            barrier.wait(timeout=60)
            for e in range(edits):
                token = f"<w{w:02d}e{e:02d}>"
                for _attempt in range(MAX_ATTEMPTS):
                    outcome = edit(token)
                    if outcome == "saved":
                        break
                    with lock:
                        counts["conflicts" if outcome == "stale" else "errors"] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIME_LIMIT_S)
    return counts


def _report_edit(cast, report_pk: int, guarded: bool):
    from django.db import OperationalError

    from qualitygov.core.errors import ConflictError
    from qualitygov.progress.models import ProgressReport
    from qualitygov.progress.services import report_save

    def edit(token: str) -> str:
        try:
            shown = ProgressReport.objects.get(pk=report_pk)  # the form is opened
            report_save(actor=cast.liaison_a, report=shown, done_text=shown.done_text + token,
                        version=shown.version if guarded else None)
            return "saved"
        except ConflictError as exc:
            return "stale" if exc.code == "stale" else "error"
        except OperationalError:  # database busy beyond its timeout: try again
            return "error"

    return edit


def _value_edit(cast, period_pk: int, guarded: bool):
    from django.db import OperationalError

    from qualitygov.core.errors import ConflictError
    from qualitygov.indicators.models import Observation, ReportingPeriod
    from qualitygov.indicators.services import observation_save_draft

    period = ReportingPeriod.objects.get(pk=period_pk)

    def edit(token: str) -> str:
        try:
            shown = Observation.objects.get(period_id=period_pk, unit=cast.dept_a)
            observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value=shown.value,
                                   comment=shown.comment + token, version=shown.version if guarded else None)
            return "saved"
        except ConflictError as exc:
            return "stale" if exc.code == "stale" else "error"
        except OperationalError:
            return "error"

    return edit


def run_backend(backend: str, postgres: str | None, writers: int, edits: int) -> None:
    cleanup = _prepare(backend, postgres)
    try:
        import django

        django.setup()
        import datetime as dt

        from django.core.management import call_command
        from django.db import connection

        from qualitygov.accounts.testing import build_cast
        from qualitygov.indicators.models import Observation
        from qualitygov.indicators.services import observation_save_draft, periods_generate
        from qualitygov.indicators.tests.engine_helpers import quarterly_indicator
        from qualitygov.progress.models import ProgressReport
        from qualitygov.progress.services import report_save
        from qualitygov.progress.tests.factories import make_setup

        call_command("migrate", verbosity=0)
        cast = build_cast()
        if backend == "sqlite":
            label = f"SQLite {connection.Database.sqlite_version} (file, WAL)"
        else:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                label = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        total = writers * edits
        for guarded in (False, True):
            s = make_setup(cast, co=[], month=5 if guarded else 6)
            report_save(actor=cast.liaison_a, report=s.report, done_text="")
            indicator = quarterly_indicator(cast, code=f"C{int(guarded)}")
            periods_generate(indicator=indicator, until=dt.date(2023, 12, 31))
            period = indicator.periods.get(label="2023-Q1")
            observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="95")
            connection.close()  # the threads open their own connections
            for what, edit, stored in (
                ("report", _report_edit(cast, s.report.pk, guarded),
                 lambda pk=s.report.pk: ProgressReport.objects.get(pk=pk).done_text),
                ("indicator value", _value_edit(cast, period.pk, guarded),
                 lambda pk=period.pk: Observation.objects.get(period_id=pk, unit=cast.dept_a).comment),
            ):
                started = time.perf_counter()
                counts = _run_writers(writers, edits, edit)
                seconds = time.perf_counter() - started
                text = stored()
                kept = sum(f"<w{w:02d}e{e:02d}>" in text for w in range(writers) for e in range(edits))
                mode = "with version check" if guarded else "without version (old behaviour)"
                print(f"{label:32} {what:16} {mode:32} edits {total}, lost {total - kept:3d}, "
                      f"stale refusals retried {counts['conflicts']:4d}, busy retries {counts['errors']:3d}, "
                      f"{seconds:5.1f} s", flush=True)
                connection.close()
    finally:
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--postgres", default=None, help="an admin URL of a PostgreSQL server (a database is "
                                                          "created and dropped); default: DATABASE_URL if postgres")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.writers, args.edits = min(args.writers, 50), min(args.edits, 50)  # bounded
    if args.backend:
        run_backend(args.backend, args.postgres, args.writers, args.edits)
        return
    postgres = args.postgres
    url = os.environ.get("DATABASE_URL", "")
    if postgres is None and url.startswith(("postgres://", "postgresql://")):
        postgres = url
    runs = [["--backend", "sqlite"]] + ([["--backend", "postgresql", "--postgres", postgres]] if postgres else [])
    failed = False
    for extra in runs:
        command = [sys.executable, __file__, "--writers", str(args.writers), "--edits", str(args.edits), *extra]
        result = subprocess.run(command, cwd=ROOT, timeout=TIME_LIMIT_S, check=False)
        failed = failed or result.returncode != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
