"""Writes of the upper-level assessment (迎考).

The office holding the whole district loads the scheme, assigns items and accepts or returns them
(others: NotFoundError). The lead unit's liaison (CHANGE over the item's lead unit) files the
self-score, the note and evidence of its own items and submits them; any other item is NotFoundError,
as if missing. Each write is one transaction with one audit event; a refused write changes nothing.
Assigning an item creates (or moves) the progress work item that chases it; accepting completes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.assessments.models import AssessmentScheme
from qualitygov.assessments.services import scheme_check
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import Attachment
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import can, manages_district
from qualitygov.core.transitions import apply_transition
from qualitygov.core.uploads import CheckedFile, attachment_create
from qualitygov.core.versioning import version_check
from qualitygov.plans.models import Task
from qualitygov.progress.services import (
    work_item_complete,
    work_item_create,
    work_item_reopen,
    work_item_update,
)

from . import events
from .choices import EDITABLE, ITEM_TRANSITIONS, UPPER_TRANSITIONS, ItemKind, UpperStatus
from .models import UpperAssessment, UpperItem


def may_manage(actor) -> bool:
    return manages_district(actor)


def _require_office(actor) -> None:
    if not may_manage(actor):
        raise NotFoundError(_("Not found."))


def may_fill(actor, item: UpperItem) -> bool:
    """The lead unit's people (CHANGE over it) fill an assigned item; the district office may too."""
    return item.lead_unit_id is not None and can(actor, Action.CHANGE, item.lead_unit_id)


def _require_filler(actor, item: UpperItem) -> None:
    if not may_fill(actor, item):
        raise NotFoundError(_("Not found."))


def _require_open(assessment: UpperAssessment) -> None:
    """A closed assessment (its 自评表 sent upwards) changes no more until the office reopens it."""
    if assessment.status != UpperStatus.OPEN:
        raise ConflictError(_("This assessment was submitted upwards: the office must reopen it first."))


