"""The escalation job (催办 → 督办): reminders before the due date, then yellow and red notices, then
the office's supervised-follow-up list.

For every report (lead unit) and part (co unit) still waiting for its unit, on day `today`, with
the rule set in force (defaults in brackets):
  reminder    due within `remind_days_before` days [3] and not yet overdue
  yellow      at least `yellow_days_overdue` days past due [1]
  red         at least `red_days_overdue` days past due [7], or the lead unit's reports on this
              work item were late `red_late_in_row` times in a row, this one included [3]
  supervised  with every red when `supervise_with_red` [true]: listed on the 督办 list until the
              unit files (or an extension is approved)
Each step is an `EscalationEvent` with a unique key naming the request, the level and the due
date, so running the job again records and sends nothing twice, and an approved extension (a new
due date) starts the chase afresh. A unit's liaisons get one notice per level per run listing its
new events; the office gets one notice listing new 督办 entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from qualitygov.accounts.choices import Action
from qualitygov.core.audit import audit_record
from qualitygov.core.notifications import notification_send
from qualitygov.core.scoping import scope_for
from qualitygov.progress import events as audit_events

from .choices import REPORT_PENDING, EscalationLevel
from .models import EscalationEvent, ProgressReport, WorkItem
from .selectors import escalation_rule_set_in_force, office_recipients, pending_requests, unit_recipients

DEFAULT_ESCALATION_PARAMS: dict[str, Any] = {
    "remind_days_before": 3, "yellow_days_overdue": 1, "red_days_overdue": 7, "red_late_in_row": 3,
    "supervise_with_red": True,
}
_CHUNK = 2000


@dataclass
class EscalationSummary:
    today: dt.date
    requests: int = 0
    events: dict[str, int] = field(default_factory=lambda: {level: 0 for level in EscalationLevel.values})
    notices: int = 0

    @property
    def new_events(self) -> int:
        return sum(self.events.values())


def _key(level: str, kind: str, pk: int, due: dt.date) -> str:
    return f"progress:{level}:{kind}{pk}:{due.isoformat()}"


def _late_streaks(report_rows: list[tuple], today: dt.date) -> dict[int, int]:
    """For each overdue report: how many of its work item's reports in a row, ending with it, were late."""
    overdue = {row[0]: row for row in report_rows if row[3] < today}
    if not overdue:
        return {}
    history: dict[int, list[tuple[dt.date, bool]]] = defaultdict(list)
    items = {row[1] for row in overdue.values()}
    rows = (ProgressReport.objects.filter(work_item__in=items)
            .values_list("pk", "work_item_id", "cycle__period_start", "submitted_late", "status", "due_date"))
    late_of: dict[int, bool] = {}
    for pk, item, start, late, status, due in rows:
        is_late = late or (status in REPORT_PENDING and due < today)
        history[item].append((start, pk))
        late_of[pk] = is_late
    streaks = {}
    for pk, (_pk, item, _unit, _due, start) in overdue.items():
        count = 0
        for _start, other in sorted((h for h in history[item] if h[0] <= start), reverse=True):
            if not late_of[other]:
                break
            count += 1
        streaks[pk] = count
    return streaks


#: Why a unit was chased, by the reason code stored on its escalation events.
REASON_LABELS = {
    "due_soon": gettext_lazy("Due within the reminder window"),
    "overdue": gettext_lazy("Past the due date"),
    "overdue_long": gettext_lazy("Long past the due date"),
    "late_in_row": gettext_lazy("Late several times in a row"),
}


def reason_label(code: str) -> str:
    """The Chinese label of a stored reason code (the code itself for one not known here)."""
    return str(REASON_LABELS.get(code, code))


def _levels(days_over: int, streak: int, p: dict[str, Any]) -> list[tuple[str, str]]:
    """The levels due for a request `days_over` days past due (negative: days left), with the reason."""
    if days_over <= 0:
        return [(EscalationLevel.REMINDER, "due_soon")] if -days_over <= p["remind_days_before"] else []
    out = []
    if days_over >= p["yellow_days_overdue"]:
        out.append((EscalationLevel.YELLOW, "overdue"))
    reason = ("overdue_long" if days_over >= p["red_days_overdue"]
              else "late_in_row" if streak >= p["red_late_in_row"] else "")
    if reason:
        out.append((EscalationLevel.RED, reason))
        if p["supervise_with_red"]:
            out.append((EscalationLevel.SUPERVISED, reason))
    return out


def _existing_keys(candidates: list[dict[str, Any]]) -> set[str]:
    """Keys already recorded among the candidates' due dates: one range scan, not a long IN list."""
    dues = [c["due_date"] for c in candidates]
    wanted = {c["key"] for c in candidates}
    found = EscalationEvent.objects.filter(due_date__gte=min(dues), due_date__lte=max(dues)).values_list(
        "dedup_key", flat=True)
    return {key for key in found.iterator(chunk_size=_CHUNK) if key in wanted}


_SUBJECTS = {
    EscalationLevel.REMINDER: gettext_noop("%(n)d progress report(s) of your unit are due within a few days"),
    EscalationLevel.YELLOW: gettext_noop("Yellow notice: %(n)d progress report(s) of your unit are overdue"),
    EscalationLevel.RED: gettext_noop("Red notice: %(n)d progress report(s) of your unit are seriously overdue"),
}


