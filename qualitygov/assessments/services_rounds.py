"""Writes of assessment rounds: the round and its timeline, the units' sheets, the office's review, the
leader's approval, objections, publication, locking and the follow-up work.

Who writes: the office holding the whole district (`manages_district`) sets up, reviews, answers
and publishes; a leader (approval over the whole district) approves or sends back; a unit with
`change` over its own unit fills and submits its sheet and lodges objections. Anyone else gets
NotFoundError, as for an object that does not exist. Each write is one transaction with one audit
event; a refused write changes nothing. State changes go through `ROUND_TRANSITIONS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action, OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.scoping import can, manages_district, scope_for
from qualitygov.core.transitions import apply_transition
from qualitygov.core.uploads import CheckedFile, attachment_create
from qualitygov.progress.services import work_item_create

from . import events
from . import rounds as R
from .choices import (
    FROZEN_STATES,
    ROUND_TRANSITIONS,
    EntryKind,
    EntrySource,
    ObjectionOutcome,
    ReviewDecision,
    RoundStatus,
    SchemeStatus,
    SheetStatus,
)
from .inputs import collect_units
from .models import AssessmentRound, AssessmentScheme, FollowUp, ItemEntry, Objection, RoundUnit

ASSESSED_KINDS = (OrgUnitKind.DEPARTMENT, OrgUnitKind.TOWN, OrgUnitKind.SUBDISTRICT, OrgUnitKind.MANAGEMENT_COMMITTEE)
#: States in which the unit fills its sheet (a returned item may also be changed during the review).
FILLING = frozenset({RoundStatus.SELF_ASSESSMENT})
REVIEWING = frozenset({RoundStatus.SELF_ASSESSMENT, RoundStatus.REVIEW, RoundStatus.ONSITE})


def may_manage(actor) -> bool:
    return manages_district(actor)


def may_approve(actor) -> bool:
    """A leader whose approval covers the whole district; the office prepares the results but does not
    approve its own review."""
    return scope_for(actor, Action.APPROVE).everything and not manages_district(actor)


def reads_all_results(actor) -> bool:
    """Leaders and the office: the approval page and the exports before publication."""
    return scope_for(actor, Action.APPROVE).everything


def _not_found():
    return NotFoundError(_("Not found."))


def _require_office(actor) -> None:
    if not may_manage(actor):
        raise _not_found()


def _require_unit(actor, round_unit: RoundUnit) -> None:
    if not can(actor, Action.CHANGE, round_unit.unit_id):
        raise _not_found()


def _refuse(field: str, message: str):
    return ServiceError(message, fields={field: [message]})


def _text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _refuse(field, message)
    return value


def _lock_round(round_: AssessmentRound) -> AssessmentRound:
    return AssessmentRound.objects.select_for_update().select_related("scheme").get(pk=round_.pk)


# ------------------------------------------------------------------------------------------------
# The round
# ------------------------------------------------------------------------------------------------

TIMELINE = ("self_due", "review_due", "onsite_due", "approval_due", "publish_on", "objection_until")


def _check_timeline(dates: dict[str, dt.date | None]) -> None:
    order = [(name, dates.get(name)) for name in TIMELINE]
    for name, value in order:
        if value is None and name != "onsite_due":
            raise _refuse(name, _("Enter this date."))
    last = None
    for name, value in order:
        if value is None:
            continue
        if last is not None and value < last:
            raise _refuse(name, _("This date must not be before the previous step of the timeline."))
        last = value


@transaction.atomic
def round_create(*, actor, scheme: AssessmentScheme, year: int, title: str, self_due: dt.date,
                 review_due: dt.date, approval_due: dt.date, publish_on: dt.date, objection_until: dt.date,
                 onsite_due: dt.date | None = None, followup_task=None,
                 units: Iterable[OrgUnit] | None = None) -> AssessmentRound:
    """A draft round of `year` on a published scheme, with its units (default: every active department,
    town, subdistrict and management committee) in their default groups."""
    _require_office(actor)
    if scheme.status != SchemeStatus.PUBLISHED:
        raise _refuse("scheme", _("Choose a published scheme: a round scores against a frozen version."))
    title = _text(title, "title", _("Enter the round's title."))[:200]
    if AssessmentRound.objects.filter(year=year, title=title).exists():
        raise _refuse("title", _("A round of this year already has this title."))
    dates = {"self_due": self_due, "review_due": review_due, "onsite_due": onsite_due,
             "approval_due": approval_due, "publish_on": publish_on, "objection_until": objection_until}
    _check_timeline(dates)
    round_ = AssessmentRound.objects.create(scheme=scheme, year=year, title=title, followup_task=followup_task,
                                            created_by=actor, **dates)
    if units is None:
        units = OrgUnit.objects.active().filter(kind__in=ASSESSED_KINDS).order_by("kind", "sort_order", "path")
    groups = R.scheme_data(scheme).get("groups")
    RoundUnit.objects.bulk_create([RoundUnit(round=round_, unit=unit, group=R.group_for(unit, groups))
                                   for unit in units])
    audit_record(actor=actor, action=events.ROUND_CREATE, obj=round_, changes={
        "new": {"title": title, "year": year, "scheme": scheme.pk,
                **{k: v.isoformat() for k, v in dates.items() if v}},
        "units": round_.units.count()})
    return round_


@transaction.atomic
def round_update(*, actor, round_: AssessmentRound, title: str, self_due: dt.date, review_due: dt.date,
                 approval_due: dt.date, publish_on: dt.date, objection_until: dt.date,
                 onsite_due: dt.date | None = None, followup_task=None) -> AssessmentRound:
    """Change the title, timeline or follow-up task of a round that is not locked."""
    _require_office(actor)
    round_ = _lock_round(round_)
    if round_.status == RoundStatus.LOCKED:
        raise ConflictError(_("A locked round cannot be changed."))
    title = _text(title, "title", _("Enter the round's title."))[:200]
    dates = {"self_due": self_due, "review_due": review_due, "onsite_due": onsite_due,
             "approval_due": approval_due, "publish_on": publish_on, "objection_until": objection_until}
    _check_timeline(dates)
    fields = {"title": title, "followup_task_id": getattr(followup_task, "pk", None), **dates}
    changes = {}
    for name, value in fields.items():
        old = getattr(round_, name)
        if old != value:
            changes[name] = [old.isoformat() if isinstance(old, dt.date) else old,
                             value.isoformat() if isinstance(value, dt.date) else value]
            setattr(round_, name, value)
    round_.save()
    audit_record(actor=actor, action=events.ROUND_UPDATE, obj=round_, changes=changes)
    return round_


@transaction.atomic
def round_unit_group_set(*, actor, round_unit: RoundUnit, group: str) -> RoundUnit:
    """Move a unit to another ranking group (one the scheme names) before the result is frozen."""
    _require_office(actor)
    round_unit = RoundUnit.objects.select_related("round__scheme", "unit").select_for_update().get(pk=round_unit.pk)
    if round_unit.round.status in FROZEN_STATES:
        raise ConflictError(_("The result is frozen: groups can no longer change."))
    groups = R.scheme_data(round_unit.round.scheme).get("groups")
    if not group or (groups is not None and group not in groups):
        raise _refuse("group", _("Choose one of the scheme's groups."))
    old = round_unit.group
    round_unit.group = group
    round_unit.save(update_fields=["group"])
    audit_record(actor=actor, action=events.ROUND_UNIT_GROUP, obj=round_unit, unit=round_unit.unit,
                 changes={"group": [old, group]})
    return round_unit


def _create_entries(round_: AssessmentRound) -> int:
    data = R.scheme_data(round_.scheme)
    leaves = R.leaves_of(data)
    bonus = list((data.get("bonus") or {}).get("items", {}))
    vetoes = [v["code"] for v in data.get("vetoes") or []]
    existing = set(ItemEntry.objects.filter(round_unit__round=round_).values_list("round_unit_id", "kind", "code"))
    rows = []
    for round_unit in round_.units.all():
        wanted = [(EntryKind.LEAF, leaf.code, leaf.source) for leaf in leaves]
        wanted += [(EntryKind.BONUS, key, EntrySource.SELF) for key in bonus]
        wanted += [(EntryKind.VETO, code, EntrySource.OFFICE) for code in vetoes]
        rows += [ItemEntry(round_unit=round_unit, kind=kind, code=code, source=source)
                 for kind, code, source in wanted if (round_unit.pk, kind, code) not in existing]
    ItemEntry.objects.bulk_create(rows)
    return len(rows)


def round_entries(round_: AssessmentRound) -> list[tuple[RoundUnit, list[ItemEntry]]]:
    units = list(round_.units.select_related("unit").order_by("group", "unit__sort_order", "unit__path"))
    by_unit: dict[int, list[ItemEntry]] = {u.pk: [] for u in units}
    for entry in ItemEntry.objects.filter(round_unit__round=round_).order_by("id"):
        by_unit[entry.round_unit_id].append(entry)
    return [(u, by_unit[u.pk]) for u in units]


def round_score(round_: AssessmentRound) -> tuple[dict[str, Any], list[int]]:
    """The engine's result for every unit of the round as its entries stand, and the round unit ids in
    the document's order; ServiceError naming the items still without input."""
    units = round_entries(round_)
    try:
        result = R.score(round_.scheme, round_.year, round_.publish_on, units)
    except R.Incomplete as exc:
        raise ServiceError(R.missing_message(exc.missing), code="incomplete") from None
    return result, [u.pk for u, _entries in units]


