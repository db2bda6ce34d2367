"""Benchmark: the plan overview page and the task breakdown exports (.xlsx, .docx) at 20 and 500 tasks.

Builds the cast in a throwaway SQLite file, imports the seed plan (20 tasks) through the import
services, then builds a synthetic plan of 500 tasks (3 units each, half given to all towns). Requests
go through the Django test client in process (server time: middleware, queries, template or file
building). Prints per size and URL: median / min / max of the runs, the number of queries (must not
grow with the tasks) and the peak Python memory of one request.

    .venv/bin/python bench/plan_exports.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="qg-bench-plan-exports-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"
os.environ["QUALITYGOV_VAR_DIR"] = _tmp.name
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from qualitygov.accounts.testing import build_cast  # noqa: E402
from qualitygov.planimport.tests.factories import seed_plan  # noqa: E402
from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory  # noqa: E402


@transaction.atomic
def synthetic_plan(cast, n: int):
    plan = plan_factory(title=f"基准方案（{n} 项任务）")
    groups = [group_factory(plan=plan, number=str(i), title=f"任务组{i}") for i in range(1, 11)]
    for i in range(n):
        task_factory(plan=plan, group=groups[i * 10 // n], text="推进质量提升工作。" * 20,
                     lead=[cast.dept_a, cast.office_unit], co=[cast.dept_b], all_towns=i % 2 == 0)
    return plan


def measure(client: Client, url: str, runs: int) -> dict:
    client.get(url)  # warm caches: templates, translations, URL resolver
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    queries = []
    # execute_wrapper sees every statement even when the request closes the connection afterwards.
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (queries.append(sql),
                                                                                 execute(sql, params, many, context))[1]):
        response = client.get(url)
    tracemalloc.start()
    client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "queries": len(queries),
            "peak_kib": peak / 1024, "bytes": len(response.content)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)
    cast = build_cast()
    plans = [(20, seed_plan(cast.office)), (500, synthetic_plan(cast, 500))]
    print(f"plan overview and breakdown exports, SQLite, {args.runs} runs each, Python {sys.version.split()[0]}")
    for member in ("office", "liaison_a"):
        client = Client()
        client.force_login(cast.members[member])
        for size, plan in plans:
            for label, name in (("overview page", "plans:plan_detail"), ("xlsx export", "plans:export_xlsx"),
                                ("docx export", "plans:export_docx")):
                m = measure(client, reverse(name, args=[plan.pk]), args.runs)
                print(f"  {member:<9} {size:>4} tasks  {label:<14} median {m['median']:7.1f} ms  "
                      f"(min {m['min']:.1f}, max {m['max']:.1f})  queries {m['queries']}  "
                      f"peak {m['peak_kib'] / 1024:.1f} MiB  {m['bytes'] / 1024:.0f} KiB out")


if __name__ == "__main__":
    main()
