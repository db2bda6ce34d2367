"""Writes of reports to the level above: templates, generating, reviewing, submitting, correcting.

Only an office holding the whole district writes here (the reports are the district's); anyone else
gets NotFoundError. Each write is one transaction with one audit event of this app (submitting also
stores the two files sent, each with core's attachment event). A report is generated from approved
data only (`generation`); generated again only while draft; frozen from review; never changed once
submitted — a correction is a new edition linked to the one it corrects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.audit import audit_record, snapshot
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import manages_district, scope_for
from qualitygov.core.transitions import apply_transition
from qualitygov.core.uploads import CheckedFile, attachment_create
from qualitygov.core.versioning import version_check
from qualitygov.plans.models import Plan

from . import events
from .choices import REPORT_TRANSITIONS, Channel, FigureColumn, PeriodKind, ReportStatus
from .exports import file_stem, report_docx, report_xlsx
from .generation import build_snapshot
from .models import TemplateIndicator, UpperReport, UpperReportTemplate
from .periods import due_date, period_of

TEMPLATE_FIELDS = ["title", "requested_by", "filing_unit", "plan", "columns", "include_progress", "period_kind",
                   "due_workdays", "active", "notes"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def may_manage(actor) -> bool:
    """True for an office holding the whole district: the only writer of reports to the level above."""
    return manages_district(actor)


def may_read(actor) -> bool:
    """True for users who read the whole district (office, leaders): liaisons do not see these reports."""
    return scope_for(actor, Action.VIEW).everything


def _require_office(actor) -> None:
    if not may_manage(actor):
        raise NotFoundError(_("Not found."))


def _refuse(field: str, message: str):
    raise ServiceError(message, fields={field: [message]})


def _text(value: str, field: str, message: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        _refuse(field, message)
    return value[:limit]


@transaction.atomic
def template_save(*, actor, title: str, requested_by: str, plan: Plan, indicators: Sequence,
                  columns: Sequence[str], period_kind: str = PeriodKind.QUARTER, due_workdays: int = 5,
                  include_progress: bool = True, filing_unit: str = "", active: bool = True, notes: str = "",
                  template: UpperReportTemplate | None = None, version: int | None = None) -> UpperReportTemplate:
    """Create a template (`template` None) or change one; `indicators` in table order, all of `plan`.

    Refused, nothing written, without a title, a requesting body, an indicator or the 指标名称 column, with
    an unknown column or period kind, or with a stale `version`. Reports already made keep their own copy
    of the columns and figures (the snapshot), so a change affects only reports generated afterwards.
    """
    _require_office(actor)
    title = _text(title, "title", _("Enter the report's title."), 200)
    requested_by = _text(requested_by, "requested_by", _("Enter who asks for the report."), 100)
    columns = [str(c) for c in columns]
    if not columns or any(c not in FigureColumn.values for c in columns) or len(set(columns)) != len(columns):
        _refuse("columns", _("Choose the table's columns."))
    if FigureColumn.NAME not in columns:
        _refuse("columns", _("The table needs the indicator name column."))
    if period_kind not in PeriodKind.values:
        _refuse("period_kind", _("Choose how often the report is due."))
    if due_workdays is None or not 0 <= int(due_workdays) <= 60:
        _refuse("due_workdays", _("Give the due date as 0 to 60 working days after the period ends."))
    indicators = list(dict.fromkeys(indicators))
    if not indicators:
        _refuse("indicators", _("Choose at least one indicator."))
    if any(ind.plan_id != plan.pk for ind in indicators):
        _refuse("indicators", _("Every indicator must belong to the chosen plan."))
    created = template is None
    if template is not None:
        template = UpperReportTemplate.objects.select_for_update().get(pk=template.pk)
        version_check(template, version, submitted={"title": title}, what=_("this template"))
        old = snapshot(template, TEMPLATE_FIELDS)
        old_indicators = list(template.rows.order_by("order", "pk").values_list("indicator_id", flat=True))
    else:
        template = UpperReportTemplate(created_by=actor)
        old, old_indicators = {}, []
    template.title, template.requested_by, template.plan = title, requested_by, plan
    template.filing_unit = (filing_unit or "").strip()[:100] or "普陀区质量强区办"
    template.columns, template.period_kind, template.due_workdays = columns, period_kind, int(due_workdays)
    template.include_progress, template.active, template.notes = include_progress, active, (notes or "").strip()
    template.save()
    new_indicators = [ind.pk for ind in indicators]
    if new_indicators != old_indicators:
        TemplateIndicator.objects.filter(template=template).delete()
        TemplateIndicator.objects.bulk_create([TemplateIndicator(template=template, indicator=ind, order=i)
                                               for i, ind in enumerate(indicators, start=1)])
    new = snapshot(template, TEMPLATE_FIELDS)
    if created:
        changes = {"new": new, "indicators": new_indicators}
    else:
        changes = {key: [old[key], new[key]] for key in new if old[key] != new[key]}
        if new_indicators != old_indicators:
            changes["indicators"] = [old_indicators, new_indicators]
    audit_record(actor=actor, action=events.TEMPLATE_CREATE if created else events.TEMPLATE_UPDATE, obj=template,
                 changes=changes)
    return template


def _fill(report: UpperReport, *, actor, now: dt.datetime) -> None:
    period = period_of(report.template.period_kind, report.year, report.number)
    report.snapshot = build_snapshot(report.template, period, now=now)
    report.missing_count = sum(1 for row in report.snapshot["rows"] if row["missing"])
    report.generated_at, report.generated_by = now, actor


@transaction.atomic
def report_create(*, actor, template: UpperReportTemplate, year: int, number: int,
                  now: dt.datetime | None = None) -> UpperReport:
    """Generate the draft report of `template` for period `number` of `year` from the approved data.

    One report per template and period (a correction is made from the sent one): ConflictError when
    it exists already. ServiceError for a period that does not exist.
    """
    _require_office(actor)
    try:
        period = period_of(template.period_kind, year, number)
    except ValueError:
        _refuse("period", _("Choose a period."))
    if UpperReport.objects.filter(template=template, year=year, number=number).exists():
        raise ConflictError(_("A report of this template for %(period)s exists already: open it.")
                            % {"period": period.label})
    report = UpperReport(template=template, year=year, number=number, period_start=period.start,
                         period_end=period.end, period_label=period.label,
                         due_on=due_date(period, template.due_workdays))
    _fill(report, actor=actor, now=now or timezone.now())
    report.save()
    audit_record(actor=actor, action=events.REPORT_CREATE, obj=report, changes={
        "template": template.pk, "period": period.label, "missing": report.missing_count})
    return report


def _lock(report: UpperReport) -> UpperReport:
    return UpperReport.objects.select_for_update().select_related("template").get(pk=report.pk)


@transaction.atomic
def report_regenerate(*, actor, report: UpperReport, version: int | None = None,
                      now: dt.datetime | None = None) -> UpperReport:
    """Generate a draft's figures again from the approved data as they are now (ConflictError once reviewed)."""
    _require_office(actor)
    report = _lock(report)
    version_check(report, version, what=_("this report"))
    if report.status != ReportStatus.DRAFT:
        raise ConflictError(_("Only a draft can be generated again: a reviewed or submitted report is frozen."))
    before = report.missing_count
    _fill(report, actor=actor, now=now or timezone.now())
    report.save()
    audit_record(actor=actor, action=events.REPORT_REGENERATE, obj=report,
                 changes={"missing": [before, report.missing_count]})
    return report