def _freeze(round_: AssessmentRound) -> dict[str, str]:
    result, ids = round_score(round_)
    round_.result, round_.result_units = result, ids
    return {u["unit"]: u["total"] for u in result["units"]}


@transaction.atomic
def round_transition(*, actor, round_: AssessmentRound, name: str, today: dt.date | None = None) -> AssessmentRound:
    """One of the office's steps: open (the units' sheets are created), start_review, start_onsite,
    submit (every applicable item must have an input), publish, lock (objections answered and the
    window closed; the follow-up work is created)."""
    _require_office(actor)
    if name not in ("open", "start_review", "start_onsite", "submit", "publish", "lock"):
        raise _not_found()
    round_ = _lock_round(round_)
    old = apply_transition(round_, ROUND_TRANSITIONS, name)
    changes: dict[str, Any] = {"status": [old, round_.status], "transition": name}
    now = timezone.now()
    if name == "open":
        changes["entries"] = _create_entries(round_)
    elif name == "submit":
        round_score(round_)
    elif name == "publish":
        round_.published_at = now
    elif name == "lock":
        if (today or timezone.localdate()) <= round_.objection_until:
            raise ConflictError(_("The objection window is open until %(date)s: lock the results after it.")
                                % {"date": round_.objection_until.isoformat()})
        if Objection.objects.filter(round_unit__round=round_, outcome=ObjectionOutcome.PENDING).exists():
            raise ConflictError(_("Answer every objection before locking the results."))
        round_.locked_at = now
        changes["follow_ups"] = _create_follow_ups(actor, round_)
    round_.save()
    audit_record(actor=actor, action=events.ROUND_TRANSITION, obj=round_, changes=changes)
    return round_


