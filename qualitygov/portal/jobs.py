"""The daily job of public disclosure: apply the publication rules that are due (idempotent: a rule applied
this month is not due again, an unchanged snapshot writes nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from qualitygov.core.audit import audit_record

from . import events
from .services import rules_apply


def rules_run(*, today: dt.date | None = None) -> dict[str, Any]:
    """Apply due rules as of `today`; one audit event per run with the items published or revised."""
    today = today or timezone.localdate()
    changed = rules_apply(actor=None, today=today)
    counts = {"as_of": today.isoformat(), "published": [item.key for item in changed]}
    with transaction.atomic():
        audit_record(actor=None, action=events.RULES_RUN, object_type="portal.job", object_id="rules",
                     object_repr="portal rules", changes=counts)
    return counts


def rules_daily_job(job) -> dict[str, Any]:
    """The worker's daily job: `rules_run` for today."""
    result = rules_run()
    job.progress(1, 1)
    return result
