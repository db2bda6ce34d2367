"""The daily progress job: open cycles whose period has started, chase late units, recompute lights.

Each step is idempotent, so the job may run several times a day (cron, a queue worker, or
`qualitygov progress remind`) without sending or recording anything twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from qualitygov.core.audit import audit_record

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
