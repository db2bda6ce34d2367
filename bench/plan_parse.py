"""Benchmark: parse of the seed plan (warm), peak memory growth, and scaling on a 100× text.

Run: ``.venv/bin/python bench/plan_parse.py``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualitygov.planimport.importer.parse import parse_plan  # noqa: E402

SEED = ROOT / "qualitygov" / "plans" / "seed" / "putuo-quality-plan-2023-2027.txt"


def _time(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    text = SEED.read_text(encoding="utf-8")
    tracemalloc.start()
    parse_plan(text)  # warm-up: OpenCC and the pinyin readings load once
    cold_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    runs = _time(lambda: parse_plan(text), 15)
    median_1x = statistics.median(runs)
    print(f"seed: {len(text.encode('utf-8')) / 1024:.1f} KB, {len(text)} chars")
    print(f"parse (warm) median of {len(runs)}: {median_1x * 1000:.1f} ms  (min {min(runs) * 1000:.1f} ms)")

    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    parse_plan(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak memory growth, first parse incl. dictionary loading (tracemalloc): {cold_peak / 1024 / 1024:.1f} MB")
    print(f"peak memory growth, warm parse (tracemalloc): {(peak - base) / 1024 / 1024:.1f} MB")

    big = "\n".join([text] * 100)
    big_runs = _time(lambda: parse_plan(big), 3)
    median_100x = statistics.median(big_runs)
    print(f"100x text ({len(big.encode('utf-8')) / 1024 / 1024:.1f} MB): median of {len(big_runs)}: {median_100x:.2f} s")
    print(f"scaling ratio time(100x) / (100 * time(1x)): {median_100x / (100 * median_1x):.2f}")


if __name__ == "__main__":
    main()
