"""Background jobs through a real django-q2 worker (`qualitygov worker --burst`, in this process) on the
test database (SQLite or PostgreSQL) and on Redis: progress, retries with the final error, the jobs
page and its scoping, the retry service, and the queue lag of /healthz.

The worker closes stale database connections like the cluster does, so these tests commit
(`transaction=True`) instead of running inside one rolled-back transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
import redis
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Success
from django_q.tasks import async_task

from qualitygov.core import events, health
from qualitygov.core.choices import JobKind, JobStatus
from qualitygov.core.errors import ConflictError
from qualitygov.core.jobs import job_enqueue, job_retry
from qualitygov.core.models import AuditEvent, JobRun
from qualitygov.core.worker import EXECUTE, broker, queue_lag_seconds, run_burst

pytestmark = pytest.mark.django_db(transaction=True)
FUNCS = "qualitygov.core.tests.jobfuncs"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _burst() -> str:
    out = io.StringIO()
    call_command("worker", "--burst", stdout=out)
    return out.getvalue()


def _events(job: JobRun) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="core.jobrun", object_id=str(job.pk)).order_by("seq")
                .values_list("action", flat=True))


def _state(job: JobRun) -> tuple:
    job = JobRun.objects.get(pk=job.pk)
    return (job.status, job.attempts, job.error, job.progress_done, job.progress_total, job.run_after,
            job.result_file, AuditEvent.objects.count())


def test_a_job_runs_through_the_worker_and_its_progress_reaches_100(cast):
    job = job_enqueue(actor=cast.liaison_a, kind=JobKind.OTHER, func_path=f"{FUNCS}.count_to", kwargs={"n": 4},
                      label="数到四")
    assert (job.status, job.attempts, job.percent) == (JobStatus.QUEUED, 0, 0)
    assert OrmQ.objects.filter(key="qualitygov").count() == 1
    out = _burst()
    assert "Queue 'qualitygov' on the database" in out
    assert "Tasks run: 1." in out
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 1, "")
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)
    assert job.result == {"counted": 4, "actor": cast.liaison_a.username,
                          "seen": [[0, 4, 0], [1, 4, 25], [2, 4, 50], [3, 4, 75], [4, 4, 100]]}
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert _events(job) == [events.JOB_ENQUEUE, events.JOB_SUCCEED]
    assert OrmQ.objects.count() == 0  # acknowledged
    assert Success.objects.get().result == JobStatus.SUCCEEDED
    assert "Tasks run: 0." in _burst()  # a second run finds nothing to do


def test_a_failing_job_is_retried_then_failed_with_its_error_on_the_page(cast, client_for, settings):
    settings.QUALITYGOV_JOBS_BACKOFF_SECONDS = 0  # the retries are due at once
    job = job_enqueue(actor=cast.liaison_a, kind=JobKind.IMPORT, func_path=f"{FUNCS}.always_fails",
                      kwargs={"message": "数据源无法连接：超时"}, label="导入指标数据")
    assert "Tasks run: 3." in _burst()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.max_attempts) == (JobStatus.FAILED, 3, 3)
    assert job.error == "数据源无法连接：超时"
    assert (job.progress_done, job.progress_total) == (1, 4)
    assert _events(job) == [events.JOB_ENQUEUE, events.JOB_RETRY_SCHEDULE, events.JOB_RETRY_SCHEDULE,
                            events.JOB_FAIL]
    fail = AuditEvent.objects.get(action=events.JOB_FAIL)
    assert fail.changes == {"attempt": 3, "error": "数据源无法连接：超时"}
    # One-off retry schedules are gone once run; the daily jobs' schedules stay.
    assert sorted(Schedule.objects.values_list("name", flat=True)) == [
        "qualitygov-daily:indicators.remind", "qualitygov-daily:portal.rules", "qualitygov-daily:progress.daily",
        "qualitygov-daily:summaries.daily"]

    for member in ("liaison_a", "office"):
        page = client_for(member).get(reverse("core:job_detail", args=[job.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "数据源无法连接：超时" in text
        assert 'data-testid="job-retry"' in text
        assert 'data-status="failed"' in text
        assert 'data-testid="job-attempts">3 / 3<' in text
        assert "hx-trigger" not in text  # finished: nothing polls
        listing = client_for(member).get(reverse("core:job_list")).content.decode()
        assert "数据源无法连接：超时" in listing


def test_a_failure_waits_for_its_backoff_before_the_next_try(cast, settings):
    settings.QUALITYGOV_JOBS_BACKOFF_SECONDS = 60
    job = job_enqueue(actor=cast.office, kind=JobKind.OTHER, func_path=f"{FUNCS}.always_fails",
                      kwargs={"message": "坏了"}, label="会失败的任务")
    assert "Tasks run: 1." in _burst()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.QUEUED, 1, "坏了")
    retry = Schedule.objects.get(name__startswith="qualitygov-job-")
    assert retry.next_run == job.run_after
    assert job.run_after - job.started_at >= dt.timedelta(seconds=60)
    assert "Tasks run: 0." in _burst()  # not due yet
    assert JobRun.objects.get(pk=job.pk).attempts == 1
    # The minute passes (the schedule's time is moved instead of waiting).
    Schedule.objects.filter(pk=retry.pk).update(next_run=timezone.now() - dt.timedelta(seconds=1))
    assert "Tasks run: 1." in _burst()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 2)
    assert Schedule.objects.get(name__startswith="qualitygov-job-").next_run == job.run_after  # waits 120 s now
    assert job.run_after - job.started_at >= dt.timedelta(seconds=120)


def test_the_requester_starts_a_failed_job_again_audited(cast, client_for, settings, tmp_path):
    settings.QUALITYGOV_JOBS_BACKOFF_SECONDS = 0
    settings.QUALITYGOV_JOBS_MAX_ATTEMPTS = 1
    data = tmp_path / "数据.csv"
    job = job_enqueue(actor=cast.liaison_a, kind=JobKind.IMPORT, func_path=f"{FUNCS}.works_once_file_exists",
                      kwargs={"path": str(data)}, label="导入数据")
    _burst()
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "缺少数据文件：数据.csv")
    data.write_text("ok", encoding="utf-8")
    response = client_for("liaison_a").post(reverse("core:job_retry", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.QUEUED, 0, "")
    retried = AuditEvent.objects.get(action=events.JOB_RETRY)
    assert (retried.actor, retried.object_id) == (cast.liaison_a, str(job.pk))
    assert retried.changes == {"status": ["failed", "queued"], "error": "缺少数据文件：数据.csv"}
    assert "Tasks run: 1." in _burst()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (JobStatus.SUCCEEDED, 1, {"ok": True})
    # Only a failed job starts again.
    before = _state(job)
    response = client_for("liaison_a").post(reverse("core:job_retry", args=[job.pk]), follow=True)
    assert "只有失败的任务才能重新运行。" in response.content.decode()
    assert _state(job) == before
    with pytest.raises(ConflictError) as refused:
        job_retry(actor=cast.office, job=job)
    assert refused.value.code == "not_failed"
    assert _state(job) == before


def test_a_liaison_cannot_see_retry_or_download_anothers_job(cast, client_for, settings):
    settings.QUALITYGOV_JOBS_BACKOFF_SECONDS = 0
    settings.QUALITYGOV_JOBS_MAX_ATTEMPTS = 1
    mine = job_enqueue(actor=cast.liaison_a, kind=JobKind.OTHER, func_path=f"{FUNCS}.always_fails",
                       kwargs={"message": "甲单位的错误"}, label="甲单位的任务")
    _burst()
    theirs = job_enqueue(actor=cast.liaison_b, kind=JobKind.OTHER, func_path=f"{FUNCS}.count_to",
                         kwargs={"n": 1}, label="乙单位的任务")
    before = _state(mine)
    b = client_for("liaison_b")
    for name in ("core:job_detail", "core:job_progress", "core:job_download"):
        assert b.get(reverse(name, args=[mine.pk])).status_code == 404
    assert b.post(reverse("core:job_retry", args=[mine.pk])).status_code == 404
    assert b.get(reverse("core:job_detail", args=[999999])).status_code == 404
    assert _state(mine) == before
    listing = b.get(reverse("core:job_list")).content.decode()
    assert "乙单位的任务" in listing and "甲单位的任务" not in listing and "甲单位的错误" not in listing
    assert 'hx-trigger="every 2s"' in listing  # its own job is still queued: the rows poll
    rows = b.get(reverse("core:job_rows")).content.decode()
    assert "乙单位的任务" in rows and "甲单位的任务" not in rows
    office = client_for("office").get(reverse("core:job_list")).content.decode()
    assert "乙单位的任务" in office and "甲单位的任务" in office
    assert client_for("liaison_a").get(reverse("core:job_detail", args=[theirs.pk])).status_code == 404


def test_the_jobs_entry_is_in_the_office_navigation_only(cast, client_for):
    assert reverse("core:job_list") in client_for("office").get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:job_list")}"' not in \
        client_for("liaison_a").get(reverse("core:home")).content.decode()


def test_healthz_reports_the_queue_lag_without_counts(cast, client, settings):
    now = timezone.now()
    assert queue_lag_seconds(now=now) is None
    settings.QUALITYGOV_JOBS_REDIS_URL = ""
    job = job_enqueue(actor=cast.office, kind=JobKind.OTHER, func_path=f"{FUNCS}.count_to", kwargs={"n": 1},
                      label="等待中的任务")
    JobRun.objects.filter(pk=job.pk).update(run_after=now - dt.timedelta(minutes=20))
    assert health.check_queue(now=now) == {"status": "degraded", "oldest_wait_seconds": 1200.0,
                                           "max_wait_seconds": 600}
    assert health.check_queue(now=now - dt.timedelta(minutes=15)) == {
        "status": "ok", "oldest_wait_seconds": 300.0, "max_wait_seconds": 600}
    queue = client.get("/healthz").json()["checks"]["jobs"]["queue"]
    assert set(queue) == {"status", "oldest_wait_seconds", "max_wait_seconds"}
    assert queue["status"] == "degraded" and queue["oldest_wait_seconds"] >= 1200.0
    _burst()
    assert client.get("/healthz").json()["checks"]["jobs"]["queue"] == {
        "status": "ok", "oldest_wait_seconds": None, "max_wait_seconds": 600}


def test_redis_as_the_broker_round_trip(cast, settings):
    queue = f"qualitygov-test-{uuid.uuid4().hex[:12]}"
    settings.QUALITYGOV_JOBS_REDIS_URL = REDIS_URL
    settings.QUALITYGOV_JOBS_QUEUE = queue
    connection = redis.from_url(REDIS_URL)
    key = f"django_q:{queue}:q"
    try:
        job = job_enqueue(actor=cast.office, kind=JobKind.OTHER, func_path=f"{FUNCS}.count_to", kwargs={"n": 2},
                          label="经由Redis")
        assert connection.llen(key) == 1
        assert OrmQ.objects.count() == 0
        out = _burst()
        assert f"Queue '{queue}' on Redis" in out and "Tasks run: 1." in out
        assert connection.llen(key) == 0
        job.refresh_from_db()
        assert (job.status, job.percent, job.result["counted"]) == (JobStatus.SUCCEEDED, 100, 2)
    finally:
        connection.delete(key)


def test_burst_returns_how_many_tasks_ran_and_unknown_functions_are_refused(cast):
    assert run_burst() == 0
    with pytest.raises(ImportError):
        job_enqueue(actor=cast.office, kind=JobKind.OTHER, func_path=f"{FUNCS}.no_such_function", label="错")
    assert JobRun.objects.count() == 0


def test_a_task_the_worker_abandons_on_timeout_counts_as_a_failed_attempt(cast, settings):
    settings.QUALITYGOV_JOBS_MAX_ATTEMPTS = 1
    job = job_enqueue(actor=cast.office, kind=JobKind.OTHER, func_path=f"{FUNCS}.sleeps", kwargs={"seconds": 30},
                      label="超时的任务")
    # The queued task of the job replaced by one with a one-second limit (django-q2's per-task timeout).
    OrmQ.objects.all().delete()
    async_task(EXECUTE, job.pk, broker=broker(), timeout=1)
    assert "Tasks run: 1." in _burst()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert job.error == "任务未能完成即被停止（Task exceeded maximum timeout value (1 seconds)）。"
    assert _events(job) == [events.JOB_ENQUEUE, events.JOB_FAIL]
