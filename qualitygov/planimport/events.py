"""The audit events of the plan import (see `qualitygov.core.events`)."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

PLAN_IMPORT_PREVIEW = EventType("plan_import.preview", _("Plan document uploaded for review"))
PLAN_IMPORT_CORRECT = EventType("plan_import.correct", _("Plan import corrected"))
PLAN_IMPORT_CANCEL = EventType("plan_import.cancel", _("Plan import cancelled"))
PLAN_IMPORT_CONFIRM = EventType("plan_import.confirm", _("Plan import confirmed"))

#: Labels of `changes` keys that are not model fields.
KEYS = {
    "corrections": _("corrections"),
    "file": _("file"),
    "sha256": _("SHA-256 checksum"),
    "counts": _("counts"),
    "sections": _("sections"),
    "groups": _("task groups"),
    "task_groups": _("task groups"),
    "tasks": _("tasks"),
    "responsibilities": _("responsibilities"),
    "indicators": _("indicators"),
    "units": _("units"),
    "unresolved": _("unresolved unit names"),
    "new_units": _("new units"),
    "warnings": _("warnings"),
    "outcome": _("outcome"),
    "created": _("new plan"),
    "revises": _("revises"),
    "name": _("name"),
}
