"""Reminders of the follow-up clocks (`qualitygov sampling remind`, idempotent).

A notice goes to the users granted CHANGE at the plan's owning unit when a clock is due within the
rule's `due_soon_days`, and an overdue notice once it has passed. Each notice's key names the
follow-up, the clock and its due date, so a second run sends nothing twice and a new clock (the next
step) reminds again. One audit event per run with the counts.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qualitygov.accounts.selectors import unit_action_holders
from qualitygov.core.audit import audit_record
from qualitygov.core.notifications import notification_send
from qualitygov.core.permissions import Action

from . import events
from .selectors import due_soon_horizon, open_followups


def reminders_send(*, as_of: dt.date) -> dict[str, int]:
    """Send the due and overdue notices as of `as_of`; return how many of each were sent now."""
    counts = {"reminders": 0, "overdue": 0, "already_sent": 0}
    followups = list(open_followups(everything=True).filter(clock_due__isnull=False,
                                                             clock_due__lte=due_soon_horizon(as_of)))
    holders = unit_action_holders(unit_ids={f.batch.plan.owning_unit_id for f in followups}, action=Action.CHANGE)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        for f in followups:
            batch, overdue = f.batch, f.clock_due < as_of
            names = {"entity": batch.entity.name, "product": batch.product, "report": batch.report_no,
                     "clock": f.get_clock_display(), "due": f.clock_due.isoformat()}
            if overdue:
                kind, bucket, key = "sampling_overdue", "overdue", f"sampling-overdue:{f.pk}:{f.clock}:{f.clock_due}"
                subject = _("Overdue: %(clock)s, %(entity)s %(product)s") % names
                body = _("%(clock)s of batch %(report)s (%(entity)s, %(product)s) was due on %(due)s.") % names
            else:
                kind, bucket, key = "sampling_due", "reminders", f"sampling-due:{f.pk}:{f.clock}:{f.clock_due}"
                subject = _("Due %(due)s: %(clock)s, %(entity)s %(product)s") % names
                body = _("%(clock)s of batch %(report)s (%(entity)s, %(product)s) is due on %(due)s.") % names
            url = reverse("sampling:batch_detail", args=[batch.pk])
            for user in holders.get(batch.plan.owning_unit_id, []):
                sent = notification_send(recipient=user, kind=kind, subject=subject, body=body, url=url,
                                         dedup_key=f"{key}:u{user.pk}", unit_ref=batch.plan.owning_unit_id,
                                         unit_key=key)
                counts[bucket if sent is not None else "already_sent"] += 1
        audit_record(actor=None, action=events.REMIND, object_type="sampling.job", object_id="remind",
                     object_repr="remind", changes={"as_of": as_of, **counts})
    return counts
