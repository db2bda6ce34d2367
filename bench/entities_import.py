"""Benchmark: importing a 200,000-row market-entity export (dry run and commit) against a bare openpyxl
read-only iteration of the same file, in the same run.

Builds a throwaway SQLite database (or a fresh PostgreSQL one with --postgres URL, dropped afterwards)
with the demo district's towns, generates an export-shaped .xlsx of --rows generated Putuo entities
(title rows, header on row 3, 合计 row; valid codes), then measures, each the median of --runs runs:

- bare: `load_workbook(read_only=True)` and iterating every row's values (the floor any reader pays);
- dry run: `entity_import_plan` on the empty directory (every row new: parse, check, compare by chunk);
- commit: `entity_import_run` into the empty directory (bulk_create in chunks, one transaction), the
  directory emptied again between runs;
- re-import dry run: `entity_import_plan` once the directory holds every row (all unchanged).

Peak Python memory of one bare iteration and one dry run is measured with tracemalloc (in separate
runs, since tracing slows them). Target: dry run ≤ 2× bare.

    .venv/bin/python bench/entities_import.py [--rows 200000] [--runs 3] [--postgres URL]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from benchdb import prepare_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bare(data: bytes) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    n = 0
    for _values in wb.worksheets[0].iter_rows(values_only=True):
        n += 1
    wb.close()
    return n


def _median(fn, runs: int, between=None) -> tuple[float, float, float, float]:
    """Median, min and max wall-clock seconds, and the median CPU seconds of this process (steadier
    than wall-clock time on a shared machine; the SQLite work runs in-process, so it counts)."""
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if between is not None:
            between()
    return statistics.median(times), min(times), max(times), statistics.median(cpu)


def _peak(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commit-runs", type=int, default=0, help="runs of the commit (default: --runs)")
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    backend, cleanup = prepare_database(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from qualitygov.accounts.demo import load as load_district
    from qualitygov.registry.demo import checked_file, generate, workbook
    from qualitygov.registry.models import EntityImport, MarketEntity
    from qualitygov.registry.services import entity_import_plan, entity_import_run

    try:
        call_command("migrate", verbosity=0)
        load_district()
        t0 = time.perf_counter()
        data = workbook(generate(args.rows, seed=2026), write_only=True)
        print(f"generated {args.rows:,} rows: {len(data) / 2**20:.1f} MiB .xlsx in {time.perf_counter() - t0:.1f} s")
        name = "bench.xlsx"

        def empty():
            MarketEntity.objects.all()._raw_delete(MarketEntity.objects.db)
            EntityImport.objects.all().delete()

        def dry():
            plan = entity_import_plan(name=name, data=data)
            assert plan.error_count == 0 and plan.rows == args.rows, plan.counts

        def commit():
            _imp, plan = entity_import_run(actor=None, checked=checked_file(name, data))
            assert plan.new == args.rows, plan.counts

        results = {"bare": _median(lambda: bare(data), args.runs)}
        results["dry"] = _median(dry, args.runs)
        results["commit"] = _median(commit, args.commit_runs or args.runs, between=empty)
        commit()
        results["redry"] = _median(dry, args.runs)
        peak_bare = _peak(lambda: bare(data))
        peak_dry = _peak(dry)
        assert MarketEntity.objects.count() == args.rows
    finally:
        cleanup()

    b, b_cpu = results["bare"][0], results["bare"][3]
    print(f"\n{args.rows:,} rows · {backend} · Python {platform.python_version()} · {os.cpu_count()} cores · "
          f"median of {args.runs}")
    print("| step | wall median (min–max) | × bare | CPU median | × bare (CPU) | peak Python memory |")
    print("|---|---|---|---|---|---|")
    labels = {"bare": "bare openpyxl read-only iteration", "dry": "dry run (empty directory: all new)",
              "commit": "commit (bulk_create, one transaction)", "redry": "dry run again (all unchanged)"}
    for key, (median, low, high, cpu) in results.items():
        peak = f"{peak_bare:.1f} MiB" if key == "bare" else f"{peak_dry:.1f} MiB" if key == "dry" else ""
        print(f"| {labels[key]} | {median:.1f} s ({low:.1f}–{high:.1f}) | {median / b:.2f} | {cpu:.1f} s | "
              f"{cpu / b_cpu:.2f} | {peak} |")


if __name__ == "__main__":
    main()