@transaction.atomic
def report_review(*, actor, report: UpperReport, note: str = "", version: int | None = None,
                  now: dt.datetime | None = None) -> UpperReport:
    """Mark the draft reviewed: its figures freeze. With values missing, the note must say why they are sent so."""
    _require_office(actor)
    report = _lock(report)
    version_check(report, version, what=_("this report"))
    note = (note or "").strip()
    if report.missing_count and report.status == ReportStatus.DRAFT and not note:
        _refuse("note", _("%(n)d values are missing: say in the review note why the report goes as it is.")
                % {"n": report.missing_count})
    old = apply_transition(report, REPORT_TRANSITIONS, "review")
    report.reviewed_by, report.reviewed_at, report.review_note = actor, now or timezone.now(), note
    report.save()
    audit_record(actor=actor, action=events.REPORT_REVIEW, obj=report,
                 changes={"status": [old, report.status], "review_note": note, "missing": report.missing_count})
    return report


@transaction.atomic
def report_reopen(*, actor, report: UpperReport, reason: str, version: int | None = None) -> UpperReport:
    """Take a reviewed report back to draft before it is sent (to generate it again); the reason is kept."""
    _require_office(actor)
    report = _lock(report)
    version_check(report, version, what=_("this report"))
    reason = _text(reason, "reason", _("Say why the report goes back to draft."), 1000)
    old = apply_transition(report, REPORT_TRANSITIONS, "reopen")
    report.reviewed_by, report.reviewed_at, report.review_note = None, None, ""
    report.save()
    audit_record(actor=actor, action=events.REPORT_REOPEN, obj=report,
                 changes={"status": [old, report.status], "reason": reason})
    return report