@transaction.atomic
def round_approve(*, actor, round_: AssessmentRound, note: str = "") -> AssessmentRound:
    """The leader approves the reviewed scores: the result is computed by the engine and frozen."""
    if not may_approve(actor):
        raise _not_found()
    round_ = _lock_round(round_)
    old = apply_transition(round_, ROUND_TRANSITIONS, "approve")
    totals = _freeze(round_)
    round_.approved_by, round_.approved_at, round_.approval_note = actor, timezone.now(), (note or "").strip()
    round_.save()
    audit_record(actor=actor, action=events.ROUND_APPROVE, obj=round_,
                 changes={"status": [old, round_.status], "totals": totals, "note": round_.approval_note})
    return round_


@transaction.atomic
def round_send_back(*, actor, round_: AssessmentRound, note: str) -> AssessmentRound:
    """The leader sends the round back to the office's review, saying why."""
    if not may_approve(actor):
        raise _not_found()
    note = _text(note, "note", _("Say what the office should look at again."))
    round_ = _lock_round(round_)
    old = apply_transition(round_, ROUND_TRANSITIONS, "send_back")
    round_.approval_note = note
    round_.save()
    audit_record(actor=actor, action=events.ROUND_SEND_BACK, obj=round_,
                 changes={"status": [old, round_.status], "note": note})
    return round_


