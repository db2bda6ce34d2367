"""Verdicts, notice methods, follow-up (后处置) stages and their named transitions, clock kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """The sampling category, the same values the feeds use as `category` of the sampling measures."""

    FOOD = "食品", _("Food")
    DRUG = "药品", _("Drugs")
    AGRI = "食用农产品", _("Edible farm produce")
    INDUSTRIAL = "工业产品", _("Industrial products")


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class NoticeMethod(models.TextChoices):
    """How the result notice reached the party; 公告送达 counts as served only after the rule's period."""

    DIRECT = "direct", _("Delivered in person")
    MAIL = "mail", _("Registered mail")
    ELECTRONIC = "electronic", _("Electronic service")
    PUBLIC = "public", _("Service by public notice (公告送达)")


class Stage(models.TextChoices):
    NOTICE_PENDING = "notice_pending", _("Notice to serve")
    NOTIFIED = "notified", _("Notice served")
    OBJECTION = "objection", _("Objection received")
    RETEST = "retest", _("Re-test (复检) under way")
    CONFIRMED = "confirmed", _("Failure confirmed")
    CORRECTING = "correcting", _("Ordered to correct")
    ESCALATED = "escalated", _("Provincial notice, second re-inspection")
    CLOSED = "closed", _("Closed")
    TRANSFERRED = "transferred", _("Case transferred")


OPEN_STAGES = frozenset(Stage.values) - {Stage.CLOSED, Stage.TRANSFERRED}


class Outcome(models.TextChoices):
    """How a closed follow-up ended."""

    OVERTURNED = "overturned", _("Re-test passed: the failure was overturned")
    CORRECTED = "corrected", _("Re-inspection passed")
    CORRECTED_SECOND = "corrected_second", _("Second re-inspection passed")
    TRANSFERRED = "transferred", _("Transferred as a case")


#: Named transitions of a follow-up: name → (stages it may start from, stage it leads to).
#: An objection does not suspend the order to correct (domain-rules §2.2), but the ledger records the
#: steps in order: the order is recorded once the notice is served and any objection is settled.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "serve": (frozenset({Stage.NOTICE_PENDING}), Stage.NOTIFIED),
    "object": (frozenset({Stage.NOTIFIED}), Stage.OBJECTION),
    "accept_objection": (frozenset({Stage.OBJECTION}), Stage.RETEST),
    "reject_objection": (frozenset({Stage.OBJECTION}), Stage.CONFIRMED),
    "retest_pass": (frozenset({Stage.RETEST}), Stage.CLOSED),
    "retest_fail": (frozenset({Stage.RETEST}), Stage.CONFIRMED),
    "order_correction": (frozenset({Stage.NOTIFIED, Stage.CONFIRMED}), Stage.CORRECTING),
    "recheck_pass": (frozenset({Stage.CORRECTING}), Stage.CLOSED),
    "recheck_fail": (frozenset({Stage.CORRECTING}), Stage.ESCALATED),
    "second_recheck_pass": (frozenset({Stage.ESCALATED}), Stage.CLOSED),
    "transfer": (frozenset({Stage.NOTIFIED, Stage.CONFIRMED, Stage.CORRECTING, Stage.ESCALATED}),
                 Stage.TRANSFERRED),
}

#: The buttons of the batch page, in the order the steps happen.
TRANSITION_LABELS: dict[str, object] = {
    "serve": _("Record the notice served"),
    "object": _("Record an objection"),
    "accept_objection": _("Accept the objection: re-test"),
    "reject_objection": _("Reject the objection"),
    "retest_pass": _("Re-test passed"),
    "retest_fail": _("Re-test failed"),
    "order_correction": _("Order correction (责令改正)"),
    "recheck_pass": _("Re-inspection passed"),
    "recheck_fail": _("Re-inspection failed: provincial notice"),
    "second_recheck_pass": _("Second re-inspection passed"),
    "transfer": _("Transfer as a case (案件移送)"),
}


class Clock(models.TextChoices):
    """The deadline a follow-up currently waits on (empty: none)."""

    OBJECTION = "objection", _("Objection window")
    OBJECTION_DECISION = "objection_decision", _("Decision on the re-test request")
    RECHECK = "recheck", _("Re-inspection (复查) due")
    SECOND_RECHECK = "second_recheck", _("Second re-inspection window")


class ClockState(models.TextChoices):
    """A filter of the batch list."""

    OPEN = "open", _("Follow-up open")
    DUE_SOON = "due_soon", _("Due within 15 days")
    OVERDUE = "overdue", _("Overdue")
    CLOSED = "closed", _("Follow-up finished")
    NONE = "none", _("No follow-up")


class DayCount(models.TextChoices):
    CALENDAR = "calendar", pgettext_lazy("length of a period", "calendar days")
    WORKDAYS = "workdays", pgettext_lazy("length of a period", "working days")


class Channel(models.TextChoices):
    WEBSITE = "website", _("Government website")
    PORTAL = "portal", _("The platform's public portal")
    NEWSPAPER = "newspaper", _("Newspaper")
    WECHAT = "wechat", _("WeChat official account")
    OTHER = "other", _("Other")
