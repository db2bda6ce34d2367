"""The audit events indicators writes (see `qualitygov.core.events`)."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.choices import Light
from qualitygov.core.events import EventType

INDICATOR_CREATE = EventType("indicator.create", _("Indicator set by the office created"))
INDICATOR_UPDATE = EventType("indicator.update", _("Indicator changed"))
INDICATOR_RETIRE = EventType("indicator.retire", _("Indicator retired"))
INDICATOR_REINSTATE = EventType("indicator.reinstate", _("Indicator reinstated"))
INDICATOR_SET_TARGETS = EventType("indicator.set_targets", _("Indicator targets set"))
INDICATOR_SET_RESPONSIBILITIES = EventType("indicator.set_responsibilities", _("Indicator responsible units set"))
INDICATOR_PERIODS_GENERATE = EventType("indicator.periods_generate", _("Reporting periods generated"))
INDICATOR_STATUS_CHANGE = EventType("indicator.status_change", _("Indicator light changed"))
INDICATORS_RECOMPUTE = EventType("indicators.recompute", _("Indicator statuses recomputed (scheduled job)"))
INDICATORS_REMIND = EventType("indicators.remind", _("Indicator reminders sent (scheduled job)"))
INDICATORS_DEMO_LOAD = EventType("indicators.demo_load", _("Demo indicator data loaded"))
OBSERVATION_SAVE_DRAFT = EventType("observation.save_draft", _("Data saved as draft"))
OBSERVATION_SUBMIT = EventType("observation.submit", _("Data submitted"))
OBSERVATION_RETURN = EventType("observation.return", _("Data returned"))
OBSERVATION_WITHDRAW = EventType("observation.withdraw", _("Data withdrawn before review"))
OBSERVATION_APPROVE = EventType("observation.approve", _("Data approved"))
OBSERVATION_CHANGE_REQUEST = EventType("observation.change_request", _("Correction of approved data requested"))
OBSERVATION_CHANGE_REQUEST_DECIDE = EventType("observation.change_request_decide", _("Correction request decided"))
OBSERVATION_CORRECT = EventType("observation.correct", _("Approved data corrected"))
OBSERVATION_COMPUTE = EventType("observation.compute", _("Data computed"))

#: Labels of `changes` keys that are not model fields.
KEYS = {
    "targets": _("targets"),
    "units": _("responsible units"),
    "created": _("periods created"),
    "function": _("computed by"),
    "formula": _("formula"),
    "light": _("light"),
    "rule": _("rule that fired"),
    "as_of": _("as of"),
    "observation": _("data record"),
    "change_request": _("correction request"),
    "value": _("value"),
    "decision": _("decision it rests on"),
    "in_force_from": _("in force from"),
}
VALUES = {"light": Light}
#: Non-field keys whose value is `[old, new]`.
PAIRS = ("value", "targets", "units")
#: Object types of events that are about no stored model.
OBJECT_TYPES = {"indicators.job": _("scheduled job")}
