"""Audit events of reports to the level above."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

TEMPLATE_CREATE = EventType("upper_template.create", _("Report template created"))
TEMPLATE_UPDATE = EventType("upper_template.update", _("Report template changed"))
REPORT_CREATE = EventType("upper_report.create", _("Report to the level above generated"))
REPORT_REGENERATE = EventType("upper_report.regenerate", _("Report to the level above generated again"))
REPORT_REVIEW = EventType("upper_report.review", _("Report to the level above reviewed"))
REPORT_REOPEN = EventType("upper_report.reopen", _("Report to the level above back to draft"))
REPORT_SUBMIT = EventType("upper_report.submit", _("Submission to the level above recorded"))
REPORT_CORRECT = EventType("upper_report.correct", _("Correction of a report to the level above started"))

KEYS = {"indicators": _("indicators"), "missing": _("missing values"), "period": _("report period"),
        "files": _("files sent"), "corrects": _("corrects"), "reason": _("reason"), "new": _("new"),
        "edition": _("edition"), "template": _("template")}
