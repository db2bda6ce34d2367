"""Reads of the sampling ledger, always through `visible_to`: the owning unit's readers (and district
readers) see its plans and batches; a town's readers see the batches of entities in the town (read
only). `sample_public_snapshot` is what the public portal may publish of a batch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.permissions import Action
from qualitygov.indicators.measures import memoized

from . import rules
from .choices import OPEN_STAGES, ClockState, Stage, Verdict
from .models import FollowUp, SampleBatch, SamplingPlan


def plan_list_visible(*, user, action: str = Action.VIEW) -> QuerySet[SamplingPlan]:
    return SamplingPlan.objects.visible_to(user, action).select_related("owning_unit")


def plan_get_visible(*, user, pk: int, action: str = Action.VIEW) -> SamplingPlan:
    try:
        return plan_list_visible(user=user, action=action).get(pk=pk)
    except SamplingPlan.DoesNotExist:
        raise NotFoundError(_("Not found.")) from None


def batch_list_visible(*, user, action: str = Action.VIEW) -> QuerySet[SampleBatch]:
    return (SampleBatch.objects.visible_to(user, action)
            .select_related("plan", "plan__owning_unit", "entity", "town", "followup"))


def batch_get_visible(*, user, pk: int, action: str = Action.VIEW) -> SampleBatch:
    try:
        return batch_list_visible(user=user, action=action).get(pk=pk)
    except SampleBatch.DoesNotExist:
        raise NotFoundError(_("Not found.")) from None


def due_soon_horizon(today: dt.date) -> dt.date:
    """The last day a clock counts as "due soon" on `today` (the rule's `due_soon_days`, 15 by default)."""
    def days() -> int:
        try:
            return rules.due_soon_days(today)
        except ServiceError:  # no rule yet: the statutory default
            return 15

    return today + dt.timedelta(days=memoized(("sampling.due_soon_days", today), days))


def clock_filter(state: str, today: dt.date | None = None) -> Q:
    """The batches in a clock state (a filter of the batch list and of the measures)."""
    today = today or timezone.localdate()
    open_ = Q(followup__stage__in=OPEN_STAGES)
    if state == ClockState.OPEN:
        return open_
    if state == ClockState.DUE_SOON:
        return open_ & Q(followup__clock_due__gte=today, followup__clock_due__lte=due_soon_horizon(today))
    if state == ClockState.OVERDUE:
        return open_ & Q(followup__clock_due__lt=today)
    if state == ClockState.CLOSED:
        return Q(followup__stage__in=[Stage.CLOSED, Stage.TRANSFERRED])
    if state == ClockState.NONE:
        return Q(followup__isnull=True)
    return Q()


def clock_state(followup: FollowUp | None, today: dt.date | None = None) -> str:
    """One batch's clock state (`ClockState` value)."""
    today = today or timezone.localdate()
    if followup is None:
        return ClockState.NONE
    if not followup.is_open:
        return ClockState.CLOSED
    if followup.clock_due is not None and followup.clock_due < today:
        return ClockState.OVERDUE
    if followup.clock_due is not None and followup.clock_due <= due_soon_horizon(today):
        return ClockState.DUE_SOON
    return ClockState.OPEN


@dataclass(frozen=True)
class Moment:
    """A line of the follow-up timeline: a recorded step (`done`) or a deadline still to come."""

    on: dt.date
    label: str
    detail: str = ""
    done: bool = True


def timeline(batch: SampleBatch) -> list[Moment]:
    """The batch's history and open deadlines, in date order."""
    out = [Moment(batch.sampled_on, _("Sampled"), f"{batch.lab} · {batch.report_no}"),]
    f = getattr(batch, "followup", None)
    if f is not None:
        if f.notice_on:
            out.append(Moment(f.notice_on, _("Notice sent"), str(f.get_notice_method_display())))
        if f.served_on and f.served_on != f.notice_on:
            out.append(Moment(f.served_on, _("Counts as served"), _("service by public notice"),
                              f.served_on <= timezone.localdate()))
        if f.objection_due and not f.objection_on:
            out.append(Moment(f.objection_due, _("Objection window ends"), "", f.stage != Stage.NOTIFIED))
        if f.objection_on:
            out.append(Moment(f.objection_on, _("Objection received"),
                              _("decision due %(day)s") % {"day": f.objection_decision_due}))
        if f.objection_decided_on:
            out.append(Moment(f.objection_decided_on,
                              _("Objection accepted: re-test") if f.objection_accepted else _("Objection rejected"),
                              f.retest_lab))
        if f.retest_on:
            out.append(Moment(f.retest_on, _("Re-test passed") if f.retest_passed else _("Re-test failed")))
        if f.ordered_on:
            out.append(Moment(f.ordered_on, _("Ordered to correct"),
                              _("correct by %(day)s") % {"day": f.correction_due}))
        if f.recheck_due and f.recheck_on is None:
            out.append(Moment(f.recheck_due, _("Re-inspection due"), "", False))
        if f.recheck_on:
            out.append(Moment(f.recheck_on, _("Re-inspection passed") if f.recheck_passed
                              else _("Re-inspection failed")))
        if f.province_notice_on:
            out.append(Moment(f.province_notice_on, _("Provincial notice"),
                              _("second re-inspection %(start)s to %(end)s") % {
                                  "start": f.second_window_start, "end": f.second_window_end}))
        if f.second_window_end and f.second_recheck_on is None and f.is_open:
            out.append(Moment(f.second_window_end, _("Second re-inspection window ends"), "", False))
        if f.second_recheck_on and f.outcome == "corrected_second":
            out.append(Moment(f.second_recheck_on, _("Second re-inspection passed")))
        if f.case_on:
            out.append(Moment(f.case_on, _("Case transferred"), f.case_no))
    if batch.published_on:
        out.append(Moment(batch.published_on, _("Published"), str(batch.get_publication_channel_display())))
    return sorted(out, key=lambda m: m.on)


def open_followups(*, unit_ids=None, everything: bool = False) -> QuerySet[FollowUp]:
    """Open follow-ups of plans owned by `unit_ids` (all with `everything`), earliest deadline first."""
    qs = FollowUp.objects.filter(stage__in=OPEN_STAGES).select_related("batch", "batch__entity", "batch__plan",
                                                                         "batch__plan__owning_unit")
    if not everything:
        qs = qs.filter(batch__plan__owning_unit__in=list(unit_ids or []))
    return qs.order_by("clock_due", "pk")


def sample_public_snapshot(batch: SampleBatch) -> dict:
    """What may be published about a batch: the entity's name and code (a legal person's public register
    data), product, verdict, failed items, testing body, report number and dates. Nothing personal: no
    legal representative, address, phone or the officers who recorded it."""
    return {
        "entity_name": batch.entity.name,
        "uscc": batch.entity.uscc,
        "product": batch.product,
        "category": batch.plan.category,
        "plan": batch.plan.title,
        "year": batch.plan.year,
        "verdict": batch.verdict,
        "verdict_label": "合格" if batch.verdict == Verdict.PASS else "不合格",
        "failed_items": batch.failed_items if batch.verdict == Verdict.FAIL else "",
        "lab": batch.lab,
        "report_no": batch.report_no,
        "sampled_on": batch.sampled_on.isoformat(),
        "published_on": batch.published_on.isoformat() if batch.published_on else None,
        "town": batch.town.label if batch.town_id else "",
    }
