"""Benchmark: the office indicator dashboard at 50 and 200 indicators × 60 monthly periods, 30 units.

Every indicator has 3 responsible units out of 30 and approved values for 59 of its 60 periods
(200 × 59 × 3 = 35,400 observations); statuses are computed once by the engine
(`status_refresh_all`), as the nightly job does. The page must read the stored IndicatorStatus rows:
its query count stays the same at 50 and 200 indicators. Requests go through the Django test client
in process (server time: middleware, queries, template). Prints median / min / max of the runs,
queries and peak Python memory of one request, for the office (all indicators) and a liaison.

    .venv/bin/python bench/indicators_dashboard.py [--runs 15]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qg_bench_indicators .venv/bin/python bench/indicators_dashboard.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

from django.test import Client
from django.urls import reverse
from indicators_common import build_indicators, database_label, fresh_database, measure

from qualitygov.indicators.services import status_refresh_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cast, units = fresh_database()
    office, liaison = Client(), Client()
    office.force_login(cast.office)
    liaison.force_login(cast.liaison_a)
    url = reverse("indicators:dashboard")
    print(f"indicator dashboard, {database_label()}, {args.runs} runs")
    built = 0
    for n in (50, 200):
        started = time.perf_counter()
        build_indicators(cast=cast, units=units, n=n - built, periods=60, units_per_indicator=3, approved_upto=59,
                         title=f"基准方案{n}")
        counts = status_refresh_all(as_of=dt.date(2026, 11, 26))
        built = n
        print(f"  {n} indicators: data + statuses built in {time.perf_counter() - started:.1f} s, lights {counts}")
        for who, client in (("office", office), ("liaison_a", liaison)):
            def call(client=client):
                response = client.get(url)
                assert response.status_code == 200
            m = measure(call, args.runs)
            print(f"    {who:10s} median {m['median']:6.1f} ms (min {m['min']:.1f}, max {m['max']:.1f}), "
                  f"{m['queries']} queries, peak {m['peak_mib']:.1f} MiB")
    print(f"  peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
