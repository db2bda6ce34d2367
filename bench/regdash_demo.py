"""Benchmark: the regulatory dashboard on the demo district's real year of data.

The demo (`qualitygov demo --no-serve`) fills every feed and ledger through the real importers and
services: 66 feed files for January–November, 300 market entities, 127 sampling batches, the registers
and the one-stop requests. This script points at that database (QUALITYGOV_VAR_DIR, default
/tmp/qg-bench-demo; it prepares the demo there when the folder is empty), then requests
/regulation/dashboard/ as the leader for this year to date, for one month, and the .xlsx export, through
the Django test client in process. Prints median / min / max of --runs runs and the query count of one
request. Target: < 200 ms median.

    .venv/bin/python bench/regdash_demo.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = os.environ.setdefault("QUALITYGOV_VAR_DIR", "/tmp/qg-bench-demo")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
if not (Path(VAR) / "qualitygov.sqlite3").exists():
    subprocess.run([str(ROOT / ".venv/bin/qualitygov"), "demo", "--no-serve"], check=True, stdout=subprocess.DEVNULL)

import django  # noqa: E402

django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from qualitygov.accounts.models import User  # noqa: E402


def measure(client: Client, url: str, runs: int) -> tuple[list[float], int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: queries.append(sql) or
                                    execute(sql, params, many, context)):
        client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times, len(queries)


def main() -> None:
    # As in Django's own tests: keep one connection across requests, so its queries can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    base = reverse("regdash:dashboard")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{connection.vendor}; runs: {args.runs}")
    for label, url in [("year to date", base), ("one month (2026-10)", f"{base}?period=2026-10"),
                       ("export .xlsx", f"{base}?format=xlsx")]:
        times, queries = measure(client, url, args.runs)
        print(f"{label:22} median {statistics.median(times):7.1f} ms  min {min(times):7.1f}  "
              f"max {max(times):7.1f}  queries {queries}")


if __name__ == "__main__":
    main()
