"""How long `qualitygov demo --no-serve` takes from an empty database (what a new user waits for).

Each run uses a fresh QUALITYGOV_VAR_DIR (a new SQLite database) in its own process: migrate,
load the demo district and the seed plan. Prints every run, the median and the peak memory (RSS)
of the slowest-memory run.

    .venv/bin/python bench/demo_setup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run() -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one `qualitygov demo --no-serve` on an empty database."""
    with tempfile.TemporaryDirectory(prefix="qualitygov-demo-bench-") as var_dir:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        env["QUALITYGOV_VAR_DIR"] = var_dir
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "qualitygov.cli", "demo", "--no-serve"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0 or "Demo ready" not in output:
            raise SystemExit(f"qualitygov demo failed (exit {process.returncode}):\n{output}")
        return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"qualitygov demo --no-serve from an empty SQLite database; {args.runs} runs; "
          f"Python {platform.python_version()}, {os.cpu_count()} cores")
    results = []
    for n in range(1, args.runs + 1):
        seconds, peak = one_run()
        results.append((seconds, peak))
        print(f"  run {n}: {seconds:.2f} s, peak RSS {peak:.0f} MiB")
    median = statistics.median(s for s, _ in results)
    print(f"median: {median:.2f} s; peak RSS: {max(p for _, p in results):.0f} MiB")


if __name__ == "__main__":
    main()