def _subject(level: str, n: int) -> str:
    return _(_SUBJECTS[level]) % {"n": n}


def escalation_run(*, today: dt.date | None = None, actor=None) -> EscalationSummary:
    """Record and send what is due on `today`. Idempotent: a second run on the same data does nothing."""
    today = today or timezone.localdate()
    rule_set = escalation_rule_set_in_force(today)
    p = {**DEFAULT_ESCALATION_PARAMS, **(rule_set.params if rule_set else {})}
    report_qs, part_qs = pending_requests(until=today + dt.timedelta(days=p["remind_days_before"]))
    report_rows, part_rows = list(report_qs), list(part_qs)
    summary = EscalationSummary(today=today, requests=len(report_rows) + len(part_rows))
    streaks = _late_streaks(report_rows, today)
    candidates: list[dict[str, Any]] = []
    for pk, item, unit, due, _start in report_rows:
        days = (today - due).days
        for level, reason in _levels(days, streaks.get(pk, 0), p):
            candidates.append({"key": _key(level, "r", pk, due), "work_item_id": item, "report_id": pk,
                               "part_id": None, "unit_id": unit, "level": level, "due_date": due,
                               "days_overdue": max(days, 0), "reason": reason})
    for pk, report, item, unit, due in part_rows:
        days = (today - due).days
        for level, reason in _levels(days, 0, p):
            candidates.append({"key": _key(level, "p", pk, due), "work_item_id": item, "report_id": report,
                               "part_id": pk, "unit_id": unit, "level": level, "due_date": due,
                               "days_overdue": max(days, 0), "reason": reason})
    if not candidates:
        return summary
    existing = _existing_keys(candidates)
    new = [c for c in candidates if c["key"] not in existing]
    if not new:
        return summary
    now = timezone.now()
    with transaction.atomic():
        _insert_events(new, at=now, on_date=today, rule_set_id=rule_set.pk if rule_set else None)
        for c in new:
            summary.events[c["level"]] += 1
        audit_record(actor=actor, action=audit_events.ESCALATION_RUN, object_type="progress.escalationevent",
                     object_repr=f"escalation {today.isoformat()}",
                     changes={"today": today, "rule_set": rule_set.pk if rule_set else None, **summary.events})
    summary.notices = _send_notices(new, today)
    return summary


def _insert_events(new: list[dict[str, Any]], *, at: dt.datetime, on_date: dt.date, rule_set_id: int | None) -> None:
    """Insert the events in batches, skipping keys a concurrent run stored first (unique dedup_key)."""
    EscalationEvent.objects.bulk_create(
        [
            EscalationEvent(
                work_item_id=c["work_item_id"], report_id=c["report_id"], part_id=c["part_id"], unit_id=c["unit_id"],
                level=c["level"], at=at, on_date=on_date, due_date=c["due_date"], days_overdue=c["days_overdue"],
                reason=c["reason"], dedup_key=c["key"], rule_set_id=rule_set_id,
            )
            for c in new
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


def _send_notices(new: list[dict[str, Any]], today: dt.date) -> int:
    """One notice per unit liaison per level, and one to each office admin for new 督办 entries."""
    grouped: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for c in new:
        grouped[(c["unit_id"], c["level"])].append(c)
    titles = dict(WorkItem.objects.filter(pk__in={c["work_item_id"] for c in new}).values_list("pk", "title"))
    recipients = unit_recipients({unit for unit, _level in grouped})
    sent = 0
    for (unit, level), events in sorted(grouped.items()):
        if level == EscalationLevel.SUPERVISED:
            continue
        digest = hashlib.sha1("\n".join(sorted(c["key"] for c in events)).encode()).hexdigest()[:16]
        body = "\n".join(f"· {titles.get(c['work_item_id'], '')}（{_('due')} {c['due_date'].isoformat()}）"
                         for c in events[:50])
        unit_key = f"progress:{level}:unit{unit}:{today.isoformat()}:{digest}"
        for user in recipients.get(unit, []):
            # The unit's group robots get this once (unit_key), not once per liaison.
            if notification_send(recipient=user, kind=f"progress.{level}", subject=_subject(level, len(events)),
                                 body=body, dedup_key=f"{unit_key}:u{user.pk}",
                                 email=level != EscalationLevel.REMINDER, unit_ref=unit, unit_key=unit_key):
                sent += 1
    supervised = [c for c in new if c["level"] == EscalationLevel.SUPERVISED]
    for user in office_recipients() if supervised else ():
        scope = scope_for(user, Action.MANAGE)  # an office admin granted on some units hears of those only
        mine = [c for c in supervised if c["unit_id"] in scope]
        if not mine:
            continue
        digest = hashlib.sha1("\n".join(sorted(c["key"] for c in mine)).encode()).hexdigest()[:16]
        if notification_send(recipient=user, kind="progress.supervised",
                             subject=_("%(n)d new entries on the supervised follow-up list") % {"n": len(mine)},
                             body="\n".join(f"· {titles.get(c['work_item_id'], '')}" for c in mine[:50]),
                             dedup_key=f"progress:supervised:{today.isoformat()}:{digest}:u{user.pk}"):
            sent += 1
    return sent
