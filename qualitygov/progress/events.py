"""The audit events progress writes (see `qualitygov.core.events`)."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.choices import Light
from qualitygov.core.events import EventType

WORK_ITEM_CREATE = EventType("work_item.create", _("Work item created"))
WORK_ITEM_PROPOSE = EventType("work_item.propose", _("Work item proposed"))
WORK_ITEM_UPDATE = EventType("work_item.update", _("Work item changed"))
WORK_ITEM_APPROVE = EventType("work_item.approve", _("Proposed work item accepted"))
WORK_ITEM_REJECT = EventType("work_item.reject", _("Proposed work item rejected"))
WORK_ITEM_COMPLETE = EventType("work_item.complete", _("Work item completed"))
WORK_ITEM_CANCEL = EventType("work_item.cancel", _("Work item cancelled"))
WORK_ITEM_REOPEN = EventType("work_item.reopen", _("Work item reopened"))
MILESTONE_COMPLETE = EventType("milestone.complete", _("Milestone reached"))
CYCLE_CREATE = EventType("cycle.create", _("Reporting cycle created"))
CYCLE_OPEN = EventType("cycle.open", _("Reporting cycle opened"))
REPORT_SAVE = EventType("report.save", _("Progress report saved"))
REPORT_SUBMIT = EventType("report.submit", _("Progress report submitted"))
REPORT_RETURN = EventType("report.return", _("Progress report returned"))
REPORT_APPROVE = EventType("report.approve", _("Progress report approved"))
REPORT_PART_SAVE = EventType("report_part.save", _("Co-unit contribution saved"))
REPORT_PART_SUBMIT = EventType("report_part.submit", _("Co-unit contribution submitted"))
REPORT_PART_RETURN = EventType("report_part.return", _("Co-unit contribution returned"))
REPORT_PART_ACCEPT = EventType("report_part.accept", _("Co-unit contribution accepted"))
EXTENSION_REQUEST = EventType("extension.request", _("Extension requested"))
EXTENSION_APPROVE = EventType("extension.approve", _("Extension approved"))
EXTENSION_REJECT = EventType("extension.reject", _("Extension rejected"))
PROGRESS_DAILY = EventType("progress.daily", _("Daily progress job run"))
LIGHT_RULE_SET_CREATE = EventType("progress.light_rule_set_create", _("Light rules changed"))
LIGHTS_REFRESH = EventType("progress.lights_refresh", _("Lights recomputed on request"))
FINDING_CREATE = EventType("finding.create", _("Problem recorded"))
FINDING_PLAN = EventType("finding.plan", _("Rectification plan filed"))
FINDING_SUBMIT = EventType("finding.submit", _("Rectification submitted"))
FINDING_VERIFY = EventType("finding.verify", _("Rectification verified"))
FINDING_REJECT = EventType("finding.reject", _("Rectification rejected"))
FINDING_REOPEN = EventType("finding.reopen", _("Problem reopened"))
ESCALATION_RUN = EventType("escalation.run", _("Reminders and escalation run"))
BULLETIN_GENERATE = EventType("bulletin.generate", _("Progress bulletin generated"))

#: The event of each named work-item and extension transition.
WORK_ITEM_TRANSITION_EVENTS = {
    "approve": WORK_ITEM_APPROVE, "reject": WORK_ITEM_REJECT, "complete": WORK_ITEM_COMPLETE,
    "cancel": WORK_ITEM_CANCEL, "reopen": WORK_ITEM_REOPEN,
}
EXTENSION_TRANSITION_EVENTS = {"approve": EXTENSION_APPROVE, "reject": EXTENSION_REJECT}

#: Labels of `changes` keys that are not model fields.
KEYS = {
    "co_units": _("co-units"),
    "milestones": _("milestones"),
    "items": _("work items"),
    "parts": _("contributions"),
    "parts_accepted": _("contributions accepted"),
    "reports": _("reports"),
    "late": _("late"),
    "marked": _("marked"),
    "today": _("date"),
    "rule_set": _("rule set"),
    "light": _("light"),
    "as_of": _("as of"),
    "period": _("period"),
    "pdf": _("PDF"),
    "seed": _("seed"),
    "special": _("special"),
    "task_rollup": _("task roll-up rule"),
    "task_red_share": _("red share (%)"),
    "task_yellow_share": _("red or yellow share (%)"),
    "effective_from": _("effective from"),
    "reminder": _("reminders"),
    "yellow": _("yellow notices"),
    "red": _("red notices"),
    "supervised": _("supervised follow-ups"),
}
VALUES = {"light": Light}
#: Non-field keys whose value is `[old, new]`.
PAIRS = ("due_date",)
#: Object types of events that are about no stored model.
OBJECT_TYPES = {"progress.bulletin": _("progress bulletin"), "progress.job": _("scheduled job")}
