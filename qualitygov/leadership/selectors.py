"""Reads of the leading group.

The group's composition, its meetings, attendance and decisions are district records every
signed-in user may read (members are named on the group's own documents). What a decision's work
item holds — reports, evidence — stays behind the progress app's own scope.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.models import Attachment
from qualitygov.progress.choices import WorkItemStatus

from .choices import Attendance, DecisionState
from .models import Decision, GroupMember, Meeting, MeetingAttendance


def members(*, active_only: bool = False) -> QuerySet[GroupMember]:
    qs = GroupMember.objects.select_related("unit")
    return qs.filter(active=True) if active_only else qs


def member_get(*, pk: int) -> GroupMember:
    return members().get(pk=pk)


def meetings() -> QuerySet[Meeting]:
    # distinct: the two joins would otherwise multiply each other's rows.
    return Meeting.objects.annotate(
        decision_count=Count("decisions", distinct=True),
        absent_count=Count("attendance", filter=Q(attendance__status=Attendance.ABSENT), distinct=True))


def meeting_get(*, pk: int) -> Meeting:
    return Meeting.objects.get(pk=pk)


def meeting_attendance(meeting: Meeting) -> list[MeetingAttendance]:
    return list(meeting.attendance.select_related("member__unit").order_by("member__order", "member_id"))


def meeting_decisions(meeting: Meeting) -> list[Decision]:
    return list(meeting.decisions.select_related("work_item__lead_unit", "work_item__task")
                .prefetch_related("work_item__co_units__unit").order_by("number"))


def meeting_minutes(meeting: Meeting) -> list[Attachment]:
    return list(Attachment.objects.filter(owner_type=meeting._meta.label_lower, owner_id=str(meeting.pk)))


def minutes_get(*, meeting: Meeting, pk: int) -> Attachment:
    return Attachment.objects.get(pk=pk, owner_type=meeting._meta.label_lower, owner_id=str(meeting.pk))


def decision_state(decision: Decision, *, today: dt.date | None = None) -> str:
    """The decision's state read off its work item: done, cancelled, overdue (past the deadline) or open."""
    item = decision.work_item
    if item.status == WorkItemStatus.COMPLETED:
        return DecisionState.DONE
    if item.status == WorkItemStatus.CANCELLED:
        return DecisionState.CANCELLED
    return DecisionState.OVERDUE if item.deadline < (today or timezone.localdate()) else DecisionState.OPEN


def absences_by_unit(*, year: int) -> dict[int, int]:
    """`{unit id: absences}` at the year's meetings (substitutes are not absences): an assessment input."""
    rows = (MeetingAttendance.objects.filter(meeting__held_on__year=year, status=Attendance.ABSENT)
            .values_list("member__unit_id", flat=True))
    return dict(Counter(rows))


def absences(unit_ids, start: dt.date, end: dt.date) -> list[tuple[int, int, str, str, tuple[int, ...]]]:
    """Absences (substitutes are not absences) of the units' members from meetings held from `start` to
    `end`, both included, as `(unit id, attendance id, label, url name, url args)` in date order: the
    `meeting_absences` hook the assessment's automatic inputs read. One query."""
    rows = (MeetingAttendance.objects
            .filter(member__unit_id__in=list(unit_ids), status=Attendance.ABSENT,
                    meeting__held_on__gte=start, meeting__held_on__lte=end)
            .select_related("meeting", "member").order_by("meeting__held_on", "meeting_id", "pk"))
    return [(row.member.unit_id, row.pk,
             _("%(meeting)s (%(date)s): %(member)s absent, reason: %(reason)s") % {
                 "meeting": row.meeting.title, "date": row.meeting.held_on.isoformat(), "member": row.member.name,
                 "reason": row.reason or _("none given")},
             "leadership:meeting", (row.meeting_id,)) for row in rows]


def open_decisions_by_unit(*, on: dt.date) -> dict[int, dict[str, int]]:
    """`{lead unit id: {"open": n, "overdue": m}}` of decisions not done on `on`: an assessment input."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"open": 0, "overdue": 0})
    for decision in Decision.objects.select_related("work_item").filter(work_item__status=WorkItemStatus.ACTIVE):
        state = decision_state(decision, today=on)
        out[decision.work_item.lead_unit_id]["overdue" if state == DecisionState.OVERDUE else "open"] += 1
    return dict(out)