def _rescore(actor, round_: AssessmentRound, why: str) -> None:
    """After an objection changed an item of a published round: recompute and freeze again."""
    before = {u["unit"]: u["total"] for u in (round_.result or {}).get("units", [])}
    after = _freeze(round_)
    round_.save(update_fields=["result", "result_units"])
    audit_record(actor=actor, action=events.ROUND_RESCORE, obj=round_, changes={
        "totals": {unit: [before.get(unit), total] for unit, total in after.items() if before.get(unit) != total},
        "reason": why})


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _create_follow_ups(actor, round_: AssessmentRound) -> int:
    """A work item (书面整改报告, due per the result) for each unit the frozen result marks for follow-up."""
    due_units = [(ru_id, u["follow_up"]) for ru_id, u in zip(round_.result_units or [], round_.result["units"],
                                                               strict=True) if u["follow_up"]]
    if not due_units:
        return 0
    if round_.followup_task is None:
        raise ServiceError(_("Choose the plan task under which the follow-up work is tracked (edit the round)."),
                           fields={"followup_task": [_("Choose a task.")]})
    made = 0
    for ru_id, follow in due_units:
        round_unit = RoundUnit.objects.select_related("unit").get(pk=ru_id)
        if FollowUp.objects.filter(round_unit=round_unit).exists():
            continue
        due = dt.date.fromisoformat(follow["due"])
        # Stored text in Chinese: it is part of the record the unit reads.
        title = f"{round_.title}：{follow['action']}"
        description = f"根据{round_.title}考核结果，{round_unit.unit.label}须于{due.isoformat()}前报送{follow['action']}。"
        item = work_item_create(actor=actor, task=round_.followup_task, lead_unit=round_unit.unit, title=title[:300],
                                deadline=due, start_date=min(round_.publish_on, due), description=description)
        follow_up = FollowUp.objects.create(round_unit=round_unit, work_item=item, action=follow["action"][:100],
                                            due=due)
        audit_record(actor=actor, action=events.FOLLOW_UP_CREATE, obj=follow_up, unit=round_unit.unit,
                     changes={"work_item": item.pk, "due": due.isoformat()})
        made += 1
    return made


# ------------------------------------------------------------------------------------------------
# Values of items
# ------------------------------------------------------------------------------------------------


def _leaf(entry: ItemEntry) -> R.Leaf | None:
    if entry.kind != EntryKind.LEAF:
        return None
    for leaf in R.leaves_of(R.scheme_data(entry.round_unit.round.scheme)):
        if leaf.code == entry.code:
            return leaf
    return None


def _number(value: Any, field: str, *, low: Decimal | None = None, high: Decimal | None = None) -> int | float:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _refuse(field, _("Enter a number.")) from None
    if not number.is_finite() or (low is not None and number < low) or (high is not None and number > high):
        raise _refuse(field, _("Enter a number between %(low)s and %(high)s.") % {
            "low": low if low is not None else "", "high": high if high is not None else ""})
    return int(number) if number == number.to_integral_value() else float(number)


