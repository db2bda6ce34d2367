"""Job functions the job tests run through the worker (dotted paths in `job_enqueue`)."""

from __future__ import annotations

from pathlib import Path

from qualitygov.core.models import JobRun


def count_to(job, *, n: int) -> dict:
    """Report n steps; record the progress the database held after each, as a page would read it."""
    seen = []
    for done in range(n + 1):
        job.progress(done, n)
        row = JobRun.objects.get(pk=job.job.pk)
        seen.append([row.progress_done, row.progress_total, row.percent])
    return {"counted": n, "seen": seen, "actor": job.actor.username if job.actor else None}


def always_fails(job, *, message: str) -> None:
    job.progress(1, 4)
    raise RuntimeError(message)


def works_once_file_exists(job, *, path: str) -> dict:
    """Fails until the file at `path` exists (the outside world got fixed)."""
    if not Path(path).exists():
        raise FileNotFoundError(f"缺少数据文件：{Path(path).name}")
    return {"ok": True}


def sleeps(job, *, seconds: float) -> dict:
    import time

    job.progress(0, 1)
    time.sleep(seconds)
    return {"slept": seconds}
