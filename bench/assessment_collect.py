"""Benchmark: the automatic inputs (`assessments.inputs.collect_units`) and scoring for 10, 20 and 40 units
over a year of demo-scale records.

Builds a throwaway database (SQLite in a temporary directory, or a fresh PostgreSQL database when
--postgres URL is given, dropped afterwards): the test cast plus 37 more units (40 departments and
towns), one plan with 20 tasks, 8 work items per unit (320, each with a co unit), 12 monthly cycles of
2026 opened through `cycle_open` (3,840 reports and 3,840 co-unit parts, filed on time, late or not at
all at random), about 2,000 escalation events, 5 findings per unit (some closed late, some reopened),
and 60 quarterly indicators led by the units with a year of approved values. Then, for the first 10,
20 and 40 units, collects the demo scheme's automatic inputs as of 2027-01-10 and scores the document
with the engine. Prints the median of --runs runs, the query count and the peak Python memory
(tracemalloc) of one collection. Target: seconds; queries constant in the number of units.

    .venv/bin/python bench/assessment_collect.py [--runs 5] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
    [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from benchdb import prepare_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2027, 1, 10)
UNITS = 40
ITEMS_PER_UNIT = 8


def _at(day: dt.date):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _build() -> tuple[list, dict[str, int]]:
    from django.db import transaction

    from qualitygov.accounts.choices import OrgUnitKind
    from qualitygov.accounts.services import org_unit_create
    from qualitygov.accounts.testing import build_cast
    from qualitygov.core.audit import audit_record
    from qualitygov.indicators.models import Indicator, IndicatorResponsibility, Observation, ReportingPeriod
    from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory
    from qualitygov.progress import events as progress_events
    from qualitygov.progress.models import (
        EscalationEvent,
        Finding,
        ProgressReport,
        ReportPart,
        WorkItem,
        WorkItemLight,
        WorkItemUnit,
    )
    from qualitygov.progress.services import cycle_create, cycle_open

    rng = random.Random(2026)
    cast = build_cast()
    units = [cast.dept_a, cast.dept_b, cast.town]
    for i in range(UNITS - 3):
        kind = OrgUnitKind.DEPARTMENT if i < 25 else OrgUnitKind.TOWN
        units.append(org_unit_create(actor=None, name=f"基准测试单位{i:02d}", kind=kind, parent=cast.district,
                                     short_name=f"单位{i:02d}"))
    plan = plan_factory()
    group = group_factory(plan=plan, number="一", title="基准任务组")
    tasks = [task_factory(plan=plan, group=group, lead=[units[i % len(units)]]) for i in range(20)]
    items = WorkItem.objects.bulk_create([
        WorkItem(task=tasks[i % 20], lead_unit=units[i % len(units)], title=f"基准工作事项{i:03d}",
                 start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 3 + i % 10, 28), order=i)
        for i in range(UNITS * ITEMS_PER_UNIT)])
    WorkItemUnit.objects.bulk_create([WorkItemUnit(work_item=item, unit=units[(k + 1) % len(units)])
                                      for k, item in enumerate(items)])
    WorkItemLight.objects.bulk_create([WorkItemLight(work_item=item, light=rng.choice(["green", "green", "yellow", "red"]),
                                                     as_of=dt.date(2026, 12, 31)) for item in items])
    for month in range(1, 13):
        start = dt.date(2026, month, 1)
        end = dt.date(2026 + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        cycle = cycle_create(actor=None, plan=plan, frequency="monthly", period_start=start, period_end=end,
                             due_date=start.replace(day=25))
        cycle_open(actor=None, cycle=cycle)
    for i, item in enumerate(items):  # completed after the cycles opened, a third of them late
        if i % 3:
            item.completed_on, item.status = dt.date(2026, 3 + i % 10, 18 + i % 12), "completed"
    WorkItem.objects.bulk_update(items, ["completed_on", "status"], batch_size=500)
    reports = list(ProgressReport.objects.all())
    for report in reports:
        roll = rng.random()
        if roll < 0.9:
            late = roll > 0.75
            report.submitted_at = _at(report.due_date + dt.timedelta(days=rng.randint(1, 9) if late else -2))
            report.submitted_late, report.status = late, "submitted"
    ProgressReport.objects.bulk_update(reports, ["submitted_at", "submitted_late", "status"], batch_size=500)
    parts = list(ReportPart.objects.select_related("report"))
    for part in parts:
        if rng.random() < 0.9:
            part.submitted_at = _at(part.report.due_date + dt.timedelta(days=rng.choice([-3, -1, 2])))
            part.status = "submitted"
    ReportPart.objects.bulk_update(parts, ["submitted_at", "status"], batch_size=500)
    levels = ["reminder", "yellow", "red", "supervised"]
    EscalationEvent.objects.bulk_create([
        EscalationEvent(work_item_id=r.work_item_id, report=r, unit_id=r.unit_id, level=levels[k % 4],
                        at=_at(r.due_date + dt.timedelta(days=3)), on_date=r.due_date + dt.timedelta(days=3),
                        due_date=r.due_date, days_overdue=3, dedup_key=f"bench-{k}")
        for k, r in enumerate(rng.sample(reports, min(2000, len(reports))))], batch_size=500)
    findings = Finding.objects.bulk_create([
        Finding(source="office_supervision", title=f"基准督查问题{k}", unit=unit, found_on=dt.date(2026, 3, 1),
                deadline=dt.date(2026, 4 + k, 15), status="closed" if k % 2 else "rectifying",
                closed_at=_at(dt.date(2026, 4 + k, 10 + 10 * (k % 3))) if k % 2 else None)
        for unit in units for k in range(5)])
    for finding in findings[::7]:
        with transaction.atomic():
            audit_record(actor=None, action=progress_events.FINDING_REOPEN, obj=finding, unit=finding.unit,
                         changes={"status": ["closed", "rectifying"]})
    indicators = []
    for k in range(60):
        indicators.append(plan.indicators.create(code=f"B{k:02d}", name=f"基准指标{k:02d}", unit="%",
                                                 comparator=[">=", "<=", "about", "="][k % 4],
                                                 target_value=Decimal(90 + k % 10), target_year=2027,
                                                 baseline_year=2022, baseline_value=Decimal(85 + k % 7),
                                                 scope="goals", order=k, frequency="quarterly"))
    IndicatorResponsibility.objects.bulk_create([
        IndicatorResponsibility(indicator=ind, unit=units[k % len(units)], role="lead")
        for k, ind in enumerate(indicators)])
    periods = ReportingPeriod.objects.bulk_create([
        ReportingPeriod(indicator=ind, label=f"2026年第{q}季度", start=dt.date(2026, 3 * q - 2, 1),
                        end=dt.date(2026, 3 * q, 28), due_date=dt.date(2026, 3 * q, 28) + dt.timedelta(days=15))
        for ind in indicators for q in range(1, 5)])
    unit_of = {ind.pk: units[k % len(units)] for k, ind in enumerate(indicators)}
    Observation.objects.bulk_create([
        Observation(indicator_id=p.indicator_id, period=p, unit=unit_of[p.indicator_id],
                    value=Decimal(str(round(rng.uniform(80, 100), 2))), status="approved",
                    first_submitted_at=_at(p.due_date - dt.timedelta(days=rng.choice([-3, 2]))),
                    submitted_at=_at(p.due_date), approved_at=_at(p.due_date))
        for p in periods if rng.random() < 0.9], batch_size=500)
    assert Indicator.objects.count() == 60
    counts = {"units": len(units), "work items": len(items), "reports": len(reports), "parts": len(parts),
              "escalations": EscalationEvent.objects.count(), "findings": len(findings),
              "indicator values": Observation.objects.count()}
    return units, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--append", default="")
    args = parser.parse_args()
    engine, cleanup = prepare_database(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qualitygov.assessments.engine import assess
    from qualitygov.assessments.engine.io import parse_json
    from qualitygov.assessments.inputs import collect_units

    scheme = parse_json((ROOT / "qualitygov/assessments/data/member-units-2026.json").read_text(encoding="utf-8"))
    rows = []
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        units, counts = _build()
        build_s = time.perf_counter() - started
        for n in (10, 20, 40):
            chosen = units[:n]
            collect_s, score_s = [], []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                result = collect_units(scheme=scheme, year=2026, units=chosen, as_of=AS_OF)
                t1 = time.perf_counter()
                filled = {**result.document, "units": [
                    {**u, "inputs": {c: ({"score": 8} if c == "E1" else {"option": "基本完成"} if c == "B2"
                                         else {"present": ["分管领导", "联络员"]} if c == "D1"
                                         else {"done": True} if c == "D2" else v)
                                     for c, v in u["inputs"].items()}} for u in result.document["units"]]}
                assess(scheme, filled)
                t2 = time.perf_counter()
                collect_s.append(t1 - t0)
                score_s.append(t2 - t1)
            with CaptureQueriesContext(connection) as queries:
                collect_units(scheme=scheme, year=2026, units=chosen, as_of=AS_OF)
            tracemalloc.start()
            collect_units(scheme=scheme, year=2026, units=chosen, as_of=AS_OF)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows.append((n, statistics.median(collect_s), min(collect_s), max(collect_s), statistics.median(score_s),
                         len(queries), peak / 2**20))
    finally:
        cleanup()

    lines = [
        f"### Assessment automatic inputs ({engine}) — {dt.date.today().isoformat()}",
        "",
        f"`bench/assessment_collect.py --runs {args.runs}`; {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.machine()}. A year of records: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + f"; the demo scheme's automatic leaves, as of {AS_OF.isoformat()} (building the data took "
        f"{build_s:.0f} s, not measured). Scoring fills the manual leaves and runs the engine.",
        "",
        "| units | collect, median (min–max) | score | queries | peak Python memory |",
        "|---:|---:|---:|---:|---:|",
        *(f"| {n} | {med * 1000:.0f} ms ({lo * 1000:.0f}–{hi * 1000:.0f}) | {sc * 1000:.0f} ms | {q} | {mb:.1f} MiB |"
          for n, med, lo, hi, sc, q, mb in rows),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.append:
        path = Path(args.append)
        existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
        path.write_text(existing.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
