"""Writes of the leading group: members, meetings, attendance, minutes and decisions.

Only an office holding the whole district writes here (the group is the district's); anyone else
gets NotFoundError, as for any object they may not touch. Each write is one transaction with one
audit event. A decision is created together with the progress work item that carries it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, snapshot
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.scoping import manages_district
from qualitygov.core.uploads import CheckedFile, attachment_create
from qualitygov.core.versioning import version_check
from qualitygov.plans.models import Task
from qualitygov.progress.services import work_item_create

from . import events
from .choices import Attendance, MeetingStatus, Post
from .models import Decision, GroupMember, Meeting, MeetingAttendance

MEMBER_FIELDS = ["name", "position", "post", "unit", "order", "active"]
MEETING_FIELDS = ["title", "held_on", "location", "agenda", "status"]


def may_manage(actor) -> bool:
    """True for an office holding the whole district (the only writer of the leading group's records)."""
    return manages_district(actor)


def _require_office(actor) -> None:
    if not may_manage(actor):
        raise NotFoundError(_("Not found."))


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message, fields={field: [message]})
    return value


@transaction.atomic
def group_member_save(*, actor, name: str, unit: OrgUnit, post: str = Post.MEMBER, position: str = "",
                      order: int = 0, active: bool = True, member: GroupMember | None = None,
                      version: int | None = None) -> GroupMember:
    """Add a member (`member` None) or change one; a stale `version` is refused and nothing changes."""
    _require_office(actor)
    name = _text(name, "name", _("Enter the member's name."))[:60]
    if post not in Post.values:
        message = _("Choose a post.")
        raise ServiceError(message, fields={"post": [message]})
    created = member is None
    if member is not None:
        member = GroupMember.objects.select_for_update().get(pk=member.pk)
        version_check(member, version, submitted={"name": name, "post": post}, what=_("this member"))
        old = snapshot(member, MEMBER_FIELDS)
    else:
        member = GroupMember()
    member.name, member.unit, member.post, member.position = name, unit, post, (position or "").strip()[:100]
    member.order, member.active = order, active
    member.save()
    new = snapshot(member, MEMBER_FIELDS)
    changes = {"new": new} if created else {key: [old[key], new[key]] for key in new if old[key] != new[key]}
    audit_record(actor=actor, action=events.MEMBER_CREATE if created else events.MEMBER_UPDATE, obj=member,
                 unit=unit, changes=changes)
    return member


@transaction.atomic
def meeting_save(*, actor, title: str, held_on: dt.date, location: str = "", agenda: str = "",
                 meeting: Meeting | None = None, version: int | None = None) -> Meeting:
    """Record a meeting (planned until its attendance is recorded) or change one."""
    _require_office(actor)
    title = _text(title, "title", _("Enter the meeting's title."))[:200]
    if held_on is None:
        message = _("Enter the meeting's date.")
        raise ServiceError(message, fields={"held_on": [message]})
    created = meeting is None
    if meeting is not None:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        version_check(meeting, version, submitted={"title": title, "held_on": held_on}, what=_("this meeting"))
        old = snapshot(meeting, MEETING_FIELDS)
    else:
        meeting = Meeting(created_by=actor)
    meeting.title, meeting.held_on = title, held_on
    meeting.location, meeting.agenda = (location or "").strip()[:200], (agenda or "").strip()
    meeting.save()
    new = snapshot(meeting, MEETING_FIELDS)
    changes = {"new": new} if created else {key: [old[key], new[key]] for key in new if old[key] != new[key]}
    audit_record(actor=actor, action=events.MEETING_CREATE if created else events.MEETING_UPDATE, obj=meeting,
                 changes=changes)
    return meeting


@transaction.atomic
def meeting_attendance_record(*, actor, meeting: Meeting,
                              rows: Sequence[tuple[GroupMember, str, str, str]]) -> list[MeetingAttendance]:
    """Record who attended (`(member, status, reason, substitute)` per member) and mark the meeting held.

    An absence or a substitute needs a reason, a substitute needs a name; the first row in error
    refuses the whole record (its field named `<member id>-reason` / `-substitute`), nothing changes.
    Recording again replaces the earlier record.
    """
    _require_office(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    errors: dict[str, list[str]] = {}
    for member, status, reason, substitute in rows:
        if status not in Attendance.values:
            errors[f"{member.pk}-status"] = [_("Choose present, substitute or absent.")]
        elif status != Attendance.PRESENT and not (reason or "").strip():
            errors[f"{member.pk}-reason"] = [_("Give the reason for %(name)s's absence.") % {"name": member.name}]
        elif status == Attendance.SUBSTITUTE and not (substitute or "").strip():
            errors[f"{member.pk}-substitute"] = [_("Name who attended for %(name)s.") % {"name": member.name}]
    if errors:
        raise ServiceError(next(iter(errors.values()))[0], fields=errors)
    MeetingAttendance.objects.filter(meeting=meeting).delete()
    saved = MeetingAttendance.objects.bulk_create([
        MeetingAttendance(meeting=meeting, member=member, status=status,
                          reason="" if status == Attendance.PRESENT else reason.strip()[:300],
                          substitute=substitute.strip()[:60] if status == Attendance.SUBSTITUTE else "")
        for member, status, reason, substitute in rows])
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status"])
    audit_record(actor=actor, action=events.MEETING_ATTENDANCE, obj=meeting, changes={
        "present": sum(row.status == Attendance.PRESENT for row in saved),
        "substitute": sum(row.status == Attendance.SUBSTITUTE for row in saved),
        "absent": [row.member.name for row in saved if row.status == Attendance.ABSENT],
    })
    return saved


@transaction.atomic
def meeting_minutes_attach(*, actor, meeting: Meeting, checked: CheckedFile):
    """Store the minutes (会议纪要) of `meeting`, a file already through `check_upload`."""
    _require_office(actor)
    return attachment_create(actor=actor, checked=checked, owner=meeting)


@transaction.atomic
def decision_create(*, actor, meeting: Meeting, text: str, task: Task, lead_unit: OrgUnit, deadline: dt.date,
                    co_units: Iterable[OrgUnit] = (), start_date: dt.date | None = None) -> Decision:
    """Record decision N+1 of `meeting` and assign it: a work item under `task`, led by `lead_unit`.

    The work item's description names the meeting, so its report, its lights and the bulletin say
    where it came from. Refused (nothing written) with an empty text or a deadline before the meeting.
    """
    _require_office(actor)
    text = _text(text, "text", _("Enter what the meeting decided."))
    if deadline is None or deadline < meeting.held_on:
        message = _("The deadline must be on or after the meeting (%(date)s).") % {"date": meeting.held_on.isoformat()}
        raise ServiceError(message, fields={"deadline": [message]})
    number = (Decision.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] or 0) + 1
    # Stored text in Chinese: it is part of the record the units read, whatever their UI language.
    description = f"{meeting.title}（{meeting.held_on.isoformat()}）议定事项第{number}项：{text}"
    work_item = work_item_create(actor=actor, task=task, lead_unit=lead_unit, title=text[:300], deadline=deadline,
                                 start_date=start_date or meeting.held_on, description=description,
                                 co_units=list(co_units))
    decision = Decision.objects.create(meeting=meeting, number=number, text=text, work_item=work_item)
    audit_record(actor=actor, action=events.DECISION_CREATE, obj=decision, unit=lead_unit,
                 changes={"meeting": meeting.pk, "number": number, "work_item": work_item.pk,
                          "deadline": deadline.isoformat()})
    return decision
