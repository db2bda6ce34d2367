"""`qualitygov worker`: the django-q2 cluster started as an operator would (a separate process on its
own database, SQLite or PostgreSQL as the suite runs) runs a queued job to the end; and the daily jobs
(core.registry.DailyJob) run from the worker's schedule as background jobs, which /healthz then sees."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_q.models import Schedule

from qualitygov.core import health
from qualitygov.core.choices import JobKind, JobStatus
from qualitygov.core.models import AuditEvent, JobRun
from qualitygov.core.registry import daily_jobs
from qualitygov.core.worker import schedules_sync

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)

ENQUEUE = """
import django
django.setup()
from qualitygov.core.jobs import job_enqueue
job = job_enqueue(actor=None, kind="other", func_path="qualitygov.core.tests.jobfuncs.count_to", kwargs={"n": 3},
                  label="集群中运行")
print(job.pk)
"""


@pytest.fixture
def instance(tmp_path):
    """The environment of a separate installation: its own empty database and var folder, and a way
    to read its job table (`read(sql)`) without Django."""
    var = tmp_path / "instance"
    var.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings.base",
           "QUALITYGOV_VAR_DIR": str(var), "QUALITYGOV_JOBS_WORKERS": "1", "QUALITYGOV_AUDIT_KEY": ""}
    for name in ("QUALITYGOV_AUDIT_KEY_FILE", "QUALITYGOV_JOBS_REDIS_URL"):
        env.pop(name, None)
    if connection.vendor == "sqlite":
        path = var / "qualitygov.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"

        def read(sql: str) -> list[tuple]:
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield env, read
        return
    import psycopg

    db = connection.settings_dict
    dbname = f"{db['NAME']}_worker"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"] or None,
              "password": db["PASSWORD"] or None}

    def admin(sql: str) -> None:
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def read(sql: str) -> list[tuple]:
        with psycopg.connect(**params, dbname=dbname) as conn:
            return conn.execute(sql).fetchall()

    admin(f'DROP DATABASE IF EXISTS "{dbname}"')
    admin(f'CREATE DATABASE "{dbname}"')
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
    env["DATABASE_URL"] = f"postgres://{auth}{params['host']}:{params['port']}/{dbname}"
    yield env, read
    admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def _run(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)


def test_the_cluster_in_its_own_process_runs_a_queued_job(instance):
    env, read = instance
    migrated = _run(env, "-m", "qualitygov.cli", "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    queued = _run(env, "-c", ENQUEUE)
    assert queued.returncode == 0, queued.stderr
    job_id = int(queued.stdout.strip().splitlines()[-1])
    assert read(f"SELECT status, attempts FROM core_jobrun WHERE id = {job_id}") == [("queued", 0)]

    worker = subprocess.Popen([sys.executable, "-m", "qualitygov.cli", "worker"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Wait for the outcome, not for a time: poll until the job has finished (bounded for safety).
        for _ in range(240):
            row = read(f"SELECT status FROM core_jobrun WHERE id = {job_id}")[0][0]
            if row in ("succeeded", "failed"):
                break
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=120)
    assert "Queue 'qualitygov' on the database; daily jobs scheduled: qualitygov-daily:indicators.remind, " \
           "qualitygov-daily:progress.daily, qualitygov-daily:summaries.daily, qualitygov-daily:portal.rules." in out, err
    assert read(f"SELECT status, attempts, progress_done, progress_total, error FROM core_jobrun WHERE id = {job_id}"
                ) == [("succeeded", 1, 3, 3, "")]
    assert read("SELECT count(*) FROM django_q_ormq") == [(0,)]
    assert sorted(read("SELECT name FROM django_q_schedule")) == [
        ("qualitygov-daily:indicators.remind",), ("qualitygov-daily:portal.rules",),
        ("qualitygov-daily:progress.daily",), ("qualitygov-daily:summaries.daily",)]


def test_the_daily_jobs_run_from_the_worker_schedule(cast, client):
    assert schedules_sync() == ["qualitygov-daily:indicators.remind", "qualitygov-daily:progress.daily",
                                "qualitygov-daily:summaries.daily", "qualitygov-daily:portal.rules"]
    schedules = {s.name: s for s in Schedule.objects.all()}
    at = timezone.localtime(schedules["qualitygov-daily:progress.daily"].next_run)
    assert (at.hour, at.minute, schedules["qualitygov-daily:progress.daily"].schedule_type) == (2, 0, Schedule.DAILY)
    assert schedules_sync() == list(schedules)  # again: the same four, nothing doubled
    assert Schedule.objects.count() == 4
    assert health.check_jobs()["status"] == "degraded"  # never ran

    # 02:00 comes (the schedules are moved back a day, to the last 02:00, instead of waiting).
    planned = {s.name: s.next_run for s in Schedule.objects.all()}
    Schedule.objects.update(next_run=F("next_run") - dt.timedelta(days=1))
    out = io.StringIO()
    call_command("worker", "--burst", stdout=out)
    assert "Tasks run: 8." in out.getvalue()  # four schedules, each starting one job
    jobs = list(JobRun.objects.order_by("label").values_list("kind", "label", "status", "actor", "func_path"))
    assert jobs == [
        (JobKind.DAILY, "任务推进：报送周期、督办升级与红黄绿灯", JobStatus.SUCCEEDED, None,
         "qualitygov.progress.jobs.progress_daily_job"),
        (JobKind.DAILY, "信息公开：按规则发布", JobStatus.SUCCEEDED, None, "qualitygov.portal.jobs.rules_daily_job"),
        (JobKind.DAILY, "工作总结：催报和逾期单位", JobStatus.SUCCEEDED, None,
         "qualitygov.summaries.chase.summaries_daily_job"),
        (JobKind.DAILY, "指标重算与填报提醒", JobStatus.SUCCEEDED, None, "qualitygov.indicators.jobs.nightly_job"),
    ]
    assert {job.event for job in daily_jobs()} <= set(AuditEvent.objects.values_list("action", flat=True))
    result = health.check_jobs()
    assert result["status"] == "ok"
    assert result["queue"] == {"status": "ok", "oldest_wait_seconds": None, "max_wait_seconds": 600}
    # Each is due again at the next 02:00.
    assert {s.name: s.next_run for s in Schedule.objects.all()} == planned
    # The office sees the system's jobs; a liaison does not.
    client.force_login(cast.office)
    assert "指标重算与填报提醒" in client.get("/jobs/").content.decode()
    client.force_login(cast.liaison_a)
    assert "指标重算与填报提醒" not in client.get("/jobs/").content.decode()


def test_the_worker_is_an_operator_command():
    from qualitygov.cli import _help

    assert "  worker " in _help()
