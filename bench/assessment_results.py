"""Benchmark: a round's results page with 40 units (25 departments, 15 towns) on the demo scheme.

Builds the round in a throwaway SQLite file through the services (every item filled, reviewed,
approved: the result frozen), then renders `assessments:round_results` with the Django test client
(in process: server time — middleware, queries, template) as the leader, and prints median / min /
max of the runs, the median CPU time, the number of queries and the page size. Also measured: the
same page while the office reviews (the provisional result computed by the engine on each request),
a unit's score breakdown, and the results bulletin (.docx).

    .venv/bin/python bench/assessment_results.py [--runs 25]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="qg-bench-assess-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{_tmp.name}/bench.sqlite3"
os.environ["QUALITYGOV_VAR_DIR"] = _tmp.name
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from qualitygov.accounts.choices import OrgUnitKind, Role  # noqa: E402
from qualitygov.accounts.services import org_unit_create, user_create  # noqa: E402
from qualitygov.assessments import services_rounds as S  # noqa: E402
from qualitygov.assessments.demo import _auto, _self  # noqa: E402
from qualitygov.assessments.models import ItemEntry  # noqa: E402
from qualitygov.assessments.services import scheme_import, scheme_publish  # noqa: E402

SCHEME = ROOT / "qualitygov" / "assessments" / "data" / "member-units-2026.json"


def build():
    root = org_unit_create(actor=None, name="舟山市普陀区", kind=OrgUnitKind.DISTRICT)
    office = user_create(actor=None, username="office", password="Bench-password-2026", unit=root,
                         grants=[(Role.OFFICE_ADMIN, root, True)])
    leader = user_create(actor=None, username="leader", password="Bench-password-2026", unit=root,
                         grants=[(Role.LEADER, root, True)])
    units = [org_unit_create(actor=None, name=f"基准部门{i:02d}", kind=OrgUnitKind.DEPARTMENT, parent=root)
             for i in range(25)]
    units += [org_unit_create(actor=None, name=f"基准镇{i:02d}", kind=OrgUnitKind.TOWN, parent=root) for i in range(15)]
    scheme = scheme_publish(actor=office, scheme=scheme_import(actor=office, text=SCHEME.read_text(encoding="utf-8"),
                                                               year=2026))
    round_ = S.round_create(actor=office, scheme=scheme, year=2026, title="基准考核", units=units,
                            self_due=dt.date(2026, 12, 10), review_due=dt.date(2026, 12, 20),
                            approval_due=dt.date(2026, 12, 25), publish_on=dt.date(2026, 12, 30),
                            objection_until=dt.date(2027, 1, 6))
    S.round_transition(actor=office, round_=round_, name="open")
    for i, ru in enumerate(round_.units.order_by("pk")):
        for code, value in _auto(i).items():
            S.round_inputs_set(actor=office, round_unit=ru, code=code, value=value,
                               records=[{"label": "基准记录", "url": ""}])
        for code, value in _self(i).items():
            S.entry_self_save(actor=office, entry=ItemEntry.objects.get(round_unit=ru, kind="leaf", code=code),
                              value=value, note="基准")
        S.sheet_submit(actor=office, round_unit=ru)
    S.round_transition(actor=office, round_=round_, name="start_review")
    for i, ru in enumerate(round_.units.order_by("pk")):
        S.entry_override(actor=office, entry=ItemEntry.objects.get(round_unit=ru, kind="leaf", code="E1"),
                         value={"score": 6 + i % 5}, reason="基准")
    return office, leader, round_


def measure(client: Client, url: str, runs: int) -> dict:
    client.get(url)  # warm caches
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    return {"median": statistics.median(times), "cpu": statistics.median(cpu), "min": min(times),
            "max": max(times), "queries": len(queries), "bytes": len(response.content)}


def show(label: str, m: dict) -> None:
    print(f"  {label:<44} median {m['median']:6.1f} ms  (min {m['min']:.1f}, max {m['max']:.1f}; "
          f"CPU {m['cpu']:.1f})  queries {m['queries']}  {m['bytes'] / 1024:.0f} KiB out")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    office, leader, round_ = build()
    print(f"assessment results, 40 units, {connection.vendor}, {args.runs} runs each, Python "
          f"{sys.version.split()[0]} (built in {time.perf_counter() - started:.1f} s)")
    office_client, leader_client = Client(), Client()
    office_client.force_login(office)
    leader_client.force_login(leader)
    results = reverse("assessments:round_results", args=[round_.pk])
    show("results page, office review (computed live)", measure(office_client, results, args.runs))
    S.round_transition(actor=office, round_=round_, name="submit")
    S.round_approve(actor=leader, round_=round_)
    show("results page, approved (frozen), leader", measure(leader_client, results, args.runs))
    S.round_transition(actor=office, round_=round_, name="publish")
    show("results page, published, leader", measure(leader_client, results, args.runs))
    one = round_.units.order_by("pk").first()
    show("a unit's score breakdown", measure(leader_client, reverse("assessments:sheet_result", args=[one.pk]),
                                             args.runs))
    show("results bulletin (.docx)", measure(leader_client, reverse("assessments:round_bulletin", args=[round_.pk]),
                                             max(5, args.runs // 5)))


if __name__ == "__main__":
    main()
