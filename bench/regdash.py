"""Benchmark: the regulatory dashboard (/regulation/dashboard/) at a district's year of data.

Builds a throwaway database (a temporary SQLite file, or the database DATABASE_URL names, migrated and
flushed — point it at a throwaway one): the test cast plus towns up to 10, then up to 30. Every tile's
measure key that no installed app registers gets a bench measure counting real rows
(`qualitygov.regdash.testing`: market entities by registration date and town, with a one-query
`by_town`); keys already registered (in the merged tree: the feeds and ledgers) keep their own
measures. Each town gets one row a day over 2025 and 2026 (two years, so the "same period last year"
comparison reads real rows). Requests go through the Django test client in process as the leader
(server time: middleware, queries, template) for this year to date, plus the .xlsx export. Prints
median / min / max of --runs runs and the query count of one request. Target: < 200 ms median, the
same query count at 10 and 30 towns.

    .venv/bin/python bench/regdash.py [--runs 15]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qg_regdash .venv/bin/python bench/regdash.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="qg-bench-regdash-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp.name}/bench.sqlite3")
os.environ["QUALITYGOV_VAR_DIR"] = _tmp.name
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from qualitygov.accounts.choices import OrgUnitKind  # noqa: E402
from qualitygov.accounts.services import org_unit_create  # noqa: E402
from qualitygov.accounts.testing import build_cast  # noqa: E402
from qualitygov.indicators.measures import registered_measures  # noqa: E402
from qualitygov.regdash.testing import (  # noqa: E402
    ABOVE_SCALE,
    ABOVE_SCALE_RATE,
    AGREED,
    CLOSED,
    COUNT,
    register_entity_measures,
)
from qualitygov.regdash.tiles import TILES  # noqa: E402
from qualitygov.registry.models import MarketEntity  # noqa: E402

YEARS = (2025, 2026)


def bench_measures() -> tuple[list[str], list[str]]:
    """Register a bench measure under every tile key nobody registered; (bench keys, app keys)."""
    registered = {m.key for m in registered_measures()}
    wanted = [key for tile in TILES for key in tile.measure_keys]
    kinds = (COUNT, ABOVE_SCALE, CLOSED)
    spec = {key: (ABOVE_SCALE_RATE if key.endswith(("_rate", "pass_rate")) else kinds[i % 3])
            for i, key in enumerate(wanted) if key not in registered}
    register_entity_measures(spec, unit={k: AGREED[k][1] for k in spec if k in AGREED},
                             labels={k: AGREED[k][0] for k in spec if k in AGREED})
    return sorted(spec), sorted(set(wanted) & registered)


def add_towns(cast, towns: list, upto: int) -> None:
    """Towns up to `upto`, each with one market entity registered a day over YEARS."""
    while len(towns) < upto:
        index = len(towns)
        town = cast.town if index == 0 else org_unit_create(
            actor=None, name=f"舟山市普陀区基准镇{index:02d}", kind=OrgUnitKind.TOWN, parent=cast.district,
            short_name=f"基准镇{index:02d}")
        towns.append(town)
        rows = []
        for year in YEARS:
            day = dt.date(year, 1, 1)
            while day.year == year:
                n = len(rows)
                rows.append(MarketEntity(uscc=f"9133{town.pk:04d}MA{n:08d}", name=f"基准企业{town.pk}-{n}",
                                         town=town, registered_on=day, above_scale=n % 4 != 0,
                                         is_active=n % 50 != 0))
                day += dt.timedelta(days=1)
        MarketEntity.objects.bulk_create(rows, batch_size=1000)


def measure(client: Client, url: str, params: dict, runs: int) -> dict:
    client.get(url, params)  # warm: session, translations, templates
    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, p, many, context: (
            queries.append(sql), execute(sql, p, many, context))[1]):
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "queries": len(queries)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    cast = build_cast()
    mine, theirs = bench_measures()
    leader = Client()
    leader.force_login(cast.leader)
    url = reverse("regdash:dashboard")
    print(f"regulatory dashboard, {connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
          f", {platform.machine()} {os.cpu_count()} cores, {args.runs} runs, {dt.date.today()}")
    print(f"  bench measures ({len(mine)}): {', '.join(mine) or '-'}")
    print(f"  measures of the installed apps ({len(theirs)}): {', '.join(theirs) or '-'}")
    towns: list = []
    for upto in (10, 30):
        add_towns(cast, towns, upto)
        print(f"  {upto} towns, {MarketEntity.objects.count():,} rows")
        for label, params in (("page", {}), ("xlsx", {"format": "xlsx"})):
            m = measure(leader, url, params, args.runs)
            print(f"    {label:5s} median {m['median']:6.1f} ms (min {m['min']:.1f}, max {m['max']:.1f}), "
                  f"{m['queries']} queries")


if __name__ == "__main__":
    main()
