"""Benchmark: GET /api/v1/audit-events/ (a page of 50) over 1,000 and 10,000 audit events.

Builds a throwaway database (SQLite in a temporary directory, or a fresh PostgreSQL database when
--postgres URL is given and dropped afterwards), loads the test cast, appends a valid hash chain of
synthetic events, then prints, for each size, the median in-process server time of the API page
over --runs requests, its query count, the audit page (/audit/) median, and the time of a full
`audit_verify`. Peak resident memory is printed at the end. Target: API median < 150 ms.

    .venv/bin/python bench/audit_api.py [--runs 25] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
    [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

from benchdb import prepare_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _append_events(total: int, cast) -> None:
    """Extend the chain to `total` events with valid hashes (bulk insert, as a long-running site would have)."""
    from django.db import transaction
    from django.utils import timezone

    from qualitygov.core.audit import compute_hash
    from qualitygov.core.models import AuditEvent, AuditHead

    units = [cast.district, cast.office_unit, cast.dept_a, cast.dept_b, cast.town]
    actors = [cast.office, cast.liaison_a, cast.liaison_b, cast.town_liaison]
    actions = ["user.update", "grant.create", "org_unit.update", "plan.update", "report.submit"]
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(pk=1)
        seq, prev = head.last_seq, head.last_hash
        start = timezone.now() - dt.timedelta(days=365)
        batch = []
        while seq < total:
            seq += 1
            unit, actor = units[seq % len(units)], actors[seq % len(actors)]
            event = AuditEvent(
                seq=seq, at=start + dt.timedelta(minutes=seq), actor=actor, actor_repr=actor.username,
                unit_ref=unit.pk, unit_repr=unit.name, object_type="accounts.user", object_id=str(actor.pk),
                object_repr=str(actor), action=actions[seq % len(actions)],
                changes={"phone": [f"1380000{seq:04d}", f"1390000{seq:04d}"], "display_name": ["甲", "乙"]},
                request_id=f"bench-{seq:08d}", prev_hash=prev,
            )
            event.hash = compute_hash(event)
            prev = event.hash
            batch.append(event)
            if len(batch) == 2000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)


def _measure(client, url: str, runs: int) -> tuple[float, int, int]:
    """(median ms, query count, status) of GET `url` after three warm-up requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(times), len(queries), response.status_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--postgres", default="", help="server URL to create a throwaway database on")
    parser.add_argument("--append", default="", help="append the figures as a Markdown section to this file")
    args = parser.parse_args()

    engine, cleanup = prepare_database(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from qualitygov.accounts.testing import build_cast
    from qualitygov.core.audit import audit_verify

    rows = []
    try:
        call_command("migrate", verbosity=0)
        cast = build_cast()
        client = Client()
        client.force_login(cast.office)
        for size in [int(s) for s in args.sizes.split(",")]:
            _append_events(size, cast)
            api_ms, api_queries, api_status = _measure(client, "/api/v1/audit-events/", args.runs)
            page_ms, page_queries, page_status = _measure(client, "/audit/", args.runs)
            assert (api_status, page_status) == (200, 200), (api_status, page_status)
            started = time.perf_counter()
            result = audit_verify()
            verify_ms = (time.perf_counter() - started) * 1000
            assert result.ok and result.checked == size, result
            rows.append((size, api_ms, api_queries, page_ms, page_queries, verify_ms))
    finally:
        cleanup()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"### Audit trail API ({engine}) — {dt.date.today().isoformat()}",
        "",
        f"`bench/audit_api.py --runs {args.runs}`; {os.cpu_count()} cores, Python {platform.python_version()}; "
        "in-process Django test client, signed in as the district office admin; median of "
        f"{args.runs} requests after 3 warm-ups. Target: API page < 150 ms, query count constant.",
        "",
        "| events | GET /api/v1/audit-events/ (50) median | queries | GET /audit/ (50) median | queries "
        "| audit_verify (whole chain) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, api_ms, api_q, page_ms, page_q, verify_ms in rows:
        lines.append(f"| {size:,} | {api_ms:.1f} ms | {api_q} | {page_ms:.1f} ms | {page_q} | {verify_ms:.0f} ms |")
    lines += ["", f"Peak resident memory of the benchmark process: {peak_mb:.0f} MB.", ""]
    text = "\n".join(lines)
    print(text)
    if args.append:
        path = Path(args.append)
        existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
        path.write_text(existing.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
