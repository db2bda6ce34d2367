"""Writes of the sampling ledger: plans, batches (one by one or imported), publication, and the
follow-up's named transitions.

Writers are users whose CHANGE scope covers the plan's owning unit (the office holding the district
too); anyone else gets NotFoundError, so a refused write looks like a missing record. Each write is
one transaction with one audit event of this app and a call to `measures.inputs_changed` for the
sampling measures. Nothing is written when a write is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, diff, snapshot
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import scope_for
from qualitygov.core.transitions import apply_transition
from qualitygov.core.versioning import version_check
from qualitygov.indicators.measures import inputs_changed
from qualitygov.registry.models import MarketEntity

from . import events, rules
from .choices import TRANSITIONS, Category, Channel, Clock, NoticeMethod, Outcome, Stage, Verdict
from .models import FollowUp, SampleBatch, SamplingPlan

#: Every measure the ledger's data feeds (see measures.py).
MEASURE_KEYS = ("sampling.batches", "sampling.failed", "sampling.pass_rate", "sampling.followups_open",
                "sampling.followups_due_soon", "sampling.followups_overdue")

PLAN_FIELDS = ["year", "title", "product", "category", "standard", "batches_planned", "lab", "window_start",
               "window_end", "owning_unit", "notes"]
BATCH_FIELDS = ["entity", "product", "sampled_on", "lab", "report_no", "verdict", "failed_items", "notes"]
FOLLOWUP_FIELDS = ["stage", "notice_method", "notice_on", "served_on", "objection_due", "objection_on",
                   "objection_decision_due", "objection_decided_on", "objection_accepted", "retest_lab", "retest_on",
                   "retest_passed", "ordered_on", "correction_due", "recheck_due", "recheck_on", "recheck_passed",
                   "province_notice_on", "second_window_start", "second_window_end", "second_recheck_on", "case_on",
                   "case_no", "credit_recorded", "clock", "clock_due", "outcome", "closed_on", "note"]
#: Dates of recorded steps: a later step may not be dated before any of them.
STEP_DATES = ["notice_on", "objection_on", "objection_decided_on", "retest_on", "ordered_on", "recheck_on",
              "province_notice_on", "second_recheck_on", "case_on"]


def _refuse(field: str, message: str):
    raise ServiceError(message, fields={field: [message]})


def _changed(actor) -> None:
    inputs_changed(keys=MEASURE_KEYS, actor=actor)


# --- who writes ------------------------------------------------------------------------------------


def may_write(user, plan: SamplingPlan) -> bool:
    """True when `user`'s CHANGE scope covers the plan's owning unit."""
    return plan.owning_unit_id in scope_for(user, Action.CHANGE)


def owning_unit_choices(user, *, keep_unit_id: int | None = None) -> QuerySet[OrgUnit]:
    """Units `user` may make a plan for: departments (and offices) in their CHANGE scope; `keep_unit_id`
    (a plan's current unit) stays choosable whatever its kind or scope, so editing a plan never loses it."""
    scope = scope_for(user, Action.CHANGE)
    qs = OrgUnit.objects.filter(kind__in=[OrgUnitKind.DEPARTMENT, OrgUnitKind.OFFICE], is_active=True)
    if not scope.everything:
        qs = qs.filter(pk__in=scope.unit_ids)
    if keep_unit_id is not None:
        qs = OrgUnit.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=keep_unit_id))
    return qs.order_by("sort_order", "pk")


def may_create_plan(user) -> bool:
    return owning_unit_choices(user).exists()


def _writable(actor, plan: SamplingPlan) -> None:
    if not may_write(actor, plan):
        raise NotFoundError(_("Not found."))


# --- plans -----------------------------------------------------------------------------------------


