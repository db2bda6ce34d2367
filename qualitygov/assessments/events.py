"""Audit events of the assessment app."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

SCHEME_IMPORT = EventType("assessment_scheme.import", _("Assessment scheme imported"))
SCHEME_UPDATE = EventType("assessment_scheme.update", _("Assessment scheme changed"))
SCHEME_PUBLISH = EventType("assessment_scheme.publish", _("Assessment scheme published"))
SCHEME_NEW_VERSION = EventType("assessment_scheme.new_version", _("Assessment scheme: new version"))

KEYS = {"key": _("scheme id"), "sha256": _("SHA-256"), "from_version": _("from version"), "leaves": _("items")}

ROUND_CREATE = EventType("assessment_round.create", _("Assessment round created"))
ROUND_UPDATE = EventType("assessment_round.update", _("Assessment round changed"))
ROUND_TRANSITION = EventType("assessment_round.transition", _("Assessment round moved on"))
ROUND_APPROVE = EventType("assessment_round.approve", _("Assessment round approved"))
ROUND_SEND_BACK = EventType("assessment_round.send_back", _("Assessment round sent back for review"))
ROUND_RESCORE = EventType("assessment_round.rescore", _("Assessment result recomputed"))
ROUND_UNIT_GROUP = EventType("assessment_round_unit.group", _("Assessed unit's group changed"))
SHEET_SUBMIT = EventType("assessment_sheet.submit", _("Self-assessment submitted"))
ENTRY_SELF = EventType("assessment_entry.self", _("Self-assessment item filled"))
ENTRY_AUTO = EventType("assessment_entry.auto", _("Automatic figure stored"))
ENTRY_OVERRIDE = EventType("assessment_entry.override", _("Item set by the office"))
ENTRY_REVIEW = EventType("assessment_entry.review", _("Item reviewed"))
OBJECTION_FILE = EventType("assessment_objection.file", _("Objection lodged"))
OBJECTION_ANSWER = EventType("assessment_objection.answer", _("Objection answered"))
FOLLOW_UP_CREATE = EventType("assessment_follow_up.create", _("Follow-up work created"))

KEYS.update({"round": _("assessment round"), "code": _("item code"), "late": _("submitted late"),
             "decision": _("review"), "reason": _("reason"), "value": _("value"), "records": _("records"),
             "outcome": _("outcome"), "transition": _("step"), "due": _("due"), "work_item": _("work item"),
             "units": _("units"), "note": _("note"), "files": _("files"), "totals": _("totals"),
             "item_change": _("item change")})