def clean_value(entry: ItemEntry, value: Any) -> dict[str, Any]:
    """Check `value` against the entry's method (or bonus / veto) and return it in the exchange format;
    ServiceError naming the field otherwise."""
    if not isinstance(value, dict):
        raise _refuse("value", _("Enter the item's input."))
    if entry.kind == EntryKind.BONUS:
        count = value.get("count", 0)
        return {"count": int(_number(count, "count", low=Decimal(0), high=Decimal(100)))}
    if entry.kind == EntryKind.VETO:
        return {"applies": bool(value.get("applies"))}
    leaf = _leaf(entry)
    if leaf is None:
        raise _not_found()
    if value.get("na"):
        return {"na": True}
    params, method = leaf.params, leaf.method
    maximum = Decimal(str(leaf.max))
    if method == "judged":
        return {"score": _number(value.get("score"), "score", low=Decimal(0), high=maximum)}
    if method == "binary":
        return {"done": bool(value.get("done"))}
    if method == "graded":
        option = value.get("option")
        if not isinstance(option, str) or option not in params.get("options", {}):
            raise _refuse("option", _("Choose one of the options."))
        return {"option": option}
    if method == "per_missing":
        aspects = params.get("aspects", [])
        present = value.get("present") or []
        if not isinstance(present, list):
            raise _refuse("present", _("Choose the aspects in place."))
        return {"present": [a for a in aspects if a in present]}
    if method == "ratio":
        num = _number(value.get("num"), "num", low=Decimal(0))
        den = _number(value.get("den"), "den", low=Decimal(0))
        if Decimal(str(num)) > Decimal(str(den)) and den:
            raise _refuse("num", _("The numerator may not exceed the denominator."))
        return {"num": num, "den": den}
    if method in ("rate_bands", "indicator_shortfall"):
        return {"value": _number(value.get("value"), "value")}
    if method == "event_deductions":
        counts = value.get("counts") or {}
        if not isinstance(counts, dict):
            raise _refuse("counts", _("Enter the number of each kind of event."))
        return {"counts": {event: int(_number(counts.get(event, 0), f"count_{event}", low=Decimal(0)))
                           for event in params.get("events", {}) if counts.get(event)}}
    if method == "share_indicators":
        rows = value.get("indicators")
        if not isinstance(rows, list):
            raise _refuse("indicators", _("Enter the indicators as a list."))
        out = []
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or row.get("comparator") not in (">=", "<=", "=", "about"):
                raise _refuse("indicators", _("Indicator %(n)s: give comparator, target and value.") % {"n": i})
            item = {"comparator": row["comparator"], "target": _number(row.get("target"), "indicators"),
                    "value": _number(row.get("value"), "indicators")}
            if row.get("baseline") is not None:
                item["baseline"] = _number(row["baseline"], "indicators")
            out.append(item)
        return {"indicators": out}
    raise _refuse("value", _("Enter the item's input."))


def _entry_locked(entry_pk: int) -> ItemEntry:
    return (ItemEntry.objects.select_for_update()
            .select_related("round_unit__round__scheme", "round_unit__unit").get(pk=entry_pk))