@transaction.atomic
def plan_save(*, actor, year: int, title: str, product: str, owning_unit: OrgUnit, category: str = Category.INDUSTRIAL,
              standard: str = "", batches_planned: int = 0, lab: str = "", window_start: dt.date | None = None,
              window_end: dt.date | None = None, notes: str = "", plan: SamplingPlan | None = None,
              version: int | None = None, is_demo: bool = False) -> SamplingPlan:
    """Create a plan (`plan` None) or change one. The actor must write for the owning unit before and
    after; refused without a title or product, with a window ending before it starts or outside the
    year, or with a stale `version`."""
    if not owning_unit_choices(actor).filter(pk=owning_unit.pk).exists():
        if plan is None or not may_write(actor, plan):
            raise NotFoundError(_("Not found."))
        _refuse("owning_unit", _("Choose a unit you work for."))
    title = (title or "").strip()[:200]
    product = (product or "").strip()[:100]
    if not title:
        _refuse("title", _("Enter the plan's title."))
    if not product:
        _refuse("product", _("Enter the product sampled."))
    if category not in Category.values:
        _refuse("category", _("Choose a category."))
    if not year or not 2000 <= int(year) <= 2100:
        _refuse("year", _("Enter a year between 2000 and 2100."))
    if window_start and window_end and window_end < window_start:
        _refuse("window_end", _("The window ends before it starts."))
    for name, day in (("window_start", window_start), ("window_end", window_end)):
        if day and day.year != int(year):
            _refuse(name, _("The sampling window must lie in the plan's year."))
    created = plan is None
    if plan is not None:
        plan = SamplingPlan.objects.select_for_update().get(pk=plan.pk)
        _writable(actor, plan)
        version_check(plan, version, submitted={"title": title}, what=_("this plan"))
        old = snapshot(plan, PLAN_FIELDS)
    else:
        plan, old = SamplingPlan(created_by=actor if getattr(actor, "is_authenticated", False) else None,
                                 is_demo=is_demo), {}
    plan.year, plan.title, plan.product, plan.category = int(year), title, product, category
    plan.standard, plan.batches_planned, plan.lab = (standard or "").strip()[:200], int(batches_planned or 0), \
        (lab or "").strip()[:200]
    plan.window_start, plan.window_end, plan.owning_unit, plan.notes = window_start, window_end, owning_unit, \
        (notes or "").strip()
    plan.save()
    new = snapshot(plan, PLAN_FIELDS)
    audit_record(actor=actor, action=events.PLAN_CREATE if created else events.PLAN_UPDATE, obj=plan,
                 unit=plan.owning_unit, changes={"new": new} if created else diff(old, new))
    _changed(actor)
    return plan


# --- batches ---------------------------------------------------------------------------------------


def _check_batch(plan: SamplingPlan, *, product: str, sampled_on, lab: str, report_no: str, verdict: str,
                 failed_items: str, exclude_pk: int | None = None) -> tuple[str, str, str, str]:
    product, lab = (product or "").strip()[:100], (lab or "").strip()[:200] or plan.lab
    report_no, failed_items = (report_no or "").strip()[:60], (failed_items or "").strip()
    if not product:
        _refuse("product", _("Enter the product sampled."))
    if sampled_on is None:
        _refuse("sampled_on", _("Enter the sampling date."))
    if sampled_on.year != plan.year:
        _refuse("sampled_on", _("The sampling date must lie in the plan's year (%(year)s).") % {"year": plan.year})
    if sampled_on > timezone.localdate():
        _refuse("sampled_on", _("The sampling date cannot be in the future."))
    if not lab:
        _refuse("lab", _("Enter the testing body."))
    if not report_no:
        _refuse("report_no", _("Enter the test report number."))
    if SampleBatch.objects.filter(report_no=report_no).exclude(pk=exclude_pk).exists():
        _refuse("report_no", _("Report number %(no)s is already recorded.") % {"no": report_no})
    if verdict not in Verdict.values:
        _refuse("verdict", _("Choose pass or fail."))
    if verdict == Verdict.FAIL and not failed_items:
        _refuse("failed_items", _("A failed batch needs its failed items."))
    if verdict == Verdict.PASS and failed_items:
        _refuse("failed_items", _("A batch that passed has no failed items."))
    return product, lab, report_no, failed_items


