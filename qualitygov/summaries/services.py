"""Writes of the summaries: the template, rounds, each unit's summary, review, and the district draft.

District-wide records (the template, rounds, review, the district summary) are written only by an
office holding the whole district (`manages_district`); a unit's summary by those who may change
that unit (its liaison, or the office). Anyone else gets NotFoundError: missing and forbidden look
the same. Each write is one transaction with one audit event; states move by named transitions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import TOWN_KINDS, Action, OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.scoping import can, manages_district
from qualitygov.core.transitions import apply_transition
from qualitygov.core.uploads import CheckedFile, attachment_create
from qualitygov.core.versioning import version_check
from qualitygov.plans.models import Plan

from . import events
from .choices import (
    DISTRICT_TRANSITIONS,
    ROUND_TRANSITIONS,
    UNIT_EDITABLE,
    UNIT_SUMMARY_TRANSITIONS,
    DistrictStatus,
    Figure,
    RoundStatus,
    SummaryKind,
)
from .consolidate import district_content
from .figures import unit_figures
from .models import DistrictSummary, SummaryRound, SummaryTemplate, UnitSummary

#: The units of a round by default: departments, towns, subdistricts and management committees.
MEMBER_KINDS = frozenset({OrgUnitKind.DEPARTMENT, *TOWN_KINDS})


def may_manage(actor) -> bool:
    """True for an office holding the whole district: the writer of templates, rounds, reviews and the draft."""
    return manages_district(actor)


def may_write(actor, summary: UnitSummary) -> bool:
    """True when `actor` may write `summary`: its unit's liaison or the office, while the round is open."""
    return summary.round.status == RoundStatus.OPEN and can(actor, Action.CHANGE, summary.unit_id)


def _require_office(actor) -> None:
    if not may_manage(actor):
        raise NotFoundError(_("Not found."))


