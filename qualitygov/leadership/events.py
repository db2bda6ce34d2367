"""Audit events of the leading group."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

MEMBER_CREATE = EventType("group_member.create", _("Leading group member added"))
MEMBER_UPDATE = EventType("group_member.update", _("Leading group member changed"))
MEETING_CREATE = EventType("meeting.create", _("Meeting recorded"))
MEETING_UPDATE = EventType("meeting.update", _("Meeting changed"))
MEETING_ATTENDANCE = EventType("meeting.attendance", _("Meeting attendance recorded"))
DECISION_CREATE = EventType("decision.create", _("Decision recorded and assigned"))

KEYS = {"post": _("post"), "attendance": _("attendance"), "absent": _("absent"), "work_item": _("work item"),
        "meeting": _("meeting"), "present": _("present"), "substitute": _("sent a substitute")}
