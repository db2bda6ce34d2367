"""`/healthz` (database, cache, job lag) and JSON logs that carry the request id."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone

from qualitygov.core import health
from qualitygov.core.audit import audit_record
from qualitygov.core.logs import JsonFormatter, RequestContextFilter
from qualitygov.core.registry import daily_jobs

URL = "/healthz"
JOB_KEYS = ["indicators.remind", "progress.daily", "summaries.daily", "portal.rules"]


def _run_jobs(at: dt.datetime) -> None:
    """One run event of every daily job, written at `at`."""
    with mock.patch("qualitygov.core.audit.timezone.now", return_value=at), transaction.atomic():
        for job in daily_jobs():
            audit_record(actor=None, action=job.event, object_type="core.job", object_id=job.key, object_repr=job.key)


def test_the_daily_jobs_are_registered():
    assert [job.key for job in daily_jobs()] == JOB_KEYS
    assert [str(job.event) for job in daily_jobs()] == ["indicators.remind", "progress.daily", "summaries.daily",
                                                         "portal_rules.run"]


@pytest.mark.django_db
def test_ok_when_every_job_ran_recently(client):
    _run_jobs(timezone.now() - dt.timedelta(hours=2))
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert list(body) == ["status", "checks"]
    assert list(body["checks"]) == ["database", "cache", "jobs"]
    assert set(body["checks"]["database"]) == {"status", "latency_ms"}
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"] == {"status": "ok"}
    jobs = body["checks"]["jobs"]
    assert jobs["status"] == "ok"
    assert list(jobs["jobs"]) == JOB_KEYS
    for entry in jobs["jobs"].values():
        assert set(entry) == {"status", "last_run", "age_hours", "max_age_hours"}
        assert entry["status"] == "ok"
        assert entry["age_hours"] == 2.0
        assert entry["max_age_hours"] == 26


@pytest.mark.django_db
def test_degraded_when_a_job_never_ran(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["jobs"] == {"status": "degraded", "jobs": {
        key: {"status": "degraded", "last_run": None, "age_hours": None, "note": "never run"} for key in JOB_KEYS},
        "queue": {"status": "ok", "oldest_wait_seconds": None, "max_wait_seconds": 600}}


@pytest.mark.django_db
def test_degraded_when_the_last_run_is_30_hours_old(client):
    ran = timezone.now() - dt.timedelta(hours=30)
    _run_jobs(ran)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    for entry in body["checks"]["jobs"]["jobs"].values():
        assert entry == {"status": "degraded", "last_run": ran.isoformat(), "age_hours": 30.0, "max_age_hours": 26}


@pytest.mark.django_db
@pytest.mark.django_db
def test_jobs_degraded_when_their_read_fails():
    with mock.patch.object(health.AuditEvent.objects, "filter", side_effect=OperationalError("no such table")):
        assert health.check_jobs() == {"status": "degraded", "error": "OperationalError"}


@pytest.mark.django_db
def test_a_job_older_than_its_limit_degrades_only_that_job():
    now = timezone.now()
    _run_jobs(now - dt.timedelta(hours=3))
    result = health.check_jobs(now=now + dt.timedelta(hours=23, minutes=30))
    assert result["status"] == "degraded"
    assert {key: entry["age_hours"] for key, entry in result["jobs"].items()} == dict.fromkeys(JOB_KEYS, 26.5)
    result = health.check_jobs(now=now + dt.timedelta(hours=22))
    assert result["status"] == "ok"


class _BrokenCursor:
    def __enter__(self):
        raise OperationalError("connection refused")

    def __exit__(self, *exc):
        return False


@pytest.mark.django_db
def test_503_when_the_database_is_down(client):
    # Fault injection: the health check's own cursor fails as it would with the server gone.
    with mock.patch.object(health.connection, "cursor", return_value=_BrokenCursor()):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {
        "database": {"status": "down", "error": "OperationalError"},
        "cache": {"status": "ok"},
        "jobs": {"status": "down", "error": "database unavailable"},
    }}


@pytest.mark.django_db
def test_degraded_when_the_cache_loses_the_value(client):
    _run_jobs(timezone.now())
    with mock.patch.object(health.cache, "get", return_value=None):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == {"status": "degraded", "error": "value not read back"}


def test_only_get():
    from django.test import Client

    assert Client().post(URL).status_code == 405


@pytest.mark.django_db
def test_a_json_log_line_carries_the_request_id_user_and_path(client, django_user_model, monkeypatch):
    from qualitygov.core import views

    user = django_user_model.objects.create_user("logger", password="x")
    client.force_login(user)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("qualitygov.test_health")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    real = health.health

    def logging_health():
        logger.warning("checking %s", "health")
        return real()

    monkeypatch.setattr(views.health, "health", logging_health)
    try:
        response = client.get(URL, headers={"X-Request-ID": "req-12345678"})
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "req-12345678"
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert set(inside) == {"time", "level", "logger", "message", "request_id", "user_id", "path"}
    assert (inside["level"], inside["logger"], inside["message"]) == ("WARNING", "qualitygov.test_health",
                                                                      "checking health")
    assert (inside["request_id"], inside["user_id"], inside["path"]) == ("req-12345678", user.pk, URL)
    # Outside a request: no user or path; the id is the local one audit events of this work got, if any.
    assert outside["request_id"] != "req-12345678"
    assert (outside["user_id"], outside["path"]) == (None, "")


def test_the_settings_pick_the_log_format():
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["filters"] == ["request_context"]
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "text"
    assert settings.LOGGING["formatters"]["json"] == {"()": "qualitygov.core.logs.JsonFormatter"}
