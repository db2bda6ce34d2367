"""Audit events of the half-year and annual summaries."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

TEMPLATE_SAVE = EventType("summary_template.save", _("Summary template saved"))
ROUND_OPEN = EventType("summary_round.open", _("Summary round opened"))
ROUND_CLOSE = EventType("summary_round.close", _("Summary round closed"))
UNIT_SAVE = EventType("unit_summary.save", _("Unit summary saved"))
UNIT_SUBMIT = EventType("unit_summary.submit", _("Unit summary submitted"))
UNIT_ACCEPT = EventType("unit_summary.accept", _("Unit summary accepted"))
UNIT_RETURN = EventType("unit_summary.return", _("Unit summary returned"))
UNIT_LATE = EventType("unit_summary.late", _("Unit summary recorded late"))
DISTRICT_GENERATE = EventType("district_summary.generate", _("District summary draft generated"))
DISTRICT_SAVE = EventType("district_summary.save", _("District summary edited"))
DISTRICT_FINALISE = EventType("district_summary.finalise", _("District summary finalised"))
SUMMARIES_DAILY = EventType("summaries.daily", _("Summary reminders run"))

KEYS = {"units": _("units"), "late": _("late"), "due_date": _("due date"), "sections": _("sections"),
        "figures": _("figures"), "reason": _("reason"), "reminders": _("reminders"), "overdue": _("overdue"),
        "notices": _("notices"), "submitted": _("submitted"), "kind": _("kind"), "year": _("year"),
        "template_version": _("template version"), "today": _("date")}
