"""The daily progress job: open cycles whose period has started, chase late units, recompute lights.

Each step is idempotent, so the job may run several times a day (cron, a queue worker, or
`qualitygov progress remind`) without sending or recording anything twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .escalation import escalation_run
from .services import cycles_open_due, lights_recompute


def progress_daily(*, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    opened = cycles_open_due(actor=None, today=today)
    summary = escalation_run(today=today)
    lights = lights_recompute(on=today)
    return {"opened": opened, "escalation": summary, "lights": lights}
