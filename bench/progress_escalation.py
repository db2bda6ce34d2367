"""Benchmark: the progress escalation job over 10,000 open report requests.

Builds a throwaway database (SQLite in a temporary directory, or a fresh PostgreSQL database when
--postgres URL is given, dropped afterwards): the test cast plus 30 more units with a liaison each
(35 units), one plan with 20 tasks, 500 work items and 20 monthly cycles opened through
`cycle_open` — 10,000 open reports. Run "on" 23 August 2026, when the August requests (500) are
due within the reminder window and the 9,500 older ones are overdue: the first run records a
reminder, or a yellow and a red notice and a 督办 entry, for every request (29,000 events) and
sends the digests. Prints the median of --runs first runs (each rolled back), the median of
idempotent re-runs (nothing new), the full daily job (with lights over 500 items), query counts,
and peak resident memory. Target: < 10 s.

    .venv/bin/python bench/progress_escalation.py [--runs 3] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
    [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

from benchdb import prepare_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 8, 23)
ITEMS = 500
CYCLES = 20  # 2025-01 … 2026-08


def _build() -> int:
    from qualitygov.accounts.choices import OrgUnitKind, Role
    from qualitygov.accounts.services import org_unit_create, user_create
    from qualitygov.accounts.testing import build_cast
    from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory
    from qualitygov.progress.models import ProgressReport, WorkItem
    from qualitygov.progress.services import cycle_create, cycle_open

    cast = build_cast()
    units = [cast.dept_a, cast.dept_b, cast.town]
    for i in range(32):
        kind = OrgUnitKind.DEPARTMENT if i < 22 else OrgUnitKind.TOWN
        unit = org_unit_create(actor=None, name=f"基准测试单位{i:02d}", kind=kind, parent=cast.district,
                               short_name=f"单位{i:02d}")
        role = Role.DEPARTMENT_LIAISON if kind == OrgUnitKind.DEPARTMENT else Role.TOWN_LIAISON
        user_create(actor=None, username=f"bench{i:02d}", password="Bench-password-2026", unit=unit,
                    grants=[(role, unit, False)])
        units.append(unit)
    plan = plan_factory()
    group = group_factory(plan=plan, number="一", title="基准任务组")
    tasks = [task_factory(plan=plan, group=group, lead=[units[i % len(units)]]) for i in range(20)]
    WorkItem.objects.bulk_create([
        WorkItem(task=tasks[i % 20], lead_unit=units[i % len(units)], title=f"基准工作事项{i:03d}",
                 start_date=dt.date(2025, 1, 1), deadline=dt.date(2027, 12, 31), order=i)
        for i in range(ITEMS)
    ])
    for n in range(CYCLES):
        start = dt.date(2025 + n // 12, n % 12 + 1, 1)
        end = dt.date(2025 + (n + 1) // 12, (n + 1) % 12 + 1, 1) - dt.timedelta(days=1)
        cycle = cycle_create(actor=None, plan=plan, frequency="monthly", period_start=start, period_end=end,
                             due_date=start.replace(day=25))
        cycle_open(actor=None, cycle=cycle)
    return ProgressReport.objects.count()


def _timed(fn) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return seconds, len(queries), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--append", default="")
    args = parser.parse_args()
    engine, cleanup = prepare_database(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from qualitygov.core.models import Notification
    from qualitygov.progress.escalation import escalation_run
    from qualitygov.progress.jobs import progress_daily
    from qualitygov.progress.models import EscalationEvent

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        requests = _build()
        build_s = time.perf_counter() - started

        first, counts = [], None
        for _ in range(args.runs):
            with transaction.atomic():
                seconds, queries, summary = _timed(lambda: escalation_run(today=TODAY))
                counts = (queries, summary, EscalationEvent.objects.count(), Notification.objects.count())
                first.append(seconds)
                transaction.set_rollback(True)
        first_queries, first_summary, events, notices = counts
        daily = []
        for _ in range(args.runs):
            with transaction.atomic():
                seconds, daily_queries, _result = _timed(lambda: progress_daily(today=TODAY))
                daily.append(seconds)
                transaction.set_rollback(True)
        escalation_run(today=TODAY)  # keep one run's events for the re-runs
        again = []
        for _ in range(args.runs + 2):
            seconds, again_queries, summary = _timed(lambda: escalation_run(today=TODAY))
            assert summary.new_events == 0 and summary.notices == 0, summary
            again.append(seconds)
    finally:
        cleanup()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"### Progress escalation job ({engine}) — {dt.date.today().isoformat()}",
        "",
        f"`bench/progress_escalation.py --runs {args.runs}`; {os.cpu_count()} cores, Python "
        f"{platform.python_version()}. {requests:,} open report requests (500 work items × 20 monthly "
        f"cycles, 35 units with a liaison each), run as of {TODAY.isoformat()}: 500 requests due within the "
        "reminder window, 9,500 overdue. Target: < 10 s. (Building the data took "
        f"{build_s:.0f} s and is not measured.)",
        "",
        "| run | median | queries | result |",
        "|---|---:|---:|---|",
        f"| first run (each rolled back) | {statistics.median(first):.2f} s | {first_queries} | "
        f"{events:,} events ({', '.join(f'{k} {v:,}' for k, v in first_summary.events.items())}), "
        f"{notices} notices |",
        f"| re-run, nothing new (idempotent) | {statistics.median(again):.2f} s | {again_queries} | 0 events, 0 notices |",
        f"| daily job (open cycles + escalation + lights of 500 items), first run | "
        f"{statistics.median(daily):.2f} s | {daily_queries} | |",
        "",
        f"Peak resident memory of the benchmark process: {peak_mb:.0f} MB.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.append:
        path = Path(args.append)
        existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
        path.write_text(existing.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
