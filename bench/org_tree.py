"""Benchmark: the organisation tree page for the office admin at 100 and 1,000 units.

Builds the tree in a throwaway SQLite file (bulk inserts with correct materialised paths, one alias
per unit), then renders `accounts:org_tree` with the Django test client (in process, so the time is
server time: middleware, queries, template) and prints, per size: median / min / max of the runs
and the median CPU time of this process (less disturbed by other load on the machine),
the number of queries (must not grow with the tree) and the peak Python memory of one request.

    .venv/bin/python bench/org_tree.py [--runs 25]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="qg-bench-org-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"
os.environ["QUALITYGOV_VAR_DIR"] = _tmp.name
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from qualitygov.accounts.choices import OrgUnitKind, Role  # noqa: E402
from qualitygov.accounts.models import OrgUnit, OrgUnitAlias  # noqa: E402
from qualitygov.accounts.services import org_unit_create, user_create  # noqa: E402

KINDS = [OrgUnitKind.DEPARTMENT, OrgUnitKind.TOWN, OrgUnitKind.SUBDISTRICT, OrgUnitKind.OTHER]


@transaction.atomic
def grow_to(total: int, root: OrgUnit) -> None:
    """Add units under `root` until the tree has `total`: 40 first-level units, then sections under them."""
    have = OrgUnit.objects.count()
    level1 = list(OrgUnit.objects.filter(parent=root).order_by("pk"))
    n = have
    while n < total:
        if len(level1) < 40:
            parent = root
        else:
            parent = level1[(n - have) % len(level1)]
        unit = OrgUnit.objects.create(parent=parent, kind=KINDS[n % len(KINDS)], name=f"基准单位{n:05d}",
                                      short_name=f"单位{n:05d}", sort_order=n % 7)
        unit.path = parent.child_path(unit.pk)
        unit.depth = parent.depth + 1
        unit.save(update_fields=["path", "depth"])
        OrgUnitAlias.objects.create(unit=unit, name=f"基准别名{n:05d}")
        if parent is root:
            level1.append(unit)
        n += 1


def measure(client: Client, url: str, runs: int) -> dict:
    client.get(url)  # warm caches: templates, translations, URL resolver
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    tracemalloc.start()
    client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"median": statistics.median(times), "cpu": statistics.median(cpu), "min": min(times), "max": max(times), "queries": len(queries),
            "rows": len(response.context["units"]) if response.context else None, "peak_kib": peak / 1024,
            "bytes": len(response.content)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)
    root = org_unit_create(actor=None, name="舟山市普陀区", kind=OrgUnitKind.DISTRICT)
    admin = user_create(actor=None, username="office", password="Bench-password-2026", unit=root,
                        grants=[(Role.OFFICE_ADMIN, root, True)])
    client = Client()
    client.force_login(admin)
    print(f"org tree page, office admin, SQLite, {args.runs} runs each, Python {sys.version.split()[0]}")
    for size in (100, 1000):
        grow_to(size, root)
        for label, url in (("page", reverse("accounts:org_tree")),
                           ("page, q=基准别名0012", reverse("accounts:org_tree") + "?q=基准别名0012"),
                           ("xlsx export", reverse("accounts:org_export"))):
            m = measure(client, url, args.runs)
            print(f"  {size:>5} units  {label:<22} median {m['median']:6.1f} ms  (min {m['min']:.1f}, "
                  f"max {m['max']:.1f}; CPU {m['cpu']:.1f})  queries {m['queries']}  peak {m['peak_kib']:.0f} KiB  "
                  f"{m['bytes'] / 1024:.0f} KiB out")


if __name__ == "__main__":
    main()
