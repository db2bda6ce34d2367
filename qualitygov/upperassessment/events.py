"""Audit events of the upper-level assessment (迎考)."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

UPPER_IMPORT = EventType("upper_assessment.import", _("Upper assessment loaded"))
UPPER_CLOSE = EventType("upper_assessment.close", _("Upper assessment submitted upwards"))
UPPER_REOPEN = EventType("upper_assessment.reopen", _("Upper assessment reopened"))
ITEM_ASSIGN = EventType("upper_item.assign", _("Upper assessment item assigned"))
ITEM_FILL = EventType("upper_item.fill", _("Upper assessment self-score filed"))
ITEM_EVIDENCE = EventType("upper_item.evidence", _("Upper assessment evidence added"))
ITEM_SUBMIT = EventType("upper_item.submit", _("Upper assessment item submitted"))
ITEM_ACCEPT = EventType("upper_item.accept", _("Upper assessment item accepted"))
ITEM_RETURN = EventType("upper_item.return", _("Upper assessment item returned"))

KEYS = {"items": _("items"), "self_score": _("self-score"), "work_item": _("work item"), "due_date": _("due date"),
        "attachment": _("attachment")}
