"""Audit events of the sampling follow-up ledger."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualitygov.core.events import EventType

PLAN_CREATE = EventType("sampling_plan.create", _("Sampling plan created"))
PLAN_UPDATE = EventType("sampling_plan.update", _("Sampling plan changed"))
BATCH_CREATE = EventType("sample_batch.create", _("Sampled batch recorded"))
BATCH_UPDATE = EventType("sample_batch.update", _("Sampled batch changed"))
BATCH_DELETE = EventType("sample_batch.delete", _("Sampled batch deleted"))
BATCH_PUBLISH = EventType("sample_batch.publish", _("Sampling result published"))
BATCH_IMPORT = EventType("sample_batch.import", _("Sampled batches imported"))
SERVE = EventType("sampling_followup.serve", _("Sampling result notice served"))
OBJECT = EventType("sampling_followup.object", _("Objection to a sampling result received"))
ACCEPT_OBJECTION = EventType("sampling_followup.accept_objection", _("Objection accepted, re-test ordered"))
REJECT_OBJECTION = EventType("sampling_followup.reject_objection", _("Objection rejected"))
RETEST_PASS = EventType("sampling_followup.retest_pass", _("Re-test passed"))
RETEST_FAIL = EventType("sampling_followup.retest_fail", _("Re-test failed"))
ORDER_CORRECTION = EventType("sampling_followup.order_correction", _("Ordered to correct"))
RECHECK_PASS = EventType("sampling_followup.recheck_pass", _("Re-inspection passed"))
RECHECK_FAIL = EventType("sampling_followup.recheck_fail", _("Re-inspection failed, provincial notice"))
SECOND_RECHECK_PASS = EventType("sampling_followup.second_recheck_pass", _("Second re-inspection passed"))
TRANSFER = EventType("sampling_followup.transfer", _("Sampling case transferred"))
REMIND = EventType("sampling.remind", _("Sampling follow-up reminders sent"))

#: The event of each named follow-up transition.
FOLLOWUP_EVENTS: dict[str, EventType] = {
    "serve": SERVE, "object": OBJECT, "accept_objection": ACCEPT_OBJECTION, "reject_objection": REJECT_OBJECTION,
    "retest_pass": RETEST_PASS, "retest_fail": RETEST_FAIL, "order_correction": ORDER_CORRECTION,
    "recheck_pass": RECHECK_PASS, "recheck_fail": RECHECK_FAIL, "second_recheck_pass": SECOND_RECHECK_PASS,
    "transfer": TRANSFER,
}

KEYS = {"new": pgettext_lazy("sampling ledger", "new"), "rows": _("rows"), "file": _("file"), "plan": _("sampling plan"), "as_of": _("as of"),
        "reminders": _("reminders"), "overdue": _("overdue notices"), "already_sent": _("already sent"),
        "deleted": _("deleted")}

OBJECT_TYPES = {"sampling.job": _("Sampling follow-up job")}
