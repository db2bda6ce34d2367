"""Pages of reports to the level above: the reports (list, detail, generate, review, submit, correct,
files), the history of what was sent, and the templates. Users who read the whole district (office,
leaders) read; an office holding the whole district writes; anyone else gets 404, as for a page
that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.access import access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.files import attachment_response
from qualitygov.core.io import download
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.views_helpers import apply_service_error

from . import selectors, services
from .choices import COLUMN_HEADINGS, DEFAULT_COLUMNS, FigureColumn, ReportStatus
from .forms import ReasonForm, ReportNewForm, ReviewForm, SubmitForm, TemplateForm
from .lists import HISTORY_LIST, REPORT_LIST
from .models import UpperReport, UpperReportTemplate
from .periods import choices_around, due_date, next_due

READ = action_rule(Action.VIEW)
WRITE = action_rule(Action.MANAGE)


def _reader_or_404(request) -> None:
    if not services.may_read(request.user):
        raise Http404


def _office_or_404(request) -> None:
    if not services.may_manage(request.user):
        raise Http404


def _report_or_404(request, pk: int) -> UpperReport:
    try:
        return selectors.report_get_visible(user=request.user, pk=pk)
    except UpperReport.DoesNotExist:
        raise Http404 from None


def _template_or_404(request, pk: int) -> UpperReportTemplate:
    try:
        return selectors.template_get_visible(user=request.user, pk=pk)
    except UpperReportTemplate.DoesNotExist:
        raise Http404 from None


def _post_only(request) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@access(READ)
def report_list(request):
    """Every report, filtered by template, year, period and status; `?format=xlsx` exports them."""
    _reader_or_404(request)
    lst = list_page(request, selectors.report_list_visible(user=request.user), REPORT_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    templates = list(selectors.template_list_visible(user=request.user).filter(active=True))
    return render(request, "upperreports/list.html", {
        "lst": lst, "reports": lst.rows, "templates": templates, "may_manage": services.may_manage(request.user),
        "statuses": ReportStatus,
    })


@access(READ)
def history(request):
    """What was sent: time, template, period, edition, channel, recipient and who sent it."""
    _reader_or_404(request)
    lst = list_page(request, selectors.submitted_list_visible(user=request.user), HISTORY_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "upperreports/history.html", {"lst": lst, "reports": lst.rows})


@access(READ)
def template_list(request):
    _reader_or_404(request)
    templates = [(t, selectors.template_indicators(t)) for t in selectors.template_list_visible(user=request.user)]
    today = timezone.localdate()
    rows = []
    for template, indicators in templates:
        period, due = next_due(template.period_kind, template.due_workdays, today)
        rows.append({"template": template, "indicators": indicators, "next_period": period, "next_due": due,
                     "headings": [COLUMN_HEADINGS[c] for c in template.columns if c in COLUMN_HEADINGS]})
    return render(request, "upperreports/templates.html", {
        "rows": rows, "may_manage": services.may_manage(request.user)})


@access(WRITE)
def template_edit(request, pk: int | None = None):
    """Create a template (no `pk`) or change one (office only)."""
    _office_or_404(request)
    template = _template_or_404(request, pk) if pk is not None else None
    plans = selectors.plan_choices()
    if template is not None:
        initial = {"title": template.title, "requested_by": template.requested_by,
                   "filing_unit": template.filing_unit, "plan": template.plan_id,
                   "indicators": [i.pk for i in selectors.template_indicators(template)],
                   "columns": list(template.columns), "include_progress": template.include_progress,
                   "period_kind": template.period_kind, "due_workdays": template.due_workdays,
                   "active": template.active, "notes": template.notes, "version": template.version}
    else:
        first = plans.first()
        initial = {"filing_unit": "普陀区质量强区办", "plan": first.pk if first else None,
                   "columns": [str(c) for c in DEFAULT_COLUMNS], "include_progress": True, "due_workdays": 5,
                   "active": True}
    form = TemplateForm(request.POST or None, initial=initial, plans=plans,
                        indicators=selectors.indicator_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        indicators = sorted(data["indicators"], key=lambda i: (i.order, i.pk))
        columns = [c for c in FigureColumn.values if c in data["columns"]]
        try:
            template = services.template_save(
                actor=request.user, template=template, version=data.get("version"), title=data["title"],
                requested_by=data["requested_by"], filing_unit=data["filing_unit"], plan=data["plan"],
                indicators=indicators, columns=columns, include_progress=data["include_progress"],
                period_kind=data["period_kind"], due_workdays=data["due_workdays"], active=data["active"],
                notes=data["notes"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("upperreports:templates")
    return render(request, "upperreports/template_form.html", {
        "form": form, "template": template,
        "title": _("Change report template") if template else _("New report template"),
        "cancel_url": reverse("upperreports:templates"),
    }, status=400 if form.errors else 200)


def _period_choices(template: UpperReportTemplate) -> list[tuple[str, str]]:
    out = []
    for period in choices_around(template.period_kind, timezone.localdate(), back=8, ahead=0):
        due = due_date(period, template.due_workdays)
        out.append((f"{period.year}-{period.number}", _("%(period)s (due %(due)s)")
                    % {"period": period.label, "due": due.isoformat()}))
    return out


@access(WRITE)
def report_new(request, pk: int):
    """Generate the report of template `pk` for a chosen period from the approved data (office only)."""
    _office_or_404(request)
    template = _template_or_404(request, pk)
    periods = _period_choices(template)
    form = ReportNewForm(request.POST or None, periods=periods,
                         initial={"period": periods[1][0] if len(periods) > 1 else None})
    if request.method == "POST" and form.is_valid():
        year, number = (int(part) for part in form.cleaned_data["period"].split("-"))
        try:
            report = services.report_create(actor=request.user, template=template, year=year, number=number)
        except ServiceError as exc:
            apply_service_error(form, exc, default_field="period")
        else:
            messages.success(request, _("Report generated from the approved data."))
            return redirect("upperreports:detail", pk=report.pk)
    return render(request, "upperreports/form.html", {
        "form": form, "title": _("Generate a report"), "subtitle": f"{template.title} · {template.requested_by}",
        "cancel_url": reverse("upperreports:templates"), "submit_label": _("Generate"),
    }, status=400 if form.errors else 200)


@access(READ)
def report_detail(request, pk: int):
    """A report: its figures with their provenance, the problems, review and submission, the files sent."""
    _reader_or_404(request)
    report = _report_or_404(request, pk)
    may_manage = services.may_manage(request.user)
    snap = report.snapshot
    columns = snap.get("columns", [])
    rows = [{**row, "pairs": list(zip(columns, row["cells"], strict=False))} for row in snap.get("rows", [])]
    return render(request, "upperreports/detail.html", {
        "report": report, "snap": snap, "rows": rows, "problems": snap.get("problems", []),
        "progress": snap.get("progress"), "files": selectors.sent_files(report),
        "editions": selectors.editions(report), "may_manage": may_manage, "statuses": ReportStatus,
        "review_form": ReviewForm(initial={"version": report.version}) if may_manage else None,
        "reason_form": ReasonForm(initial={"version": report.version}) if may_manage else None,
        "overdue": report.status != ReportStatus.SUBMITTED and report.due_on < timezone.localdate(),
    })


def _act(request, pk: int, run, success: str, form_class=None):
    _office_or_404(request)
    report = _report_or_404(request, pk)
    refused = _post_only(request)
    if refused:
        return refused
    form = (form_class or ReasonForm)(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("upperreports:detail", pk=report.pk)
    try:
        result = run(report, form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("upperreports:detail", pk=report.pk)
    messages.success(request, success)
    return redirect("upperreports:detail", pk=(result or report).pk)


@access(WRITE)
def report_regenerate(request, pk: int):
    """Generate a draft again from the approved data as they are now (POST, office only)."""
    return _act(request, pk, lambda r, d: services.report_regenerate(actor=request.user, report=r,
                                                                     version=d.get("version")),
                _("Generated again from the approved data."), ReviewForm)


@access(WRITE)
def report_review(request, pk: int):
    """Mark the report reviewed: its figures freeze (POST, office only)."""
    return _act(request, pk, lambda r, d: services.report_review(actor=request.user, report=r, note=d["note"],
                                                                 version=d.get("version")),
                _("Reviewed: the figures are frozen."), ReviewForm)


@access(WRITE)
def report_reopen(request, pk: int):
    """Take a reviewed report back to draft (POST, office only)."""
    return _act(request, pk, lambda r, d: services.report_reopen(actor=request.user, report=r, reason=d["reason"],
                                                                 version=d.get("version")),
                _("Back to draft."))


@access(WRITE)
def report_correct(request, pk: int):
    """Start a correction of a sent report: a new edition (POST, office only)."""
    return _act(request, pk, lambda r, d: services.report_correct(actor=request.user, report=r,
                                                                  reason=d["reason"]),
                _("Correction started: check the new edition, review it and send it."))


@access(WRITE)
def report_submit(request, pk: int):
    """Record the submission of a reviewed report: channel, recipient, time; the files are stored as sent."""
    _office_or_404(request)
    report = _report_or_404(request, pk)
    if report.status != ReportStatus.REVIEWED:
        messages.error(request, _("Only a reviewed report can be recorded as sent."))
        return redirect("upperreports:detail", pk=report.pk)
    now = timezone.localtime()
    form = SubmitForm(request.POST or None, initial={
        "channel": "zhengding", "recipient": report.template.requested_by, "sent_on": now.date(),
        "sent_time": now.time().replace(second=0, microsecond=0), "version": report.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sent = timezone.make_aware(dt.datetime.combine(data["sent_on"], data["sent_time"]))
        try:
            services.report_submit(actor=request.user, report=report, channel=data["channel"],
                                   recipient=data["recipient"], submitted_at=sent,
                                   receipt_note=data["receipt_note"], version=data.get("version"))
        except ServiceError as exc:
            apply_service_error(form, exc, field_map={"submitted_at": "sent_on"})
        else:
            messages.success(request, _("Submission recorded with the files sent."))
            return redirect("upperreports:detail", pk=report.pk)
    return render(request, "upperreports/submit.html", {
        "form": form, "report": report, "cancel_url": reverse("upperreports:detail", args=[report.pk]),
    }, status=400 if form.errors else 200)


@access(READ)
def report_download(request, pk: int, fmt: str):
    """The report as .xlsx or .docx: once sent, the stored file exactly as sent; before, made from the snapshot."""
    _reader_or_404(request)
    report = _report_or_404(request, pk)
    if fmt not in ("xlsx", "docx"):
        raise Http404
    if report.status == ReportStatus.SUBMITTED:
        for attachment in selectors.sent_files(report):
            if attachment.original_name.endswith(f".{fmt}"):
                return attachment_response(attachment)
        raise Http404
    for name, content_type, data in services.report_files(report):
        if name.endswith(f".{fmt}"):
            return download(data, name, content_type)
    raise Http404


@access(READ)
def sent_file(request, pk: int, file_pk: int):
    _reader_or_404(request)
    report = _report_or_404(request, pk)
    try:
        attachment = selectors.sent_file_get(report=report, pk=file_pk)
    except selectors.Attachment.DoesNotExist:
        raise Http404 from None
    return attachment_response(attachment)

