"""Audit events of the annual work plan."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

IMPORT_PREVIEW = EventType("work_plan_import.preview", _("Work plan file uploaded for review"))
IMPORT_CORRECT = EventType("work_plan_import.correct", _("Work plan import corrected"))
IMPORT_CONFIRM = EventType("work_plan_import.confirm", _("Work plan import confirmed"))
IMPORT_CANCEL = EventType("work_plan_import.cancel", _("Work plan import cancelled"))
KEY_POINT_UPDATE = EventType("key_point.update", _("Key point changed"))
WORK_PLAN_PUBLISH = EventType("work_plan.publish", _("Work plan issued"))
ROLL_OVER_START = EventType("work_plan.roll_over", _("Next year's work plan started"))
ROLL_OVER_DECIDE = EventType("key_point.roll_over", _("Roll-over decided for a key point"))

KEYS = {"key_points": _("key points"), "work_items": _("work items"), "outcome": _("outcome"),
        "reason": _("reason"), "year": _("year"), "carried_to": _("carried to"), "file": _("file"),
        "problems": _("problems"), "lead_unit": _("lead unit"), "co_units": _("co-operating units"),
        "task": _("task"), "deadline": _("deadline")}
