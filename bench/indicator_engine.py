"""Benchmark: the indicator engine over a large plan — every light and forecast, timeliness, reminders.

200 monthly percentage indicators, 2 responsible units each, 48 periods (2022–2025) with approved
values for the first 46 (18 400 observations). Measures, median of --runs after a warm-up:
`status_refresh_all` (every indicator's light, forecast and stored inputs), `timeliness_by_unit`,
`overdue_list`, and `reminders_send` (the second and later runs find every notice already sent).

    .venv/bin/python bench/indicator_engine.py [--runs 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qg_bench_engine .venv/bin/python bench/indicator_engine.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform

from indicators_common import build_indicators, database_label, fresh_database, measure

from qualitygov.indicators.jobs import reminders_send
from qualitygov.indicators.selectors import overdue_list, timeliness_by_unit
from qualitygov.indicators.services import status_refresh_all

AS_OF = dt.date(2025, 12, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cast, units = fresh_database()
    build_indicators(cast=cast, units=units, n=200, periods=48, units_per_indicator=2, approved_upto=46)
    print(f"indicator engine, 200 indicators × 48 monthly periods × 2 units; {database_label()}; "
          f"Python {platform.python_version()}, {os.cpu_count()} cores; median of {args.runs} runs")
    for name, call in [
        ("status_refresh_all (200 lights + forecasts)", lambda: status_refresh_all(as_of=AS_OF)),
        ("timeliness_by_unit", lambda: timeliness_by_unit(as_of=AS_OF)),
        ("overdue_list", lambda: overdue_list(as_of=AS_OF)),
        ("reminders_send (all already sent)", lambda: reminders_send(as_of=AS_OF)),
    ]:
        r = measure(call, args.runs)
        print(f"  {name:<45} {r['median']:8.0f} ms (min {r['min']:.0f}, max {r['max']:.0f}); "
              f"{r['queries']} queries; peak {r['peak_mib']:.1f} MiB")


if __name__ == "__main__":
    main()