def report_files(report: UpperReport) -> list[tuple[str, str, bytes]]:
    """`(file name, content type, bytes)` of the report's two files as they would be downloaded now."""
    stem = file_stem(report)
    return [(f"{stem}.xlsx", XLSX_TYPE, report_xlsx(report)), (f"{stem}.docx", DOCX_TYPE, report_docx(report))]


@transaction.atomic
def report_submit(*, actor, report: UpperReport, channel: str, recipient: str, submitted_at: dt.datetime,
                  receipt_note: str = "", version: int | None = None) -> UpperReport:
    """Record that the reviewed report was sent: when, through which channel, to whom, by `actor`.

    The .xlsx and .docx are stored with the report exactly as downloaded (they are reproducible from the
    frozen snapshot), so what was sent can always be shown. Refused for a time in the future or before
    the review, or without a channel or recipient; nothing is written then.
    """
    _require_office(actor)
    report = _lock(report)
    version_check(report, version, what=_("this report"))
    if channel not in Channel.values:
        _refuse("channel", _("Choose how the report was sent."))
    recipient = _text(recipient, "recipient", _("Enter who received the report."), 200)
    if submitted_at is None:
        _refuse("submitted_at", _("Enter when the report was sent."))
    if timezone.is_naive(submitted_at):
        submitted_at = timezone.make_aware(submitted_at)
    if submitted_at > timezone.now() + dt.timedelta(minutes=5):
        _refuse("submitted_at", _("The time sent cannot be in the future."))
    if report.reviewed_at and submitted_at < report.reviewed_at - dt.timedelta(minutes=1):
        _refuse("submitted_at", _("The time sent cannot be before the review (%(when)s).")
                % {"when": timezone.localtime(report.reviewed_at).strftime("%Y-%m-%d %H:%M")})
    files = report_files(report)
    old = apply_transition(report, REPORT_TRANSITIONS, "submit")
    report.channel, report.recipient, report.receipt_note = channel, recipient, (receipt_note or "").strip()
    report.submitted_at, report.submitted_by = submitted_at, actor
    report.save()
    stored = []
    for name, content_type, data in files:
        checked = CheckedFile(name=name, extension=name[name.rfind("."):], content_type=content_type, data=data,
                              sha256=hashlib.sha256(data).hexdigest())
        stored.append(attachment_create(actor=actor, checked=checked, owner=report))
    audit_record(actor=actor, action=events.REPORT_SUBMIT, obj=report, changes={
        "status": [old, report.status], "channel": channel, "recipient": recipient,
        "submitted_at": submitted_at.isoformat(), "files": [f"{a.original_name} {a.sha256}" for a in stored]})
    return report


@transaction.atomic
def report_correct(*, actor, report: UpperReport, reason: str, now: dt.datetime | None = None) -> UpperReport:
    """Start a correction of a sent report: a new draft edition generated afresh, linked to the one it corrects.

    Refused unless `report` was submitted and has no correction yet; the sent report stays as it was.
    """
    _require_office(actor)
    report = _lock(report)
    reason = _text(reason, "reason", _("Say what the correction corrects."), 2000)
    if report.status != ReportStatus.SUBMITTED:
        raise ConflictError(_("Only a submitted report can be corrected; change the draft instead."))
    if UpperReport.objects.filter(corrects=report).exists():
        raise ConflictError(_("This report has a correction already: correct that one."))
    edition = (UpperReport.objects.filter(template=report.template, year=report.year, number=report.number)
               .aggregate(n=Max("edition"))["n"] or 0) + 1
    correction = UpperReport(template=report.template, year=report.year, number=report.number,
                             period_start=report.period_start, period_end=report.period_end,
                             period_label=report.period_label, due_on=report.due_on, edition=edition,
                             corrects=report, correction_reason=reason)
    _fill(correction, actor=actor, now=now or timezone.now())
    correction.save()
    audit_record(actor=actor, action=events.REPORT_CORRECT, obj=correction, changes={
        "corrects": report.pk, "edition": edition, "reason": reason, "missing": correction.missing_count})
    return correction

