"""Shared setup of the indicator benchmarks: a throwaway database and a district of 30 units.

Imported first by bench/indicators_dashboard.py and bench/indicators_upload.py. Without
DATABASE_URL a temporary SQLite file is used; with it (PostgreSQL) the database is migrated and
flushed, so point it at a throwaway database.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="qg-bench-indicators-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp.name}/bench.sqlite3")
os.environ["QUALITYGOV_VAR_DIR"] = _tmp.name
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from qualitygov.accounts.choices import OrgUnitKind  # noqa: E402
from qualitygov.accounts.services import org_unit_create  # noqa: E402
from qualitygov.accounts.testing import build_cast  # noqa: E402
from qualitygov.indicators.models import (  # noqa: E402
    Indicator,
    IndicatorResponsibility,
    Observation,
    ReportingPeriod,
)
from qualitygov.plans.tests.factories import plan_factory  # noqa: E402


def fresh_database():
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    cast = build_cast()
    units = [cast.dept_a, cast.dept_b, cast.town, cast.office_unit]
    for i in range(30 - len(units)):
        units.append(org_unit_create(actor=None, name=f"舟山市普陀区基准部门{i + 1:02d}", kind=OrgUnitKind.DEPARTMENT,
                                     parent=cast.district, short_name=f"基准部门{i + 1:02d}"))
    return cast, units


def months(first_year: int, count: int) -> list[tuple[str, dt.date, dt.date]]:
    out = []
    for n in range(count):
        year, month = first_year + n // 12, n % 12 + 1
        end = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        out.append((f"{year}-{month:02d}", dt.date(year, month, 1), end))
    return out


@transaction.atomic
def build_indicators(*, cast, units, n: int, periods: int, units_per_indicator: int, approved_upto: int,
                     first_year: int = 2022, title: str = "基准方案") -> list[Indicator]:
    """`n` monthly percentage indicators, each with `units_per_indicator` responsible units (rotating over
    `units`), `periods` monthly periods from `first_year`, and approved values for the first
    `approved_upto` periods of every responsible unit."""
    plan = plan_factory(title=f"{title}（{n}项指标）")
    indicators = Indicator.objects.bulk_create([
        Indicator(plan=plan, code=f"B{i:03d}", name=f"基准指标{i:03d}合格率", unit="%", comparator=">=",
                  target_value=Decimal(98), target_year=first_year + periods // 12, scope="goals" if i % 2 else "task",
                  baseline_year=first_year - 1, baseline_value=Decimal(90), frequency="monthly", order=i)
        for i in range(n)])
    IndicatorResponsibility.objects.bulk_create([
        IndicatorResponsibility(indicator=ind, unit=units[(i + k) % len(units)], role="lead" if k == 0 else "co")
        for i, ind in enumerate(indicators) for k in range(units_per_indicator)])
    spans = months(first_year, periods)
    ReportingPeriod.objects.bulk_create([
        ReportingPeriod(indicator=ind, label=label, start=start, end=end, due_date=end + dt.timedelta(days=15))
        for ind in indicators for label, start, end in spans])
    period_ids = {(p.indicator_id, p.label): p.pk for p in ReportingPeriod.objects.filter(indicator__plan=plan)}
    batch = []
    for i, ind in enumerate(indicators):
        for k in range(units_per_indicator):
            unit = units[(i + k) % len(units)]
            for n_period, (label, _s, _e) in enumerate(spans[:approved_upto]):
                value = Decimal(90) + Decimal(n_period) / 10 + Decimal(k) / 100
                batch.append(Observation(indicator=ind, period_id=period_ids[(ind.pk, label)], unit=unit,
                                         value=value, first_submitted_value=value, status="approved"))
        if len(batch) > 20000:
            Observation.objects.bulk_create(batch)
            batch = []
    Observation.objects.bulk_create(batch)
    return indicators


def measure(call, runs: int) -> dict:
    """Median / min / max milliseconds of `call()`, its query count and peak traced Python memory."""
    call()  # warm caches: templates, translations, URL resolver
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (
            queries.append(sql), execute(sql, params, many, context))[1]):
        call()
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "queries": len(queries),
            "peak_mib": peak / 1048576}


def database_label() -> str:
    return connection.vendor + (f" {connection.pg_version // 10000}" if connection.vendor == "postgresql" else "")
