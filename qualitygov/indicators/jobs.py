"""Scheduled work of the indicator engine; each job is idempotent and safe to run at any time.

- `reminders_send`: reminders a few days before a period is due and an overdue notice once its
  deadline (due date + grace days) has passed, in-app and by e-mail, to the liaisons of the unit that
  owes the value. Every notice has a key naming its reason, so a second run sends nothing twice.
- `nightly`: calendar, computed values, statuses and reminders in one go (`qualitygov indicators
  recompute` and `remind` run the parts); `nightly_job` is the same as the worker's daily job.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qualitygov.core.audit import audit_record
from qualitygov.core.notifications import notification_send

from . import events
from .selectors import indicators_of_active_plans, liaisons_of, obligations, rule_params


def _send(obligation, *, kind: str, subject: str, body: str, key: str, counts: dict[str, int], bucket: str) -> None:
    for user in liaisons_of(obligation.unit):
        # The unit's group robots get one post for the unit (unit_key), not one per liaison.
        sent = notification_send(recipient=user, kind=kind, subject=subject, body=body,
                                 dedup_key=f"{key}:{user.pk}", unit_ref=obligation.unit.pk, unit_key=key)
        counts[bucket if sent is not None else "already_sent"] += 1


def _run_record(action, *, job: str, as_of: dt.date, counts: dict) -> None:
    """One audit event per run of a job, with what it did."""
    with transaction.atomic():
        audit_record(actor=None, action=action, object_type="indicators.job", object_id=job, object_repr=job,
                     changes={"as_of": as_of, **counts})


def reminders_send(*, as_of: dt.date) -> dict[str, int]:
    """Send due reminders and overdue notices as of `as_of`; return how many of each were sent now
    (recorded as one audit event)."""
    counts = {"reminders": 0, "overdue": 0, "already_sent": 0}
    params = rule_params(as_of)
    days_before = int(params["remind_days_before"])
    window = int(params["overdue_notice_days"])
    with translation.override(settings.LANGUAGE_CODE):
        for ob in obligations(due_from=as_of - dt.timedelta(days=window + 60), due_to=as_of + dt.timedelta(
                days=days_before)):
            if ob.state == "done":
                continue
            indicator, period = ob.indicator, ob.period
            names = {"code": indicator.code, "name": indicator.name, "period": period.label,
                     "unit": ob.unit.label, "due": period.due_date.isoformat(), "deadline": ob.deadline.isoformat()}
            if as_of <= period.due_date <= as_of + dt.timedelta(days=days_before):
                _send(ob, kind="indicator_due", counts=counts, bucket="reminders",
                      key=f"indicator-due:{period.pk}:{ob.unit.pk}:before",
                      subject=_("Due %(due)s: %(code)s %(name)s, %(period)s") % names,
                      body=_("%(unit)s: the value of %(code)s %(name)s for %(period)s is due on %(due)s "
                             "(at the latest %(deadline)s).") % names)
            elif ob.deadline < as_of and (as_of - ob.deadline).days <= window:
                _send(ob, kind="indicator_overdue", counts=counts, bucket="overdue",
                      key=f"indicator-overdue:{period.pk}:{ob.unit.pk}",
                      subject=_("Overdue: %(code)s %(name)s, %(period)s") % names,
                      body=_("%(unit)s: the value of %(code)s %(name)s for %(period)s was due on %(due)s and "
                             "has not been submitted.") % names)
    _run_record(events.INDICATORS_REMIND, job="remind", as_of=as_of, counts=counts)
    return counts


def periods_generate_all(*, as_of: dt.date) -> int:
    """Extend every active indicator's calendar up to `as_of`; return how many periods were created."""
    from .services import periods_generate

    return sum(periods_generate(indicator=indicator, until=as_of)
               for indicator in indicators_of_active_plans())


def recompute(*, as_of: dt.date) -> dict[str, object]:
    """Calendar, computed values and every status as of `as_of` (recorded as one audit event)."""
    from .services import computed_values_refresh, status_refresh_all

    result = {"periods": periods_generate_all(as_of=as_of), "computed": computed_values_refresh(as_of=as_of),
              "lights": status_refresh_all(as_of=as_of)}
    _run_record(events.INDICATORS_RECOMPUTE, job="recompute", as_of=as_of, counts=result)
    return result


def nightly(*, as_of: dt.date) -> dict[str, object]:
    return {**recompute(as_of=as_of), "notices": reminders_send(as_of=as_of)}


def nightly_job(job) -> dict[str, object]:
    """The daily background job (`qualitygov worker`'s schedule): `nightly` as of today, in two steps."""
    as_of = timezone.localdate()
    job.progress(0, 2)
    result = recompute(as_of=as_of)
    job.progress(1, 2)
    result["notices"] = reminders_send(as_of=as_of)
    job.progress(2, 2)
    return result