@transaction.atomic
def round_inputs_set(*, actor, round_unit: RoundUnit, code: str, value: dict[str, Any],
                     records: Sequence[dict[str, str]] = (), source: str = EntrySource.AUTO) -> ItemEntry:
    """Store the automatic figure for a leaf (`source` auto) with the records behind it
    (`[{"label", "url"}]`); the office's override, if any, stays in force. Office only."""
    _require_office(actor)
    if source != EntrySource.AUTO:
        raise _refuse("source", _("Only automatic figures are stored this way."))
    try:
        entry = _entry_locked(ItemEntry.objects.get(round_unit=round_unit, kind=EntryKind.LEAF, code=code).pk)
    except ItemEntry.DoesNotExist:
        raise _not_found() from None
    if entry.round_unit.round.status in FROZEN_STATES:
        raise ConflictError(_("The result is frozen: figures can no longer change."))
    cleaned = clean_value(entry, value)
    records = [{"label": str(r.get("label", ""))[:300], "url": str(r.get("url", ""))[:500]} for r in records]
    old = entry.auto_value
    entry.auto_value, entry.records, entry.source = cleaned, records, EntrySource.AUTO
    entry.save()
    audit_record(actor=actor, action=events.ENTRY_AUTO, obj=entry, unit=entry.round_unit.unit,
                 changes={"code": code, "value": [old, cleaned], "records": len(records)})
    return entry


@transaction.atomic
def round_collect(*, actor, round_: AssessmentRound, as_of: dt.date | None = None) -> tuple[int, list[str]]:
    """Collect the automatic figures of every unit of the round from the platform's records of its year
    (`inputs.collect_units`) and store each through `round_inputs_set`, with the figures' explanations
    and the records behind them. Office only; not once the result is frozen.

    Returns (figures stored, codes of automatic items the platform cannot feed — the office sets those
    in the review). An override already made stays in force. All or nothing."""
    _require_office(actor)
    round_ = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status in FROZEN_STATES or round_.status == RoundStatus.DRAFT:
        raise ConflictError(_("Figures are collected after self-assessment starts and before the result is frozen."))
    round_units = list(round_.units.select_related("unit"))
    result = collect_units(scheme=round_.scheme, year=round_.year, units=[ru.unit for ru in round_units],
                           groups={ru.unit_id: ru.group for ru in round_units}, as_of=as_of)
    by_unit = {inputs.unit.pk: inputs for inputs in result.units}
    auto = ItemEntry.objects.filter(round_unit__round=round_, kind=EntryKind.LEAF, source=EntrySource.AUTO)
    stored, unfed = 0, set()
    for entry in auto.select_related("round_unit").order_by("round_unit_id", "id"):
        leaf = by_unit[entry.round_unit.unit_id].leaves.get(entry.code)
        if leaf is None:
            unfed.add(entry.code)
            continue
        # Each figure's explanation, then the records it counts not already listed under an earlier
        # figure of the leaf (a rate's on-time and due figures share their records).
        records: list[dict[str, str]] = []
        listed: set[tuple[str, int]] = set()
        for figure in leaf.figures:
            records.append({"label": figure.explanation, "url": ""})
            for ref in figure.records:
                if (ref.kind, ref.pk) not in listed:
                    listed.add((ref.kind, ref.pk))
                    records.append(ref.as_link())
        round_inputs_set(actor=actor, round_unit=entry.round_unit, code=entry.code, value=leaf.input_json(),
                         records=records)
        stored += 1
    return stored, sorted(unfed)


@transaction.atomic
def entry_self_save(*, actor, entry: ItemEntry, value: dict[str, Any], note: str = "",
                    files: Sequence[CheckedFile] = ()) -> ItemEntry:
    """The unit fills a self-assessed item or claims a bonus item, with a note and evidence files.

    Open while self-assessment runs and the sheet is not submitted, and for an item the office
    returned. Automatic items, leader evaluations and vetoes are not the unit's to fill.
    """
    entry = _entry_locked(entry.pk)
    _require_unit(actor, entry.round_unit)
    round_unit = entry.round_unit
    round_ = round_unit.round
    returned = entry.decision == ReviewDecision.RETURN and round_.status in REVIEWING
    if not returned and (round_.status not in FILLING or round_unit.sheet_status == SheetStatus.SUBMITTED):
        raise ConflictError(_("The sheet is not open for changes."))
    if entry.kind == EntryKind.VETO or (entry.kind == EntryKind.LEAF and entry.source != EntrySource.SELF):
        raise ConflictError(_("This item is not filled by the unit."))
    cleaned = clean_value(entry, value)
    old = entry.self_value
    entry.self_value, entry.note, entry.set_by = cleaned, (note or "").strip(), actor
    if returned:
        entry.decision = ReviewDecision.PENDING
    entry.save()
    stored = [attachment_create(actor=actor, checked=f, owner=entry, unit=round_unit.unit) for f in files]
    audit_record(actor=actor, action=events.ENTRY_SELF, obj=entry, unit=round_unit.unit,
                 changes={"code": entry.code, "value": [old, cleaned], "files": [a.original_name for a in stored]})
    return entry


