"""Benchmark: the office board (tasks × units with lights) at 20 tasks × 35 units × 24 cycles.

Builds, in a throwaway SQLite file (or the database in DATABASE_URL with --keep-db-url), a plan of
20 tasks in 4 groups and 35 units (25 departments, 10 towns); every unit leads one work item under
every task with the next unit co-operating (700 items), 24 monthly cycles opened through the
services (16,800 reports and as many parts), random approved progress and lights recomputed. Then
renders `progress:board` for the office admin through the Django test client (in process: server
time) and prints the median / min / max of the runs, the median CPU time, the peak Python memory
of one request, and the number of queries with 10 units and with 35 units (must be equal).

    .venv/bin/python bench/progress_board.py [--runs 25]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="qg-bench-board-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"
os.environ["QUALITYGOV_VAR_DIR"] = _tmp.name
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from qualitygov.accounts.choices import OrgUnitKind  # noqa: E402
from qualitygov.accounts.models import OrgUnit  # noqa: E402
from qualitygov.accounts.testing import build_cast  # noqa: E402
from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory  # noqa: E402
from qualitygov.progress.models import WorkItem  # noqa: E402
from qualitygov.progress.services import (  # noqa: E402
    cycle_create,
    cycle_open,
    lights_recompute,
    work_item_create,
)

TASKS, UNITS, CYCLES = 20, 35, 24
START = dt.date(2025, 1, 1)


_made = [0]


def new_units(cast, departments: int, towns: int) -> list[OrgUnit]:
    units = []
    for kind, count in ((OrgUnitKind.DEPARTMENT, departments), (OrgUnitKind.TOWN, towns)):
        for _ in range(count):
            n = _made[0] = _made[0] + 1
            unit = OrgUnit.objects.create(parent=cast.district, kind=kind, name=f"基准单位{n:03d}",
                                          short_name=f"单位{n:03d}", sort_order=n)
            unit.path, unit.depth = cast.district.child_path(unit.pk), cast.district.depth + 1
            unit.save(update_fields=["path", "depth"])
            units.append(unit)
    return units


def add_items(cast, tasks, units, start_index: int) -> None:
    """Every unit from `start_index` on leads one item under every task, the next unit co-operating."""
    for task in tasks:
        for i in range(start_index, len(units)):
            work_item_create(actor=cast.office, task=task, lead_unit=units[i], title=f"{task.number}-{i}事项",
                             start_date=START, deadline=dt.date(2026, 12, 31),
                             co_units=[units[(i + 1) % len(units)]])


def make_plan(cast):
    plan = plan_factory()
    groups = [group_factory(plan=plan, number=str(g + 1), title=f"任务组{g + 1}") for g in range(4)]
    tasks = [task_factory(plan=plan, group=groups[t % 4], title=f"基准任务{t + 1}", lead=[cast.dept_a])
             for t in range(TASKS)]
    return plan, tasks


def open_cycles(cast, plan) -> None:
    for m in range(CYCLES):
        year, month = START.year + m // 12, m % 12 + 1
        start = dt.date(year, month, 1)
        end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        cycle = cycle_create(actor=cast.office, plan=plan, frequency="monthly", period_start=start, period_end=end,
                             due_date=end.replace(day=25))
        cycle_open(actor=cast.office, cycle=cycle)


def progress_and_lights(on: dt.date) -> None:
    rng = random.Random(7)
    for item in WorkItem.objects.only("pk"):
        WorkItem.objects.filter(pk=item.pk).update(progress_pct=rng.randint(0, 100))
    lights_recompute(on=on)


def queries(client: Client, url: str, show: bool = False) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    if show:
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:150]}")
    return len(ctx.captured_queries)


def measure(client: Client, url: str, runs: int) -> dict:
    client.get(url)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    tracemalloc.start()
    client.get(url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "cpu": statistics.median(cpu), "peak_mb": peak / 1048576, "size_kb": len(response.content) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    cast = build_cast()
    client = Client()
    client.force_login(cast.office)
    today = dt.date(2026, 11, 26)

    started = time.perf_counter()
    plan, tasks = make_plan(cast)
    units = [cast.dept_a, cast.dept_b, cast.town, *new_units(cast, 4, 3)]
    add_items(cast, tasks, units, 0)
    open_cycles(cast, plan)
    progress_and_lights(today)
    url = reverse("progress:board") + f"?plan={plan.pk}"
    q10 = queries(client, url)
    small = measure(client, url, max(5, args.runs // 3))

    before = len(units)
    units += new_units(cast, 19, 6)
    assert len(units) == UNITS
    add_items(cast, tasks, units, before)
    from qualitygov.progress.models import ProgressReport, ReportingCycle

    for cycle in ReportingCycle.objects.filter(plan=plan):
        cycle_open(actor=cast.office, cycle=cycle)  # adds the new units' requests
    progress_and_lights(today)
    build_s = time.perf_counter() - started
    q35 = queries(client, url, show=True)
    big = measure(client, url, args.runs)
    xlsx = measure(client, reverse("progress:board_xlsx") + f"?plan={plan.pk}", max(5, args.runs // 3))

    print(f"data: {TASKS} tasks × {UNITS} units × {CYCLES} cycles = {WorkItem.objects.count()} work items, "
          f"{ProgressReport.objects.count()} reports (built in {build_s:.0f} s)")
    print(f"queries: {q10} with 10 units, {q35} with 35 units")
    for label, m in (("board, 10 units", small), ("board, 35 units", big), ("board .xlsx, 35 units", xlsx)):
        print(f"{label}: median {m['median']:.1f} ms (min {m['min']:.1f}, max {m['max']:.1f}), "
              f"CPU {m['cpu']:.1f} ms, peak {m['peak_mb']:.2f} MB, {m['size_kb']:.0f} KB")


if __name__ == "__main__":
    main()