def _new_batch(*, actor, plan, entity, product, sampled_on, lab, report_no, verdict, failed_items, notes,
               is_demo) -> SampleBatch:
    batch = SampleBatch.objects.create(
        plan=plan, entity=entity, town_id=entity.town_id, product=product, industry_code=entity.industry_code,
        industry_name=entity.industry_name, sampled_on=sampled_on, lab=lab, report_no=report_no, verdict=verdict,
        failed_items=failed_items, notes=(notes or "").strip(), is_demo=is_demo,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    if verdict == Verdict.FAIL:
        FollowUp.objects.create(batch=batch)
    return batch


@transaction.atomic
def batch_create(*, actor, plan: SamplingPlan, entity: MarketEntity, product: str, sampled_on: dt.date,
                 lab: str, report_no: str, verdict: str, failed_items: str = "", notes: str = "",
                 is_demo: bool = False) -> SampleBatch:
    """Record a sampled batch; the entity's town and industry are copied onto it. A failed batch gets
    its follow-up at stage "notice to serve". Refused without product, date in the plan's year (not
    in the future), lab (the plan's by default), a new report number, or a fail without failed items."""
    _writable(actor, plan)
    product, lab, report_no, failed_items = _check_batch(plan, product=product, sampled_on=sampled_on, lab=lab,
                                                         report_no=report_no, verdict=verdict,
                                                         failed_items=failed_items)
    batch = _new_batch(actor=actor, plan=plan, entity=entity, product=product, sampled_on=sampled_on, lab=lab,
                       report_no=report_no, verdict=verdict, failed_items=failed_items, notes=notes, is_demo=is_demo)
    audit_record(actor=actor, action=events.BATCH_CREATE, obj=batch, unit=plan.owning_unit,
                 changes={"new": snapshot(batch, BATCH_FIELDS), "plan": plan.pk})
    _changed(actor)
    return batch


def nothing_follows(batch: SampleBatch) -> bool:
    """True while no follow-up step and no publication is recorded: the batch may still change verdict
    or be deleted."""
    followup = getattr(batch, "followup", None) if batch.pk else None
    return batch.published_on is None and (followup is None or followup.stage == Stage.NOTICE_PENDING)


@transaction.atomic
def batch_update(*, actor, batch: SampleBatch, entity: MarketEntity, product: str, sampled_on: dt.date, lab: str,
                 report_no: str, verdict: str, failed_items: str = "", notes: str = "",
                 version: int | None = None) -> SampleBatch:
    """Change a batch. Its entity and verdict change only while nothing follows (ConflictError after);
    a verdict turned to fail opens the follow-up, one turned to pass removes the unstarted follow-up."""
    batch = SampleBatch.objects.select_for_update().select_related("plan").get(pk=batch.pk)
    _writable(actor, batch.plan)
    version_check(batch, version, submitted={"report_no": report_no}, what=_("this batch"))
    product, lab, report_no, failed_items = _check_batch(batch.plan, product=product, sampled_on=sampled_on,
                                                         lab=lab, report_no=report_no, verdict=verdict,
                                                         failed_items=failed_items, exclude_pk=batch.pk)
    followup = FollowUp.objects.filter(batch=batch).first()
    if (verdict != batch.verdict or entity.pk != batch.entity_id) and not nothing_follows(batch):
        raise ConflictError(_("The follow-up has started: the verdict and the entity can no longer change."))
    old = snapshot(batch, BATCH_FIELDS)
    if entity.pk != batch.entity_id:
        batch.entity, batch.town_id = entity, entity.town_id
        batch.industry_code, batch.industry_name = entity.industry_code, entity.industry_name
    batch.product, batch.sampled_on, batch.lab, batch.report_no = product, sampled_on, lab, report_no
    batch.verdict, batch.failed_items, batch.notes = verdict, failed_items, (notes or "").strip()
    batch.save()
    if verdict == Verdict.FAIL and followup is None:
        FollowUp.objects.create(batch=batch)
    elif verdict == Verdict.PASS and followup is not None:
        followup.delete()
    audit_record(actor=actor, action=events.BATCH_UPDATE, obj=batch, unit=batch.plan.owning_unit,
                 changes=diff(old, snapshot(batch, BATCH_FIELDS)))
    _changed(actor)
    return batch


@transaction.atomic
def batch_delete(*, actor, batch: SampleBatch, reason: str = "") -> None:
    """Delete a batch recorded in error: only while nothing follows (ConflictError after)."""
    batch = SampleBatch.objects.select_for_update().select_related("plan").get(pk=batch.pk)
    _writable(actor, batch.plan)
    if not nothing_follows(batch):
        raise ConflictError(_("The follow-up has started or the result is published: the batch cannot be deleted."))
    changes = {"deleted": snapshot(batch, BATCH_FIELDS), "plan": batch.plan_id}
    if reason:
        changes["reason"] = reason[:500]
    audit_record(actor=actor, action=events.BATCH_DELETE, obj=batch, unit=batch.plan.owning_unit, changes=changes)
    FollowUp.objects.filter(batch=batch).delete()
    batch.delete()
    _changed(actor)


@transaction.atomic
def batch_publish(*, actor, batch: SampleBatch, published_on: dt.date, channel: str) -> SampleBatch:
    """Record the publication of the batch's result (date, channel); a failed batch only once its notice
    is served (the party learns it before the public)."""
    batch = SampleBatch.objects.select_for_update().select_related("plan").get(pk=batch.pk)
    _writable(actor, batch.plan)
    if channel not in Channel.values:
        _refuse("channel", _("Choose where it was published."))
    if published_on is None:
        _refuse("published_on", _("Enter the date."))
    if published_on < batch.sampled_on or published_on > timezone.localdate():
        _refuse("published_on", _("The date must lie between the sampling date and today."))
    followup = FollowUp.objects.filter(batch=batch).first()
    if followup is not None and followup.stage == Stage.NOTICE_PENDING:
        raise ConflictError(_("Serve the result notice before publishing a failed batch."))
    old = snapshot(batch, ["published_on", "publication_channel"])
    batch.published_on, batch.publication_channel = published_on, channel
    batch.save()
    audit_record(actor=actor, action=events.BATCH_PUBLISH, obj=batch, unit=batch.plan.owning_unit,
                 changes=diff(old, snapshot(batch, ["published_on", "publication_channel"])))
    return batch


# --- the follow-up's transitions -------------------------------------------------------------------


def _last_step(followup: FollowUp) -> dt.date:
    dates = [getattr(followup, name) for name in STEP_DATES if getattr(followup, name)]
    return max([followup.batch.sampled_on, *dates])


def _set_clock(followup: FollowUp, clock: str = "", due: dt.date | None = None) -> None:
    followup.clock, followup.clock_due = clock, due


def _close(followup: FollowUp, outcome: str, on: dt.date) -> None:
    followup.outcome, followup.closed_on = outcome, on
    _set_clock(followup)


def _step(followup: FollowUp, name: str, on: dt.date, data: dict[str, Any]) -> None:
    """Fill the step's facts and the clock it starts (the rules in force on the clock's start date)."""
    if name == "serve":
        method = data.get("notice_method") or ""
        if method not in NoticeMethod.values:
            _refuse("notice_method", _("Choose how the notice was served."))
        followup.notice_method, followup.notice_on = method, on
        followup.served_on = rules.deadline("public_notice", on) if method == NoticeMethod.PUBLIC else on
        followup.objection_due = rules.deadline("objection", followup.served_on)
        _set_clock(followup, Clock.OBJECTION, followup.objection_due)
    elif name == "object":
        if followup.objection_due and on > followup.objection_due:
            _refuse("on", _("The objection window ended on %(day)s: a later objection is not accepted.")
                    % {"day": followup.objection_due.isoformat()})
        followup.objection_on = on
        followup.objection_decision_due = rules.deadline("retest_decision", on)
        _set_clock(followup, Clock.OBJECTION_DECISION, followup.objection_decision_due)
    elif name in ("accept_objection", "reject_objection"):
        followup.objection_decided_on, followup.objection_accepted = on, name == "accept_objection"
        if name == "accept_objection":
            lab = (data.get("retest_lab") or "").strip()[:200]
            if not lab:
                _refuse("retest_lab", _("Enter the body doing the re-test."))
            if lab == followup.batch.lab:
                _refuse("retest_lab", _("The re-test is not done by the first testing body."))
            followup.retest_lab = lab
        _set_clock(followup)
    elif name in ("retest_pass", "retest_fail"):
        followup.retest_on, followup.retest_passed = on, name == "retest_pass"
        if name == "retest_pass":
            _close(followup, Outcome.OVERTURNED, on)
        else:
            _set_clock(followup)
    elif name == "order_correction":
        followup.ordered_on = on
        followup.correction_due = rules.deadline("correction", on)
        followup.recheck_due = rules.deadline("recheck", on)
        _set_clock(followup, Clock.RECHECK, followup.recheck_due)
    elif name in ("recheck_pass", "recheck_fail"):
        followup.recheck_on, followup.recheck_passed = on, name == "recheck_pass"
        if name == "recheck_pass":
            _close(followup, Outcome.CORRECTED, on)
        else:
            notice = data.get("province_notice_on")
            if notice is None:
                _refuse("province_notice_on", _("Enter the date of the provincial notice."))
            if notice < on:
                _refuse("province_notice_on", _("The provincial notice follows the failed re-inspection."))
            followup.province_notice_on = notice
            followup.second_window_start = rules.deadline("second_recheck_from", notice)
            followup.second_window_end = rules.deadline("second_recheck_to", notice)
            _set_clock(followup, Clock.SECOND_RECHECK, followup.second_window_end)
    elif name == "second_recheck_pass":
        if followup.second_window_start and on < followup.second_window_start:
            _refuse("on", _("The second re-inspection falls between %(start)s and %(end)s.")
                    % {"start": followup.second_window_start.isoformat(),
                       "end": followup.second_window_end.isoformat()})
        followup.second_recheck_on = on
        _close(followup, Outcome.CORRECTED_SECOND, on)
    elif name == "transfer":
        case_no = (data.get("case_no") or "").strip()[:60]
        if not case_no:
            _refuse("case_no", _("Enter the case number."))
        followup.case_on, followup.case_no = on, case_no
        followup.credit_recorded = bool(data.get("credit_recorded"))
        if followup.stage == Stage.ESCALATED and followup.second_recheck_on is None:
            followup.second_recheck_on = on
        _close(followup, Outcome.TRANSFERRED, on)


@transaction.atomic
def followup_transition(*, actor, followup: FollowUp, name: str, on: dt.date, version: int | None = None,
                        note: str = "", **data: Any) -> FollowUp:
    """Take the named step (`choices.TRANSITIONS`) dated `on`, with the step's facts in `data`
    (notice_method; retest_lab; province_notice_on; case_no, credit_recorded).

    ConflictError when the stage does not allow the step; ServiceError for a date before an earlier
    step or after today, or a missing fact; NotFoundError for a non-writer. Nothing changes on an error.
    """
    if name not in TRANSITIONS:
        raise NotFoundError(_("Not found."))
    followup = FollowUp.objects.select_for_update().select_related("batch", "batch__plan").get(pk=followup.pk)
    _writable(actor, followup.batch.plan)
    version_check(followup, version, what=_("this follow-up"))
    if on is None:
        _refuse("on", _("Enter the date."))
    old = snapshot(followup, FOLLOWUP_FIELDS)
    apply_transition(followup, TRANSITIONS, name, field="stage")
    if on > timezone.localdate():
        _refuse("on", _("The date cannot be in the future."))
    if on < _last_step(followup):
        _refuse("on", _("The date cannot be before %(day)s, the date of the previous step.")
                % {"day": _last_step(followup).isoformat()})
    _step(followup, name, on, data)
    if note:
        followup.note = (followup.note + "\n" if followup.note else "") + f"{on.isoformat()} {note.strip()}"
    followup.save()
    audit_record(actor=actor, action=events.FOLLOWUP_EVENTS[name], obj=followup,
                 unit=followup.batch.plan.owning_unit, changes=diff(old, snapshot(followup, FOLLOWUP_FIELDS)))
    _changed(actor)
    return followup


def last_step_date(followup: FollowUp) -> dt.date:
    return _last_step(followup)


def latest_batch_date() -> dt.date | None:
    return SampleBatch.objects.aggregate(last=Max("sampled_on"))["last"]
