"""Benchmark: a 50,000-row sampling export (one row per sampled batch) checked (dry run) and imported
(commit), against a bare openpyxl read-only iteration of the same file in the same run.

Builds a throwaway SQLite database in a temporary directory (migrated, with Putuo's towns from the demo
accounts), writes the export as .xlsx (title row, header, 50,000 rows over 9 towns, 4 categories and
12 months), then times: openpyxl `load_workbook(read_only=True)` + `iter_rows(values_only=True)` over every
row; `feeds.services.dry_run` (read, resolve towns, compare with the current figures); `feed_import`
(stage + commit: 100,000 figures written). Times are medians of --runs runs (the commit once, into an
empty source); peak memory is Python's tracemalloc peak in a separate pass. Target: dry run ≤ 2× openpyxl.

    .venv/bin/python bench/feeds_sampling.py [--rows 50000] [--runs 3] [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _export(rows: int) -> bytes:
    from qualitygov.feeds.demo import CATEGORY_LABEL, PRODUCTS
    from qualitygov.feeds.sheets import xlsx_bytes

    rng = random.Random(50000)
    towns = ["沈家门街道", "东港街道", "朱家尖街道", "展茅街道", "六横镇", "虾峙镇", "桃花镇", "东极镇", "普陀山镇"]
    categories = list(CATEGORY_LABEL)

    def body():
        yield ["普陀区食品和产品抽检结果明细（2026年）（基准测试数据）"]
        yield ["抽样单编号", "样品名称", "抽检类别", "被抽样单位名称", "所在镇街", "抽样日期", "检验结论"]
        for i in range(rows):
            category = categories[i % 4]
            day = dt.date(2026, 1, 1) + dt.timedelta(days=i % 365)
            yield [f"DC2026{i:08d}", rng.choice(PRODUCTS[category]), CATEGORY_LABEL[category], f"经营户{i % 997}",
                   towns[i % 9], day.isoformat(), "不合格" if rng.random() < 0.01 else "合格"]

    return xlsx_bytes(body())


def _bare(data: bytes) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _row in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return count


def _peak(fn) -> float:
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--append", default="")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="qg-bench-feeds-")
    os.environ["QUALITYGOV_VAR_DIR"] = tmp.name
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from qualitygov.accounts.demo import load as load_accounts
    from qualitygov.feeds.models import Figure
    from qualitygov.feeds.services import dry_run, feed_import, source_get

    load_accounts()
    data = _export(args.rows)
    source = source_get("sampling")
    bare_times, dry_times = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        _bare(data)
        bare_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        run = dry_run(source=source, name="sampling.xlsx", data=data)
        dry_times.append(time.perf_counter() - start)
        assert run.ok and len(run.read.rows) == args.rows, run.read.errors[:3]
    bare_peak = _peak(lambda: _bare(data))
    dry_peak = _peak(lambda: dry_run(source=source, name="sampling.xlsx", data=data))
    start = time.perf_counter()
    result = feed_import(actor=None, source=source, name="sampling.xlsx", data=data)
    commit_time = time.perf_counter() - start
    assert Figure.objects.filter(file=result.file).count() == 2 * args.rows
    # the dry run of the same rows again, now compared with 100,000 current figures
    start = time.perf_counter()
    rerun = dry_run(source=source, name="again.xlsx", data=_export(args.rows))
    dry_again = time.perf_counter() - start
    assert rerun.totals()["unchanged"] == 2 * args.rows
    bare, dry = statistics.median(bare_times), statistics.median(dry_times)
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        f"## Feed import, {args.rows:,}-row sampling export (bench/feeds_sampling.py), {dt.date.today():%Y-%m-%d}",
        "",
        f"Machine: {machine}; SQLite; file {len(data) / 1024 / 1024:.1f} MiB; median of {args.runs} runs "
        f"(load average {os.getloadavg()[0]:.1f}).",
        "",
        "| step | seconds | peak Python memory | vs openpyxl |",
        "|---|---|---|---|",
        f"| bare openpyxl read-only iteration | {bare:.2f} | {bare_peak:.1f} MiB | 1.00× |",
        f"| dry run (read, towns, compare; empty source) | {dry:.2f} | {dry_peak:.1f} MiB | {dry / bare:.2f}× |",
        f"| dry run again, compared with {2 * args.rows:,} current figures | {dry_again:.2f} | | {dry_again / bare:.2f}× |",
        f"| commit (stage + import, {2 * args.rows:,} figures written) | {commit_time:.2f} | | {commit_time / bare:.2f}× |",
        "",
    ]
    print("\n".join(lines))
    if args.append:
        with open(args.append, "a", encoding="utf-8") as handle:
            handle.write("\n" + "\n".join(lines))
    tmp.cleanup()


if __name__ == "__main__":
    main()
