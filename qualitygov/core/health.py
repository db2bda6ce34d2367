"""The platform's health as a load balancer or monitor reads it (`/healthz`).

Three checks, each a dict with its `status` ("ok", "degraded" or "down"):
- `database`: one trivial query, with its latency in milliseconds;
- `cache`: a key set and read back;
- `jobs`: for each registered daily job (`core.registry.DailyJob`), the age in hours of its newest
  run event; older than the job's limit, or never run, is degraded. Under `queue`, the queue lag:
  how long the oldest background job that is due has waited for a worker (`core.worker`), degraded
  past QUALITYGOV_JOBS_MAX_LAG_SECONDS (no worker running, or too few).
The overall status is the worst of the three; only a database that does not answer makes it "down". Nothing here reveals settings, secrets or counts of
business data.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone

from .models import AuditEvent
from .registry import daily_jobs
from .worker import queue_lag_seconds

OK, DEGRADED, DOWN = "ok", "degraded", "down"
_RANK = {OK: 0, DEGRADED: 1, DOWN: 2}


def check_database() -> dict[str, Any]:
    """`{"status": "ok", "latency_ms": …}`, or down with the error's class name."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"status": DOWN, "error": type(error).__name__}
    return {"status": OK, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def check_cache() -> dict[str, Any]:
    """A fresh value set under a health key and read back; degraded when it does not come back."""
    key, value = "qualitygov:healthz", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=30)
        ok = cache.get(key) == value
    except Exception as error:  # any cache backend failure is a failed check
        return {"status": DEGRADED, "error": type(error).__name__}
    return {"status": OK} if ok else {"status": DEGRADED, "error": "value not read back"}


def check_jobs(*, now=None) -> dict[str, Any]:
    """Age in hours of each daily job's newest run; degraded when one is too old or never ran."""
    now = now or timezone.now()
    jobs = daily_jobs()
    try:
        # Job events carry no unit; this reads the time of the newest run only, no business data.
        latest = dict(AuditEvent.objects.filter(action__in=[job.event for job in jobs])
                      .order_by().values("action").annotate(at=Max("at")).values_list("action", "at"))
    except DatabaseError as error:  # the database answers (checked first) but not this read
        return {"status": DEGRADED, "error": type(error).__name__}
    out: dict[str, Any] = {}
    for job in jobs:
        at = latest.get(str(job.event))
        if at is None:
            out[job.key] = {"status": DEGRADED, "last_run": None, "age_hours": None, "note": "never run"}
            continue
        age = round((now - at).total_seconds() / 3600, 1)
        out[job.key] = {"status": OK if age <= job.max_age_hours else DEGRADED, "last_run": at.isoformat(),
                        "age_hours": age, "max_age_hours": job.max_age_hours}
    queue = check_queue(now=now)
    return {"status": worst([*(entry["status"] for entry in out.values()), queue["status"]]), "jobs": out,
            "queue": queue}


def check_queue(*, now=None) -> dict[str, Any]:
    """The oldest due job's wait in seconds (None: nothing waits); degraded past the limit. No counts."""
    limit = settings.QUALITYGOV_JOBS_MAX_LAG_SECONDS
    try:
        lag = queue_lag_seconds(now=now)
    except DatabaseError as error:
        return {"status": DEGRADED, "error": type(error).__name__}
    return {"status": OK if lag is None or lag <= limit else DEGRADED, "oldest_wait_seconds": lag,
            "max_wait_seconds": limit}


def worst(statuses) -> str:
    return max(statuses, key=_RANK.__getitem__, default=OK)


def health() -> dict[str, Any]:
    """`{"status": …, "checks": {"database": …, "cache": …, "jobs": …}}`; jobs are skipped when the
    database is down (they read it)."""
    database = check_database()
    jobs = check_jobs() if database["status"] == OK else {"status": DOWN, "error": "database unavailable"}
    checks = {"database": database, "cache": check_cache(), "jobs": jobs}
    return {"status": worst(check["status"] for check in checks.values()), "checks": checks}
