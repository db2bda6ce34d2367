"""Audit events of the one-stop service window."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

REQUEST_CREATE = EventType("service_request.create", _("Service request received"))
REQUEST_UPDATE = EventType("service_request.update", _("Service request changed"))
REQUEST_DELETE = EventType("service_request.delete", _("Service request deleted"))
REQUEST_ASSIGN = EventType("service_request.assign", _("Service request assigned"))
REQUEST_COMPLETE = EventType("service_request.complete", _("Service request done"))
REQUEST_REOPEN = EventType("service_request.reopen", _("Service request reopened"))
SLA_RULE_CREATE = EventType("sla_rule_set.create", _("Time-limit rule set added"))

KEYS = {"due_on": _("due on"), "workdays": _("working days"), "rule_set": _("rule set")}
REQUESTS_IMPORT = EventType("service_request.import", _("Service requests imported"))