@transaction.atomic
def sheet_submit(*, actor, round_unit: RoundUnit, now: dt.datetime | None = None) -> RoundUnit:
    """The unit submits its sheet; a submission after the due date is recorded as late."""
    round_unit = RoundUnit.objects.select_for_update().select_related("round", "unit").get(pk=round_unit.pk)
    _require_unit(actor, round_unit)
    round_ = round_unit.round
    if round_unit.sheet_status == SheetStatus.SUBMITTED:
        raise ConflictError(_("The sheet was already submitted."))
    resubmit = round_unit.sheet_status == SheetStatus.RETURNED and round_.status in REVIEWING
    if round_.status not in FILLING and not resubmit:
        raise ConflictError(_("The sheet is not open for changes."))
    now = now or timezone.now()
    first = round_unit.submitted_at is None
    round_unit.sheet_status, round_unit.submitted_by = SheetStatus.SUBMITTED, actor
    if first:
        round_unit.submitted_at = now
        round_unit.late = timezone.localdate(now) > round_.self_due
    round_unit.save()
    audit_record(actor=actor, action=events.SHEET_SUBMIT, obj=round_unit, unit=round_unit.unit,
                 changes={"late": round_unit.late, "resubmitted": not first})
    return round_unit


@transaction.atomic
def entry_override(*, actor, entry: ItemEntry, value: dict[str, Any], reason: str) -> ItemEntry:
    """The office sets an item's value with its basis: overrides an automatic figure, enters a leader
    evaluation or marks a veto. The reason is required and kept beside the value."""
    _require_office(actor)
    entry = _entry_locked(entry.pk)
    if entry.round_unit.round.status in FROZEN_STATES:
        raise ConflictError(_("The result is frozen: figures can no longer change."))
    if entry.round_unit.round.status == RoundStatus.DRAFT:
        raise ConflictError(_("Open the round first."))
    reason = _text(reason, "reason", _("Give the reason (basis) for this value."))
    cleaned = clean_value(entry, value)
    old = entry.override_value
    entry.override_value, entry.override_reason, entry.set_by = cleaned, reason, actor
    entry.save()
    audit_record(actor=actor, action=events.ENTRY_OVERRIDE, obj=entry, unit=entry.round_unit.unit,
                 changes={"code": entry.code, "value": [old, cleaned], "reason": reason})
    return entry


