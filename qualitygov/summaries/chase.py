"""Chasing the units' summaries (催报): a reminder before the due date, an overdue notice after it.

Why this app's own daily job and not progress's escalation: `progress.EscalationEvent` belongs to a
work item (its `work_item` is required) and its report or part, so it cannot record a summary. The
job reuses the rest of the machinery: the reminder window is the progress escalation rule set's
`remind_days_before` (the office's versioned rule, default 3 days), notices go through
`core.notifications.notification_send` (in-app, e-mail and the unit's group robots) to the people
who may change the unit, and the office hears of new overdue units. Each step is a `SummaryChase`
with a unique key (summary, level, due date), so running the job again sends and records nothing
twice. When the due date passes unsubmitted the summary is flagged late (an audit event each), so
the assessment counts it whether or not the unit files later.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qualitygov.accounts.choices import Action
from qualitygov.accounts.selectors import action_holders, unit_action_holders
from qualitygov.core.audit import audit_record
from qualitygov.core.notifications import notification_send
from qualitygov.core.scoping import scope_for
from qualitygov.progress.escalation import DEFAULT_ESCALATION_PARAMS
from qualitygov.progress.selectors import escalation_rule_set_in_force

from . import events
from .choices import UNIT_EDITABLE, ChaseLevel, RoundStatus
from .models import SummaryChase, UnitSummary


def _remind_days(today: dt.date) -> int:
    rule_set = escalation_rule_set_in_force(today)
    params = {**DEFAULT_ESCALATION_PARAMS, **(rule_set.params if rule_set else {})}
    return int(params["remind_days_before"])


def summaries_chase(*, today: dt.date | None = None) -> dict[str, int]:
    """Send what is due on `today`; returns {"reminders", "overdue", "late", "notices"} counted anew."""
    today = today or timezone.localdate()
    window = _remind_days(today)
    pending = list(UnitSummary.objects.filter(status__in=UNIT_EDITABLE, round__status=RoundStatus.OPEN,
                                              round__due_date__lte=today + dt.timedelta(days=window))
                   .select_related("round", "unit").order_by("round__due_date", "pk"))
    wanted = []
    for summary in pending:
        due = summary.round.due_date
        level = ChaseLevel.OVERDUE if today > due else ChaseLevel.REMINDER
        wanted.append((summary, level, f"summaries:{level}:{summary.pk}:{due.isoformat()}"))
    done = set(SummaryChase.objects.filter(dedup_key__in=[k for _s, _l, k in wanted]).values_list("dedup_key", flat=True))
    new = [(s, level, key) for s, level, key in wanted if key not in done]
    result = {"reminders": 0, "overdue": 0, "late": 0, "notices": 0}
    if not new:
        with transaction.atomic():
            audit_record(actor=None, action=events.SUMMARIES_DAILY, object_type="summaries.job", object_id="daily",
                         object_repr="daily", changes={"today": today, **result})
        return result
    recipients = unit_action_holders(unit_ids={s.unit_id for s, _l, _k in new}, action=Action.CHANGE)
    office = action_holders(action=Action.MANAGE)
    with transaction.atomic():
        office_news: list[UnitSummary] = []
        for summary, level, key in new:
            rnd = summary.round
            url = reverse("summaries:unit_summary", args=[summary.pk])
            if level == ChaseLevel.REMINDER:
                subject = f"请于{rnd.due_date.isoformat()}前报送{rnd.label}"
                result["reminders"] += 1
            else:
                subject = f"{rnd.label}已逾期未报送，请尽快报送"
                result["overdue"] += 1
                office_news.append(summary)
                if not summary.late:
                    UnitSummary.objects.filter(pk=summary.pk).update(late=True)
                    result["late"] += 1
                    audit_record(actor=None, action=events.UNIT_LATE, obj=summary, unit=summary.unit,
                                 changes={"due_date": rnd.due_date.isoformat(), "late": True})
            sent = 0
            for user in recipients.get(summary.unit_id, []):
                if notification_send(recipient=user, kind=f"summaries.{level}", subject=subject,
                                     body=f"{summary.unit.label}：{rnd.label}，报送截止{rnd.due_date.isoformat()}。",
                                     url=url, dedup_key=f"{key}:u{user.pk}", email=level == ChaseLevel.OVERDUE,
                                     unit_ref=summary.unit_id, unit_key=key):
                    sent += 1
            SummaryChase.objects.create(summary=summary, unit=summary.unit, level=level, on_date=today,
                                        due_date=rnd.due_date, notices=sent, dedup_key=key)
            result["notices"] += sent
        by_round: dict[int, list[UnitSummary]] = defaultdict(list)
        for summary in office_news:
            by_round[summary.round_id].append(summary)
        for round_id, late in by_round.items():
            rnd = late[0].round
            for user in office:
                scope = scope_for(user, Action.MANAGE)
                mine = [s for s in late if s.unit_id in scope]
                if mine and notification_send(
                        recipient=user, kind="summaries.overdue", subject=f"{rnd.label}：{len(mine)}个单位逾期未报送",
                        body="、".join(s.unit.label for s in mine), url=reverse("summaries:round", args=[round_id]),
                        dedup_key=f"summaries:office:{round_id}:{today.isoformat()}:u{user.pk}"):
                    result["notices"] += 1
        audit_record(actor=None, action=events.SUMMARIES_DAILY, object_type="summaries.job", object_id="daily",
                     object_repr="daily", changes={"today": today, **result})
    return result


def summaries_daily_job(job) -> dict[str, Any]:
    """The daily background job (`qualitygov worker`'s schedule): `summaries_chase` for today."""
    result = summaries_chase()
    job.progress(1, 1)
    return result