def _invalid(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def period_of(*, year: int, kind: str, half: int = 1) -> tuple[dt.date, dt.date]:
    """The period a round covers: the first or second half of `year`, or the whole year."""
    if kind == SummaryKind.ANNUAL:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


# The template


def _clean_sections(sections: Sequence[dict]) -> list[dict]:
    out = []
    for row in sections:
        heading = (row.get("heading") or "").strip()[:200]
        if heading:
            out.append({"heading": heading, "guidance": (row.get("guidance") or "").strip()[:1000]})
    return out


@transaction.atomic
def template_save(*, actor, title: str, sections: Sequence[dict], figures: Iterable[str],
                  template: SummaryTemplate | None = None, version: int | None = None) -> SummaryTemplate:
    """Create a template (`template` None) or change one; a stale `version` is refused and nothing changes.

    Needs a title and at least one section with a heading; figures are codes of `choices.Figure`.
    """
    _require_office(actor)
    title = (title or "").strip()[:200]
    if not title:
        raise _invalid("title", _("Enter the template's title."))
    sections = _clean_sections(sections)
    if not sections:
        raise _invalid("sections", _("Give at least one section heading."))
    figures = [code for code in Figure.values if code in set(figures)]
    created = template is None
    if template is not None:
        template = SummaryTemplate.objects.select_for_update().get(pk=template.pk)
        version_check(template, version, submitted={"title": title}, what=_("this template"))
        old = {"title": template.title, "sections": template.sections, "figures": template.figures}
    else:
        template = SummaryTemplate()
    template.title, template.sections, template.figures, template.updated_by = title, sections, figures, actor
    template.save()
    new = {"title": title, "sections": sections, "figures": figures}
    changes = {"new": new} if created else {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    audit_record(actor=actor, action=events.TEMPLATE_SAVE, obj=template, changes=changes)
    return template


# Rounds


def member_units(plan: Plan) -> list[OrgUnit]:
    """The units that file by default: active departments and towns responsible for a task, an indicator
    or a work item of `plan`, in the tree's order."""
    return list(OrgUnit.objects.filter(is_active=True, kind__in=MEMBER_KINDS).filter(
        Q(responsibilities__task__plan=plan) | Q(indicator_responsibilities__indicator__plan=plan)
        | Q(led_work_items__task__plan=plan)).distinct().order_by("sort_order", "pk"))


@transaction.atomic
def round_open(*, actor, plan: Plan, year: int, kind: str, due_date: dt.date, template: SummaryTemplate,
               half: int = 1, units: Sequence[OrgUnit] | None = None) -> SummaryRound:
    """Open a round: one summary to file per unit (`units`, default `member_units(plan)`), due `due_date`.

    The round keeps the template's sections and figures as they are now. Refused (nothing written)
    for a kind other than half-year/annual, a due date before the period starts, no units, or a
    round of that plan and period that exists already.
    """
    _require_office(actor)
    if kind not in SummaryKind.values:
        raise _invalid("kind", _("Choose half-year or annual."))
    if kind == SummaryKind.HALF_YEAR and half not in (1, 2):
        raise _invalid("half", _("Choose the first or the second half of the year."))
    start, end = period_of(year=year, kind=kind, half=half)
    if due_date is None or due_date < start:
        raise _invalid("due_date", _("The due date must be on or after %(date)s.") % {"date": start.isoformat()})
    if SummaryRound.objects.filter(plan=plan, year=year, kind=kind, period_start=start).exists():
        raise _invalid("year", _("A round for this plan and period exists already."))
    units = list(units) if units is not None else member_units(plan)
    if not units:
        raise _invalid("units", _("No member unit is responsible for anything in this plan yet."))
    rnd = SummaryRound.objects.create(
        plan=plan, year=year, kind=kind, period_start=start, period_end=end, due_date=due_date, template=template,
        template_version=template.version, sections=template.sections, figures=template.figures, created_by=actor)
    UnitSummary.objects.bulk_create([UnitSummary(round=rnd, unit=unit, texts=["" for _s in rnd.sections])
                                     for unit in units])
    audit_record(actor=actor, action=events.ROUND_OPEN, obj=rnd, changes={
        "kind": kind, "year": year, "due_date": due_date.isoformat(), "template_version": template.version,
        "units": [unit.label for unit in units]})
    return rnd


@transaction.atomic
def round_close(*, actor, round: SummaryRound) -> SummaryRound:
    """Close the round: units can no longer write, and the daily job stops chasing it."""
    _require_office(actor)
    rnd = SummaryRound.objects.select_for_update().get(pk=round.pk)
    old = apply_transition(rnd, ROUND_TRANSITIONS, "close")
    rnd.save()
    audit_record(actor=actor, action=events.ROUND_CLOSE, obj=rnd, changes={"status": [old, rnd.status]})
    return rnd


# A unit's summary


def _lock_for_writing(actor, summary: UnitSummary, version: int | None, texts) -> UnitSummary:
    if not can(actor, Action.CHANGE, summary.unit_id):
        raise NotFoundError(_("Not found."))
    locked = UnitSummary.objects.select_for_update().select_related("round", "unit").get(pk=summary.pk)
    if locked.round.status != RoundStatus.OPEN:
        raise ConflictError(_("The round is closed."))
    if locked.status not in UNIT_EDITABLE:
        raise ConflictError(_("This summary has been submitted and can no longer be changed."))
    version_check(locked, version, submitted={"texts": list(texts) if texts is not None else None},
                  what=_("this summary"))
    return locked


def _texts(summary: UnitSummary, texts: Sequence[str]) -> list[str]:
    texts = [(t or "").strip() for t in texts]
    wanted = len(summary.round.sections)
    if len(texts) != wanted:
        raise _invalid("texts", _("The summary has %(n)d sections.") % {"n": wanted})
    return texts


@transaction.atomic
def unit_summary_save(*, actor, summary: UnitSummary, texts: Sequence[str], version: int | None = None) -> UnitSummary:
    """Save the draft text (one per section); the unit may come back to it before submitting."""
    locked = _lock_for_writing(actor, summary, version, texts)
    texts = _texts(locked, texts)
    old = locked.texts
    locked.texts = texts
    locked.save()
    audit_record(actor=actor, action=events.UNIT_SAVE, obj=locked, unit=locked.unit,
                 changes={"sections": [i + 1 for i, text in enumerate(texts) if (old[i] if i < len(old) else "") != text]})
    return locked


@transaction.atomic
def unit_summary_submit(*, actor, summary: UnitSummary, texts: Sequence[str], version: int | None = None,
                        now: dt.datetime | None = None) -> UnitSummary:
    """Submit the summary: every section written; the figures are taken now and stored with it.

    Late when submitted after the due date (the flag stays once set: the assessment counts it).
    """
    locked = _lock_for_writing(actor, summary, version, texts)
    texts = _texts(locked, texts)
    empty = [i for i, text in enumerate(texts) if not text]
    if empty:
        errors = {f"text_{i}": [_("Write this section.")] for i in empty}
        raise ServiceError(_("Write every section before submitting (section %(n)s is empty).")
                           % {"n": "、".join(str(i + 1) for i in empty)}, fields=errors)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    locked.texts = texts
    locked.figures = unit_figures(unit=locked.unit, round=locked.round, as_of=today)
    old = apply_transition(locked, UNIT_SUMMARY_TRANSITIONS, "submit")
    locked.submitted_at, locked.submitted_by = now, actor
    locked.late = locked.late or today > locked.round.due_date
    locked.return_reason = ""
    locked.save()
    audit_record(actor=actor, action=events.UNIT_SUBMIT, obj=locked, unit=locked.unit, changes={
        "status": [old, locked.status], "late": locked.late, "figures": len(locked.figures.get("indicators", []))
        + (1 if "work_items" in locked.figures else 0)})
    return locked


@transaction.atomic
def unit_summary_evidence_attach(*, actor, summary: UnitSummary, checked: CheckedFile):
    """Store an evidence file (佐证材料, already through `check_upload`) with the unit's summary."""
    locked = _lock_for_writing(actor, summary, None, None)
    return attachment_create(actor=actor, checked=checked, owner=locked, unit=locked.unit)


@transaction.atomic
def unit_summary_accept(*, actor, summary: UnitSummary) -> UnitSummary:
    """The office accepts a submitted summary."""
    _require_office(actor)
    locked = UnitSummary.objects.select_for_update().get(pk=summary.pk)
    old = apply_transition(locked, UNIT_SUMMARY_TRANSITIONS, "accept")
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.save()
    audit_record(actor=actor, action=events.UNIT_ACCEPT, obj=locked, unit=locked.unit,
                 changes={"status": [old, locked.status]})
    return locked


@transaction.atomic
def unit_summary_return(*, actor, summary: UnitSummary, reason: str) -> UnitSummary:
    """The office returns a submitted summary with a reason; the unit revises and submits again."""
    _require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Give the reason for returning it."))
    locked = UnitSummary.objects.select_for_update().get(pk=summary.pk)
    old = apply_transition(locked, UNIT_SUMMARY_TRANSITIONS, "return")
    locked.return_reason, locked.reviewed_by, locked.reviewed_at = reason, actor, timezone.now()
    locked.save()
    audit_record(actor=actor, action=events.UNIT_RETURN, obj=locked, unit=locked.unit,
                 changes={"status": [old, locked.status], "reason": reason})
    return locked


# The district summary


@transaction.atomic
def district_summary_generate(*, actor, round: SummaryRound, version: int | None = None,
                              today: dt.date | None = None) -> DistrictSummary:
    """生成区级总结初稿: build (or rebuild, replacing the office's edits: pass the draft's `version`) the
    district draft from the units' submitted summaries. Refused once finalised."""
    _require_office(actor)
    rnd = SummaryRound.objects.select_for_update().get(pk=round.pk)
    today = today or timezone.localdate()
    content = district_content(rnd, today=today)
    existing = DistrictSummary.objects.select_for_update().filter(round=rnd).first()
    if existing is not None:
        if existing.status == DistrictStatus.FINAL:
            raise ConflictError(_("The district summary has been finalised and can no longer be changed."))
        version_check(existing, version, what=_("the district summary"))
        district = existing
    else:
        district = DistrictSummary(round=rnd)
    district.title, district.sections, district.figure_rows = content.title, content.sections, content.figure_rows
    district.generated_at, district.generated_by = timezone.now(), actor
    district.save()
    audit_record(actor=actor, action=events.DISTRICT_GENERATE, obj=district, changes={
        "submitted": content.filed_units, "late": content.late_units, "sections": len(content.sections)})
    return district


def _lock_district(actor, district: DistrictSummary, version: int | None, submitted=None) -> DistrictSummary:
    _require_office(actor)
    locked = DistrictSummary.objects.select_for_update().get(pk=district.pk)
    if locked.status == DistrictStatus.FINAL:
        raise ConflictError(_("The district summary has been finalised and can no longer be changed."))
    version_check(locked, version, submitted=submitted, what=_("the district summary"))
    return locked


@transaction.atomic
def district_summary_save(*, actor, district: DistrictSummary, title: str, texts: Sequence[str],
                          version: int | None = None) -> DistrictSummary:
    """The office's edit of the draft: the title and each section's text (headings stay)."""
    title = (title or "").strip()[:200]
    if not title:
        raise _invalid("title", _("Enter the title."))
    locked = _lock_district(actor, district, version, submitted={"title": title})
    if len(texts) != len(locked.sections):
        raise _invalid("texts", _("The summary has %(n)d sections.") % {"n": len(locked.sections)})
    changed = [row["heading"] for row, text in zip(locked.sections, texts, strict=True) if row["text"] != text.strip()]
    locked.title = title
    locked.sections = [{"heading": row["heading"], "text": text.strip()}
                       for row, text in zip(locked.sections, texts, strict=True)]
    locked.save()
    audit_record(actor=actor, action=events.DISTRICT_SAVE, obj=locked, changes={"sections": changed})
    return locked


@transaction.atomic
def district_summary_finalise(*, actor, district: DistrictSummary, version: int | None = None) -> DistrictSummary:
    """Finalise (定稿): the text is frozen; the .docx stays available."""
    locked = _lock_district(actor, district, version)
    old = apply_transition(locked, DISTRICT_TRANSITIONS, "finalise")
    locked.finalised_at, locked.finalised_by = timezone.now(), actor
    locked.save()
    audit_record(actor=actor, action=events.DISTRICT_FINALISE, obj=locked, changes={"status": [old, locked.status]})
    return locked
