"""Background jobs as people see them: start one, read the ones you may see, start a failed one again.

A job is a `JobRun` row plus a django-q2 task that runs it (`core.worker.job_execute`); the row
carries status, progress, attempts, the last error and, for exports, the file. The office (a
district-wide manager) sees every job; anyone else sees the jobs they started (`JobRun.objects.visible_to`).

A job function has the signature `f(job: core.worker.JobContext, **kwargs)`: it reports progress with
`job.progress(done, total)`, reads as `job.actor` (so exports apply that user's scope), and returns
a dict summary or a `JobFile` whose bytes the worker stores for download.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import events
from .audit import audit_record
from .choices import JobKind, JobStatus
from .errors import ConflictError, NotFoundError
from .models import JobRun


@dataclass
class JobFile:
    """What an export job returns: the download name and the file's bytes."""

    name: str
    content: bytes
    summary: dict[str, Any] = field(default_factory=dict)


def _dispatch(job: JobRun) -> None:
    """Hand the job to the queue once the transaction that recorded it has committed."""
    from .worker import queue_job

    transaction.on_commit(lambda: queue_job(job.pk))


def job_enqueue(*, actor, kind: str, func_path: str, kwargs: dict[str, Any] | None = None, label: str) -> JobRun:
    """Record a job for `actor` (None: the system) and queue it; `func_path` must name a callable.

    `kwargs` must be JSON (ids and plain values, never model objects): the worker passes them back.
    """
    import_string(func_path)  # a typo fails here, in the request, not later in the worker
    if kind not in JobKind.values:
        raise ValueError(f"unknown job kind {kind!r}")
    with transaction.atomic():
        job = JobRun(kind=kind, label=str(label)[:200], func_path=func_path, kwargs=kwargs or {},
                     actor=actor if getattr(actor, "is_authenticated", False) else None,
                     max_attempts=settings.QUALITYGOV_JOBS_MAX_ATTEMPTS, run_after=timezone.now())
        job.save()
        audit_record(actor=actor, action=events.JOB_ENQUEUE, obj=job,
                     changes={"new": {"kind": job.kind, "label": job.label}})
        _dispatch(job)
    return job


def job_retry(*, actor, job: JobRun) -> JobRun:
    """Start a failed job again with a fresh set of attempts; only the requester or the office may.

    A job that has not failed is refused (ConflictError `not_failed`): it is queued, running or done.
    """
    with transaction.atomic():
        try:
            locked = JobRun.objects.visible_to(actor).select_for_update().get(pk=job.pk)
        except JobRun.DoesNotExist:
            raise NotFoundError(_("No such job.")) from None
        if locked.status != JobStatus.FAILED:
            raise ConflictError(_("Only a failed job can be started again."), code="not_failed")
        old_error = locked.error
        locked.status, locked.attempts, locked.error = JobStatus.QUEUED, 0, ""
        locked.progress_done, locked.progress_total = 0, 0
        locked.run_after, locked.started_at, locked.finished_at = timezone.now(), None, None
        locked.save()
        audit_record(actor=actor, action=events.JOB_RETRY, obj=locked,
                     changes={"status": [JobStatus.FAILED, JobStatus.QUEUED], "error": old_error[:500]})
        _dispatch(locked)
    return locked


def job_list_visible(*, user, status: str = "", kind: str = ""):
    """The jobs `user` may see, newest first, optionally of one status or kind."""
    jobs = JobRun.objects.visible_to(user).select_related("actor")
    if status in JobStatus.values:
        jobs = jobs.filter(status=status)
    if kind in JobKind.values:
        jobs = jobs.filter(kind=kind)
    return jobs


def job_get_visible(*, user, pk: int) -> JobRun:
    """One job `user` may see; NotFoundError when it is missing or someone else's."""
    job = JobRun.objects.visible_to(user).select_related("actor").filter(pk=pk).first()
    if job is None:
        raise NotFoundError(_("No such job."))
    return job