@transaction.atomic
def entry_review(*, actor, entry: ItemEntry, decision: str, reason: str = "",
                 value: dict[str, Any] | None = None) -> ItemEntry:
    """The office's review of one item: accept, adjust (a value and a reason) or return to the unit
    (a reason). During review and on-site checks; in a published round only to act on an objection
    about the item (the frozen result is then recomputed)."""
    _require_office(actor)
    entry = _entry_locked(entry.pk)
    round_ = entry.round_unit.round
    published_fix = round_.status == RoundStatus.PUBLISHED and entry.objections.filter(
        outcome__in=(ObjectionOutcome.PENDING, ObjectionOutcome.UPHELD, ObjectionOutcome.PARTLY)).exists()
    if round_.status not in REVIEWING and not published_fix:
        raise ConflictError(_("Items are reviewed while the review runs."))
    if decision not in (ReviewDecision.ACCEPT, ReviewDecision.ADJUST, ReviewDecision.RETURN):
        raise _refuse("decision", _("Choose accept, adjust or return."))
    if published_fix and decision == ReviewDecision.RETURN:
        raise _refuse("decision", _("A published result can be adjusted, not returned."))
    changes: dict[str, Any] = {"code": entry.code, "decision": [entry.decision, decision]}
    if decision == ReviewDecision.ADJUST:
        reason = _text(reason, "reason", _("Give the reason for the adjustment."))
        cleaned = clean_value(entry, value)
        changes["value"] = [entry.effective, cleaned]
        entry.reviewed_value = cleaned
    elif decision == ReviewDecision.RETURN:
        reason = _text(reason, "reason", _("Say what the unit should change."))
        entry.reviewed_value = None
    else:
        entry.reviewed_value = None
    entry.decision, entry.review_reason = decision, (reason or "").strip()
    entry.reviewed_by, entry.reviewed_at = actor, timezone.now()
    entry.save()
    if decision == ReviewDecision.RETURN:
        RoundUnit.objects.filter(pk=entry.round_unit_id).update(sheet_status=SheetStatus.RETURNED)
    changes["reason"] = entry.review_reason
    audit_record(actor=actor, action=events.ENTRY_REVIEW, obj=entry, unit=entry.round_unit.unit, changes=changes)
    if published_fix:
        _rescore(actor, AssessmentRound.objects.select_for_update().get(pk=round_.pk),
                 _("Objection about item %(code)s") % {"code": entry.code})
    return entry


# ------------------------------------------------------------------------------------------------
# Objections
# ------------------------------------------------------------------------------------------------


@transaction.atomic
def objection_file(*, actor, round_unit: RoundUnit, text: str, entry: ItemEntry | None = None,
                   today: dt.date | None = None) -> Objection:
    """The unit lodges an objection (异议) to an item or its whole result, after publication and until
    the window closes."""
    round_unit = RoundUnit.objects.select_related("round", "unit").get(pk=round_unit.pk)
    _require_unit(actor, round_unit)
    round_ = round_unit.round
    today = today or timezone.localdate()
    if round_.status != RoundStatus.PUBLISHED or today > round_.objection_until:
        raise ConflictError(_("Objections are lodged after publication, until %(date)s.")
                            % {"date": round_.objection_until.isoformat()})
    if entry is not None and entry.round_unit_id != round_unit.pk:
        raise _not_found()
    text = _text(text, "text", _("Say what you object to and why."))
    objection = Objection.objects.create(round_unit=round_unit, entry=entry, text=text, filed_by=actor)
    audit_record(actor=actor, action=events.OBJECTION_FILE, obj=objection, unit=round_unit.unit,
                 changes={"code": entry.code if entry else "", "text": text})
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, outcome: str, answer: str) -> Objection:
    """The office answers an objection: upheld, partly upheld or not upheld, with its reasons. Changing
    the score itself is a separate adjustment of the item (`entry_review`)."""
    _require_office(actor)
    objection = Objection.objects.select_for_update().select_related("round_unit__unit", "round_unit__round").get(
        pk=objection.pk)
    if objection.round_unit.round.status != RoundStatus.PUBLISHED:
        raise ConflictError(_("The results are locked."))
    if outcome not in (ObjectionOutcome.UPHELD, ObjectionOutcome.PARTLY, ObjectionOutcome.REJECTED):
        raise _refuse("outcome", _("Choose the outcome."))
    answer = _text(answer, "answer", _("Write the answer to the unit."))
    old = objection.outcome
    objection.outcome, objection.answer = outcome, answer
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.save()
    audit_record(actor=actor, action=events.OBJECTION_ANSWER, obj=objection, unit=objection.round_unit.unit,
                 changes={"outcome": [old, outcome], "answer": answer})
    return objection
