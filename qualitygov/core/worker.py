"""The worker side of background jobs (ADR 0011): the broker, running a job, retries, the daily schedule.

- `broker()`: django-q2's broker, the database (ORM) by default or Redis when
  `QUALITYGOV_JOBS_REDIS_URL` is set; the cluster and the web processes both get it from here
  (`Q_CLUSTER["broker_class"]`), so they always agree.
- `job_execute(job_id)`: the one task function the queue runs. It marks the `JobRun` running, calls
  its function, stores the outcome; a failure is tried again after QUALITYGOV_JOBS_BACKOFF_SECONDS ×
  2^(attempt-1) through a one-off django-q2 schedule until `max_attempts`, then the job fails and
  keeps the last error; a `ServiceError` (a refusal) fails it at once. Each outcome is one audit event.
- `run_burst()`: `qualitygov worker --burst` — run what is due in this process until the queue is
  empty, then return (tests and cron-style deployments).
- `schedules_sync()`: one daily django-q2 schedule per `core.registry.DailyJob` with a `run`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from multiprocessing import Queue, Value
from pathlib import PurePosixPath
from typing import Any

import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_q.brokers.redis_broker import Redis

from . import events
from .audit import audit_record
from .choices import JobKind, JobStatus
from .errors import ServiceError
from .models import JobRun
from .registry import daily_jobs

logger = logging.getLogger(__name__)

EXECUTE = "qualitygov.core.worker.job_execute"
DAILY_ENQUEUE = "qualitygov.core.worker.daily_job_enqueue"
DAILY_PREFIX = "qualitygov-daily:"


# --- the broker ---------------------------------------------------------------------------------

def broker(list_key: str | None = None):
    """The configured django-q2 broker; `list_key` (django-q2's cluster name) is replaced by
    QUALITYGOV_JOBS_QUEUE so that every process of one installation uses the same queue."""
    queue = settings.QUALITYGOV_JOBS_QUEUE
    if settings.QUALITYGOV_JOBS_REDIS_URL:
        return RedisUrlBroker(list_key=queue)
    from django_q.brokers.orm import ORM

    return ORM(list_key=queue)


class RedisUrlBroker(Redis):
    """django-q2's Redis broker, connected by URL (`QUALITYGOV_JOBS_REDIS_URL`), read when it connects."""

    @staticmethod
    def get_connection(list_key: str | None = None):
        return redis.from_url(settings.QUALITYGOV_JOBS_REDIS_URL)


def queue_job(job_id: int) -> str:
    """Put one run of job `job_id` on the queue now; django-q2's task id."""
    from django_q.tasks import async_task

    return async_task(EXECUTE, job_id, broker=broker(), task_name=f"qualitygov-job-{job_id}")


def _queue_later(job: JobRun) -> None:
    """Run job `job` again at its `run_after` (django-q2's scheduler enqueues it when due)."""
    from django_q.models import Schedule
    from django_q.tasks import schedule

    schedule(EXECUTE, job.pk, name=f"qualitygov-job-{job.pk}-try-{job.attempts + 1}", schedule_type=Schedule.ONCE,
             next_run=job.run_after)


# --- running a job ------------------------------------------------------------------------------

class JobContext:
    """What a running job function gets: its job, the requester, and a way to report progress."""

    def __init__(self, job: JobRun):
        self.job = job
        self.actor = job.actor
        self._percent = -1

    def progress(self, done: int, total: int) -> None:
        """Record `done` of `total` steps; written when the whole percent changes (and at the end)."""
        done, total = max(0, int(done)), max(0, int(total))
        percent = done * 100 // total if total else 0
        if percent == self._percent and done != total:
            return
        self._percent = percent
        self.job.progress_done, self.job.progress_total = done, total
        # Its own short write, outside any transaction of the job, so the page sees it at once.
        JobRun.objects.filter(pk=self.job.pk).update(progress_done=done, progress_total=total)


def _plain(value: Any) -> Any:
    """`value` as JSON data: dates, decimals and UUIDs as Django writes them, anything else as text."""
    encoder = DjangoJSONEncoder()

    def default(obj: Any) -> Any:
        try:
            return encoder.default(obj)
        except TypeError:
            return vars(obj) if hasattr(obj, "__dict__") else str(obj)

    return json.loads(json.dumps(value, default=default))


def _error_text(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:2000]


def job_execute(job_id: int) -> str:
    """Run job `job_id` once (the task the queue delivers); returns the outcome's status.

    A job already finished is left alone ("skipped"), so a task delivered twice does nothing twice.
    """
    from .jobs import JobFile

    with transaction.atomic():
        # `of=("self",)`: PostgreSQL locks no row of the nullable `actor` join.
        job = JobRun.objects.select_for_update(of=("self",)).select_related("actor").filter(pk=job_id).first()
        if job is None or job.finished:
            return "skipped"
        job.status, job.attempts, job.started_at = JobStatus.RUNNING, job.attempts + 1, timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    try:
        with translation.override(settings.LANGUAGE_CODE):
            outcome = import_string(job.func_path)(JobContext(job), **job.kwargs)
    except ServiceError as exc:  # a refusal (out of scope, wrong state) will not change by trying again
        logger.warning("background job %s (%s) refused: %s", job.pk, job.func_path, exc.message)
        return _failed(job.pk, str(exc.message)[:2000], retry=False)
    except Exception as exc:  # a job's failure of any kind is recorded, never lost
        logger.exception("background job %s (%s) failed on attempt %s", job.pk, job.func_path, job.attempts)
        return _failed(job.pk, _error_text(exc))
    stored_name = ""
    if isinstance(outcome, JobFile):
        suffix = PurePosixPath(outcome.name).suffix[:10]
        stored_name = default_storage.save(f"jobs/{timezone.now():%Y/%m}/{job.pk}-{uuid.uuid4().hex}{suffix}",
                                           ContentFile(outcome.content))
        summary = {"size": len(outcome.content), **outcome.summary}
    else:
        summary = outcome if isinstance(outcome, dict) else {}
    with transaction.atomic():
        job = JobRun.objects.select_for_update().get(pk=job_id)
        job.status, job.finished_at, job.error = JobStatus.SUCCEEDED, timezone.now(), ""
        job.progress_done = job.progress_total = max(job.progress_total, 1)
        job.result = _plain(summary)
        if stored_name:
            job.result_file, job.result_name = stored_name, outcome.name[:200]
        job.save()
        audit_record(actor=None, action=events.JOB_SUCCEED, obj=job,
                     changes={"attempt": job.attempts, "summary": job.result})
    return JobStatus.SUCCEEDED


def _failed(job_id: int, error: str, *, retry: bool = True) -> str:
    """Record a failed attempt: try again later while attempts remain (and `retry`), else the job has failed."""
    with transaction.atomic():
        job = JobRun.objects.select_for_update().get(pk=job_id)
        job.error = error
        if retry and job.attempts < job.max_attempts:
            delay = settings.QUALITYGOV_JOBS_BACKOFF_SECONDS * 2 ** (job.attempts - 1)
            job.status, job.run_after = JobStatus.QUEUED, timezone.now() + dt.timedelta(seconds=delay)
            job.save()
            audit_record(actor=None, action=events.JOB_RETRY_SCHEDULE, obj=job,
                         changes={"attempt": job.attempts, "error": error[:500], "due": job.run_after})
            transaction.on_commit(lambda: _queue_later(job))
            return JobStatus.QUEUED
        job.status, job.finished_at = JobStatus.FAILED, timezone.now()
        job.save()
        audit_record(actor=None, action=events.JOB_FAIL, obj=job,
                     changes={"attempt": job.attempts, "error": error[:500]})
    return JobStatus.FAILED


def task_finished(sender, task: dict, **kwargs) -> None:
    """django-q2's `post_execute`: a job task that did not return (timed out, or `job_execute` itself
    broke, e.g. the database refused) records a failed attempt of its job.

    `job_execute` records every failure of the job's function itself; only a task the worker had to
    abandon reaches here unsuccessful with its job unfinished.
    """
    if task.get("success") or task.get("func") != EXECUTE or not task.get("args"):
        return
    job = JobRun.objects.filter(pk=task["args"][0], status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
    if job is not None:
        # django-q2's result is "<reason> : <traceback>"; the traceback is in the worker's log.
        reason = str(task.get("result") or "").split(" : ", 1)[0][:500]
        with translation.override(settings.LANGUAGE_CODE):
            _failed(job.pk, _("The job was stopped before it finished (%(reason)s).") % {"reason": reason})


# --- burst mode ---------------------------------------------------------------------------------

def run_burst(*, limit: int = 10_000) -> int:
    """Run due schedules and queued tasks in this process until none is left; how many tasks ran.

    The same django-q2 worker and monitor functions as the cluster's processes run each task, so
    results, acknowledgements and signals are the cluster's.
    """
    from django_q.monitor import monitor
    from django_q.scheduler import scheduler
    from django_q.signing import SignedPackage
    from django_q.worker import worker

    the_broker, ran = broker(), 0
    while ran < limit:
        scheduler(broker=the_broker)
        batch = the_broker.dequeue()
        if not batch:
            break
        for ack_id, package in batch:
            task = SignedPackage.loads(package)
            task["ack_id"] = ack_id
            tasks, results = Queue(), Queue()
            tasks.put(task)
            tasks.put("STOP")
            worker(tasks, results, Value("f", -1))
            results.put("STOP")
            monitor(results, the_broker)
            for q in (tasks, results):
                q.close()
                q.join_thread()
            ran += 1
    return ran


# --- daily jobs ---------------------------------------------------------------------------------

def _next_daily_run(now: dt.datetime | None = None) -> dt.datetime:
    hour, minute = (int(part) for part in settings.QUALITYGOV_DAILY_JOBS_AT.split(":", 1))
    local = timezone.localtime(now or timezone.now())
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def schedules_sync() -> list[str]:
    """One daily django-q2 schedule per registered daily job that names a `run` (created once,
    kept when it exists); schedules of daily jobs no longer registered are removed. Their names."""
    from django_q.models import Schedule

    names = []
    for job in daily_jobs():
        if not job.run:
            continue
        name = f"{DAILY_PREFIX}{job.key}"
        Schedule.objects.update_or_create(
            name=name, defaults={"func": DAILY_ENQUEUE, "args": repr((job.key,)), "schedule_type": Schedule.DAILY,
                                 "repeats": -1},
            create_defaults={"func": DAILY_ENQUEUE, "args": repr((job.key,)), "schedule_type": Schedule.DAILY,
                             "repeats": -1, "next_run": _next_daily_run()})
        names.append(name)
    Schedule.objects.filter(name__startswith=DAILY_PREFIX).exclude(name__in=names).delete()
    return names


def daily_job_enqueue(key: str) -> int | None:
    """Start daily job `key` as a background job (what its schedule runs); the job's id."""
    from .jobs import job_enqueue

    job = next((j for j in daily_jobs() if j.key == key and j.run), None)
    if job is None:
        logger.warning("no daily job %r is registered", key)
        return None
    return job_enqueue(actor=None, kind=JobKind.DAILY, func_path=job.run, label=str(job.label or job.key)).pk


# --- health -------------------------------------------------------------------------------------

def queue_lag_seconds(*, now: dt.datetime | None = None) -> float | None:
    """How long the oldest job that is due has waited to start, in seconds; None when none waits."""
    now = now or timezone.now()
    oldest = (JobRun.objects.filter(status=JobStatus.QUEUED, run_after__lte=now).order_by("run_after")
              .values_list("run_after", flat=True).first())
    return None if oldest is None else round((now - oldest).total_seconds(), 1)