def _error(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def _leaves(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every scored leaf in scheme order, each with the titles of the groups above it (`section`)."""
    out: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], path: list[str]) -> None:
        if "items" in node:
            for child in node["items"]:
                walk(child, [*path, str(node.get("title", ""))])
        else:
            out.append({**node, "section": " / ".join(p for p in path if p)})

    for section in document["sections"]:
        walk(section, [])
    return out


@transaction.atomic
def upper_assessment_import(*, actor, year: int, task: Task, title: str = "", text: str | None = None,
                            scheme: AssessmentScheme | None = None, source_name: str = "") -> UpperAssessment:
    """Load the upper level's scheme (`text` in the exchange format, or a stored `scheme`) for `year`:
    one UpperItem per leaf and per bonus item, numbered by the scheme's `seq` (else its code), unassigned.
    Vetoes are not self-scored and make no item."""
    _require_office(actor)
    if not 2000 <= year <= 2100:
        raise _error("year", _("Enter a year between 2000 and 2100."))
    if task is None:
        raise _error("task", _("Choose the plan task this preparation serves."))
    if scheme is not None:
        text, source_name = scheme.document, source_name or str(scheme)
    if not text:
        raise _error("file", _("Choose a scheme file or a stored scheme."))
    data, _checked = scheme_check(text)
    title = (title or "").strip() or str(data["title"])
    assessment = UpperAssessment.objects.create(year=year, title=title[:300], document=text, scheme=scheme, task=task,
                                                source_name=source_name[:255], created_by=actor)
    items = [UpperItem(assessment=assessment, code=str(leaf["code"])[:100], seq=str(leaf.get("seq") or "")[:40],
                       section=leaf["section"][:300], name=str(leaf.get("title") or leaf["code"])[:300],
                       max=Decimal(str(leaf["max"])), criteria=str(leaf.get("description") or ""),
                       owner_hint=str(leaf.get("owner") or "")[:200], order=i)
             for i, leaf in enumerate(_leaves(data), start=1)]
    bonus = data.get("bonus") or {}
    for key, entry in (bonus.get("items") or {}).items():
        # Stored text in Chinese, as the scheme's own text is.
        points, cap = Decimal(str(entry["points"])), Decimal(str(bonus["cap"]))
        items.append(UpperItem(
            assessment=assessment, kind=ItemKind.BONUS, code=str(key)[:100], seq=str(entry.get("seq") or "")[:40],
            section="加分项目", name=str(entry.get("text") or key)[:300], max=cap, order=len(items) + 1,
            criteria=f"每项加 {points.normalize():f} 分，加分合计不超过 {cap.normalize():f} 分。"))
    UpperItem.objects.bulk_create(items)
    audit_record(actor=actor, action=events.UPPER_IMPORT, obj=assessment, changes={
        "year": year, "title": assessment.title, "items": len(items), "scheme": scheme.pk if scheme else None,
        "source_name": source_name[:255]})
    return assessment


def _work_item_text(item: UpperItem) -> tuple[str, str]:
    # Stored text in Chinese: the units read it in their inbox whatever their UI language.
    title = f"迎考：{item.number} {item.name}"[:300]
    description = (f"{item.assessment.title}（{item.assessment.year}年）第{item.number}项“{item.name}”"
                   f"（{item.max.normalize():f}分），请提交自评得分和佐证材料。"
                   + (f"\n评分标准：{item.criteria}" if item.criteria else ""))
    return title, description


@transaction.atomic
def upper_item_assign(*, actor, item: UpperItem, lead_unit: OrgUnit, due_date: dt.date,
                      co_units: Iterable[OrgUnit] = (), version: int | None = None) -> UpperItem:
    """Give `item` to `lead_unit` (with `co_units`) due on `due_date`: its progress work item is created
    under the assessment's task, or moved to the new lead, co units and deadline."""
    _require_office(actor)
    item = UpperItem.objects.select_for_update(of=("self",)).select_related("assessment").get(pk=item.pk)
    version_check(item, version, submitted={"lead_unit": lead_unit, "due_date": due_date}, what=_("this item"))
    _require_open(item.assessment)
    if lead_unit is None:
        raise _error("lead_unit", _("Choose the lead unit."))
    if due_date is None:
        raise _error("due_date", _("Enter the due date."))
    co_units = [u for u in co_units if u.pk != lead_unit.pk]
    old = {"lead_unit": item.lead_unit_id, "due_date": item.due_date.isoformat() if item.due_date else None}
    item.lead_unit, item.due_date = lead_unit, due_date
    title, description = _work_item_text(item)
    if item.work_item is None:
        start = min(timezone.localdate(), due_date)
        item.work_item = work_item_create(actor=actor, task=item.assessment.task, lead_unit=lead_unit, title=title,
                                          deadline=due_date, start_date=start, description=description,
                                          co_units=co_units)
    else:
        start = min(item.work_item.start_date, due_date)
        work_item_update(actor=actor, work_item=item.work_item, lead_unit=lead_unit, deadline=due_date,
                         start_date=start, title=title, description=description, co_units=co_units)
    item.save()
    item.co_units.set(co_units)
    audit_record(actor=actor, action=events.ITEM_ASSIGN, obj=item, unit=lead_unit, changes={
        "lead_unit": [old["lead_unit"], lead_unit.pk], "due_date": [old["due_date"], due_date.isoformat()],
        "co_units": sorted(u.pk for u in co_units), "work_item": item.work_item_id})
    return item


def parse_score(value: Any, item: UpperItem) -> Decimal:
    """A self-score between 0 and the item's points, two decimals at most; ServiceError on `self_score`."""
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _error("self_score", _("Enter the self-score as a number.")) from None
    if not score.is_finite() or score < 0 or score > item.max:
        raise _error("self_score", _("The self-score must be between 0 and %(max)s.") % {"max": f"{item.max.normalize():f}"})
    if score != score.quantize(Decimal("0.01")):
        raise _error("self_score", _("Give the self-score with at most two decimals."))
    return score


def _editable(item: UpperItem) -> None:
    _require_open(item.assessment)
    if item.status not in EDITABLE:
        raise ServiceError(_("This item has been submitted: it can be changed again only if the office returns it."),
                           code="conflict")


@transaction.atomic
def upper_item_fill(*, actor, item: UpperItem, self_score: Any, note: str = "",
                    version: int | None = None) -> UpperItem:
    """The lead unit proposes its self-score and note (while the item is to do or returned)."""
    _require_filler(actor, item)
    item = UpperItem.objects.select_for_update().get(pk=item.pk)
    version_check(item, version, submitted={"self_score": self_score, "note": note}, what=_("this item"))
    _editable(item)
    score = parse_score(self_score, item)
    old = [str(item.self_score) if item.self_score is not None else None, item.note]
    item.self_score, item.note = score, (note or "").strip()[:5000]
    item.save()
    audit_record(actor=actor, action=events.ITEM_FILL, obj=item, unit=item.lead_unit,
                 changes={"self_score": [old[0], str(score)], **({"note": [old[1], item.note]} if old[1] != item.note else {})})
    return item


def item_attachments(item: UpperItem):
    return Attachment.objects.filter(owner_type=UpperItem._meta.label_lower, owner_id=str(item.pk)).order_by("pk")


@transaction.atomic
def upper_item_attach(*, actor, item: UpperItem, checked: CheckedFile) -> Attachment:
    """Add an evidence file (already through `check_upload`) to an item the actor's unit leads."""
    _require_filler(actor, item)
    item = UpperItem.objects.select_for_update().get(pk=item.pk)
    _editable(item)
    attachment = attachment_create(actor=actor, checked=checked, owner=item, unit=item.lead_unit)
    item.save()  # a new evidence file is a change of the item: its version moves on
    audit_record(actor=actor, action=events.ITEM_EVIDENCE, obj=item, unit=item.lead_unit,
                 changes={"attachment": attachment.pk, "name": checked.name})
    return attachment


@transaction.atomic
def upper_item_submit(*, actor, item: UpperItem, version: int | None = None) -> UpperItem:
    """The lead unit hands its self-score and evidence to the office (a self-score is required)."""
    _require_filler(actor, item)
    item = UpperItem.objects.select_for_update().get(pk=item.pk)
    version_check(item, version, what=_("this item"))
    _require_open(item.assessment)
    if item.self_score is None:
        raise _error("self_score", _("Enter the self-score before submitting."))
    old = apply_transition(item, ITEM_TRANSITIONS, "submit")
    item.save()
    audit_record(actor=actor, action=events.ITEM_SUBMIT, obj=item, unit=item.lead_unit,
                 changes={"status": [old, item.status], "self_score": str(item.self_score),
                          "evidence": item_attachments(item).count()})
    return item


@transaction.atomic
def upper_item_accept(*, actor, item: UpperItem) -> UpperItem:
    """The office accepts a submitted item; its work item is completed (the chasing stops)."""
    _require_office(actor)
    item = UpperItem.objects.select_for_update(of=("self",)).select_related("work_item").get(pk=item.pk)
    _require_open(item.assessment)
    old = apply_transition(item, ITEM_TRANSITIONS, "accept")
    item.review_note = ""
    item.save()
    if item.work_item is not None and item.work_item.status == "active":
        work_item_complete(actor=actor, work_item=item.work_item)
    audit_record(actor=actor, action=events.ITEM_ACCEPT, obj=item, unit=item.lead_unit,
                 changes={"status": [old, item.status]})
    return item


@transaction.atomic
def upper_item_return(*, actor, item: UpperItem, note: str) -> UpperItem:
    """The office returns an item with the reason; the lead unit edits it again (its work item reopens)."""
    _require_office(actor)
    note = (note or "").strip()
    if not note:
        raise _error("note", _("Give the reason for returning the item."))
    item = UpperItem.objects.select_for_update(of=("self",)).select_related("work_item").get(pk=item.pk)
    _require_open(item.assessment)
    old = apply_transition(item, ITEM_TRANSITIONS, "return")
    item.review_note = note[:500]
    item.save()
    if item.work_item is not None and item.work_item.status == "completed":
        work_item_reopen(actor=actor, work_item=item.work_item, note=note)
    audit_record(actor=actor, action=events.ITEM_RETURN, obj=item, unit=item.lead_unit,
                 changes={"status": [old, item.status], "note": note[:500]})
    return item


@transaction.atomic
def upper_assessment_transition(*, actor, assessment: UpperAssessment, name: str) -> UpperAssessment:
    """`close` once the 自评表 went to the upper level (no item changes any more), `reopen` to correct."""
    _require_office(actor)
    assessment = UpperAssessment.objects.select_for_update().get(pk=assessment.pk)
    old = apply_transition(assessment, UPPER_TRANSITIONS, name)
    assessment.save()
    audit_record(actor=actor, action=events.UPPER_CLOSE if name == "close" else events.UPPER_REOPEN, obj=assessment,
                 changes={"status": [old, assessment.status]})
    return assessment

