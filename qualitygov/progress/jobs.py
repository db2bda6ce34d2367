"""The daily progress job: open cycles whose period has started, chase late units, recompute lights;
and the rectification ledger built in the background (`ledger_export`).

Each step is idempotent, so the job may run several times a day (cron, a queue worker, or
`qualitygov progress remind`) without sending or recording anything twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from qualitygov.core.audit import audit_record
from qualitygov.core.jobs import JobFile

from . import events
from .escalation import escalation_run
from .services import cycles_open_due, lights_recompute


def progress_daily(*, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    opened = cycles_open_due(actor=None, today=today)
    summary = escalation_run(today=today)
    lights = lights_recompute(on=today)
    with transaction.atomic():  # one event per run, with what it did
        audit_record(actor=None, action=events.PROGRESS_DAILY, object_type="progress.job", object_id="daily",
                     object_repr="daily", changes={
                         "as_of": today, "opened": opened, "lights": lights, "requests": summary.requests,
                         "escalation": summary.events, "notices": summary.notices})
    return {"opened": opened, "escalation": summary, "lights": lights}


def progress_daily_job(job) -> dict[str, Any]:
    """The daily background job (`qualitygov worker`'s schedule): `progress_daily` for today."""
    result = progress_daily()
    job.progress(1, 1)
    summary = result["escalation"]
    return {"opened": result["opened"], "lights": result["lights"], "requests": summary.requests,
            "escalation": summary.events, "notices": summary.notices}


def ledger_export(job, *, query: dict[str, list[str]]) -> JobFile:
    """The rectification ledger (.xlsx) with the page's filters `query`, as `job.actor` sees it."""
    from .io import ledger_xlsx
    from .views_findings import ledger_query

    _form, findings, today = ledger_query(job.actor, MultiValueDict(query))
    total = findings.count()
    job.progress(0, total)
    content = ledger_xlsx(findings, today=today, progress=job.progress, total=total)
    return JobFile(f"整改台账{today:%Y%m%d}.xlsx", content, {"rows": total})
