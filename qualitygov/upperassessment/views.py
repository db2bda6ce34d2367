"""迎考 pages: the list, one assessment's item table, loading the upper level's scheme, assigning an
item, the lead unit's item page (self-score, note, evidence, submit), the office's accept/return,
and the exports. Reading the list and the table: every signed-in user; the item page and its
evidence: the lead unit's people and the district office (anyone else 404); loading, assigning,
reviewing and the evidence package: the office holding the whole district.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qualitygov.accounts.selectors import org_unit_choices
from qualitygov.assessments.models import AssessmentScheme
from qualitygov.assessments.rules_import import leaf_count, row_problems
from qualitygov.assessments.views_rules import document_text, parse_upload
from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.files import attachment_response
from qualitygov.core.io import DOCX_MIME, XLSX_MIME, download
from qualitygov.core.models import Attachment
from qualitygov.core.permissions import Action
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error, visible_or_404
from qualitygov.plans import selectors as plan_selectors

from . import exports, selectors, services
from .choices import EDITABLE, ItemKind, ItemStatus, UpperStatus
from .forms import AssignForm, EvidenceForm, FillForm, ImportForm, ReturnForm

MANAGE = action_rule(Action.MANAGE)
CHANGE = action_rule(Action.CHANGE)
SCHEME_JSON_MAX = 2 * 1024 * 1024
SCHEME_EXTENSIONS = (".json", ".xlsx", ".docx")


def _office_or_404(request) -> None:
    if not services.may_manage(request.user):
        raise Http404


def _assessment(pk: int):
    return visible_or_404(selectors.assessment_get, pk=pk)


@access(LOGIN)
def upper_list(request):
    return render(request, "upperassessment/list.html", {
        "assessments": selectors.assessment_list(), "may_manage": services.may_manage(request.user)})


def _json_sniff(extension: str, data: bytes) -> bool:
    return extension == ".json" and data.lstrip()[:1] in (b"{", b"\xef")


def _scheme_text(upload, year: int) -> tuple[str, str]:
    """(exchange-format text, file name) of an uploaded scheme: JSON as it is, or a 评分细则 table read
    by the assessment import (refused, naming every damaged row, unless every row is clean)."""
    name = (upload.name or "").lower()
    if not name.endswith(SCHEME_EXTENSIONS):
        message = _("Upload the scheme as .json (exchange format), .xlsx or .docx (scoring table).")
        raise ServiceError(message, fields={"file": [message]})
    if name.endswith(".json"):
        checked = check_upload(upload, allowed=(".json",), max_bytes=SCHEME_JSON_MAX, sniff=_json_sniff)
        try:
            return checked.data.decode("utf-8-sig"), checked.name
        except UnicodeDecodeError:
            message = _("The file is not UTF-8 text.")
            raise ServiceError(message, fields={"file": [message]}) from None
    source, parsed = parse_upload(upload)
    problems = [p for ps in row_problems(parsed).values() for p in ps]
    if problems:
        message = "；".join(problems[:10])
        raise ServiceError(message, fields={"file": problems[:10]})
    if not leaf_count(parsed):
        message = _("No scored item is left to import.")
        raise ServiceError(message, fields={"file": [message]})
    return document_text(parsed, year=year, title=parsed.title or source.rsplit(".", 1)[0], source=source), source


@access(MANAGE)
def upper_import(request):
    """Load the upper level's scheme: a stored scheme, a JSON file or a 评分细则 table."""
    _office_or_404(request)
    tasks = plan_selectors.task_list_visible(user=request.user).select_related(None).prefetch_related(None)
    form = ImportForm(request.POST or None, request.FILES or None, tasks=tasks,
                      schemes=AssessmentScheme.objects.order_by("-year", "key", "-version"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            text, source = (None, "") if data["scheme"] else _scheme_text(data["file"], data["year"])
            assessment = services.upper_assessment_import(
                actor=request.user, year=data["year"], task=data["task"], title=data["title"], text=text,
                scheme=data["scheme"], source_name=source)
        except ServiceError as exc:
            apply_service_error(form, exc, {"document": "file"})
        else:
            messages.success(request, _("Loaded: now assign each item to its lead unit."))
            return redirect("upperassessment:detail", pk=assessment.pk)
    return render(request, "upperassessment/import.html", {"form": form}, status=400 if form.errors else 200)


@access(LOGIN)
def upper_detail(request, pk: int):
    assessment = _assessment(pk)
    items = list(selectors.item_rows(assessment))
    evidence = selectors.evidence_by_item(assessment)
    mine = selectors.items_of_user(request.user, assessment)
    for item in items:
        item.evidence_count = len(evidence.get(item.pk, []))
        item.mine = item.pk in mine
    counts = {status: sum(1 for i in items if i.status == status) for status in ItemStatus.values}
    return render(request, "upperassessment/detail.html", {
        "assessment": assessment, "items": items, "may_manage": services.may_manage(request.user),
        "year_in_title": str(assessment.year) in assessment.title, "is_open": assessment.status == UpperStatus.OPEN,
        "counts": counts, "unassigned": sum(1 for i in items if i.lead_unit_id is None),
        "self_total": sum((i.self_score or 0) for i in items),
        "max_total": sum(i.max for i in items if i.kind == ItemKind.ITEM),
    })


@access(MANAGE)
def upper_status(request, pk: int):
    """The office marks the assessment submitted upwards (`close`) or reopens it (POST `action`)."""
    _office_or_404(request)
    assessment = _assessment(pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    name = "reopen" if request.POST.get("action") == "reopen" else "close"
    try:
        services.upper_assessment_transition(actor=request.user, assessment=assessment, name=name)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as submitted upwards.") if name == "close" else _("Reopened."))
    return redirect("upperassessment:detail", pk=assessment.pk)


@access(MANAGE)
def item_assign(request, pk: int):
    _office_or_404(request)
    item = visible_or_404(selectors.item_get, pk=pk)
    units = org_unit_choices()
    initial = {"lead_unit": item.lead_unit, "co_units": list(item.co_units.all()), "due_date": item.due_date,
               "version": item.version}
    form = AssignForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.upper_item_assign(actor=request.user, item=item, lead_unit=data["lead_unit"],
                                       co_units=list(data["co_units"]), due_date=data["due_date"],
                                       version=data.get("version"))
        except NotFoundError:
            form.add_error("lead_unit", _("You may not assign work to this unit."))
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Assigned: the lead unit sees it in its inbox."))
            return redirect("upperassessment:detail", pk=item.assessment_id)
    return render(request, "upperassessment/assign.html", {"item": item, "form": form},
                  status=400 if form.errors else 200)


@access(CHANGE)
def item_page(request, pk: int):
    """The lead unit's page for one item: self-score and note, evidence upload, submit (POST `action`)."""
    item = visible_or_404(selectors.item_get_fillable, user=request.user, pk=pk)
    editable = item.status in EDITABLE and item.assessment.status == UpperStatus.OPEN
    fill = FillForm(initial={"self_score": f"{item.self_score.normalize():f}" if item.self_score is not None else "",
                             "note": item.note, "version": item.version})
    upload = EvidenceForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "fill":
                fill = FillForm(request.POST)
                if fill.is_valid():
                    services.upper_item_fill(actor=request.user, item=item, self_score=fill.cleaned_data["self_score"],
                                             note=fill.cleaned_data["note"], version=fill.cleaned_data.get("version"))
                    messages.success(request, _("Saved."))
                    return redirect("upperassessment:item", pk=item.pk)
            elif action == "evidence":
                upload = EvidenceForm(request.POST, request.FILES)
                if upload.is_valid():
                    checked = check_upload(upload.cleaned_data["file"])
                    services.upper_item_attach(actor=request.user, item=item, checked=checked)
                    messages.success(request, _("Evidence added."))
                    return redirect("upperassessment:item", pk=item.pk)
            elif action == "submit":
                services.upper_item_submit(actor=request.user, item=item, version=_int(request.POST.get("version")))
                messages.success(request, _("Submitted to the office."))
                return redirect("upperassessment:item", pk=item.pk)
            else:
                return HttpResponseNotAllowed(["GET"])
            status = 400
        except ServiceError as exc:
            apply_service_error(upload if action == "evidence" else fill, exc)
            status = 409 if isinstance(exc, ConflictError) else 400
    return render(request, "upperassessment/item.html", {
        "item": item, "assessment": item.assessment, "fill": fill, "upload": upload, "editable": editable,
        "evidence": exports.evidence_names(item, selectors.evidence_of(item)),
        "may_manage": services.may_manage(request.user), "return_form": ReturnForm(),
    }, status=status)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@access(MANAGE)
def item_review(request, pk: int):
    """The office accepts (`accept`) or returns (`return`, with a reason) a submitted item (POST)."""
    _office_or_404(request)
    item = visible_or_404(selectors.item_get, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if request.POST.get("action") == "accept":
            services.upper_item_accept(actor=request.user, item=item)
            messages.success(request, _("Accepted."))
        else:
            services.upper_item_return(actor=request.user, item=item, note=request.POST.get("note", ""))
            messages.success(request, _("Returned to the lead unit."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("upperassessment:item", pk=item.pk) if item.lead_unit_id else redirect(
        "upperassessment:detail", pk=item.assessment_id)


@access(CHANGE)
def evidence_download(request, pk: int):
    """An evidence file, for the people who may see its item's page."""
    try:
        attachment = Attachment.objects.get(pk=pk, owner_type=selectors.OWNER_TYPE)
    except Attachment.DoesNotExist:
        raise Http404 from None
    visible_or_404(selectors.item_get_fillable, user=request.user, pk=_int(attachment.owner_id) or 0)
    return attachment_response(attachment)


def _export_name(assessment, suffix: str) -> str:
    return f"{assessment.year}-{exports.safe_name(assessment.title, 80)}-{suffix}"


@access(LOGIN)
def export_xlsx(request, pk: int):
    assessment = _assessment(pk)
    return download(exports.self_assessment_xlsx(assessment), _export_name(assessment, "自评表.xlsx"), XLSX_MIME)


@access(LOGIN)
def export_docx(request, pk: int):
    assessment = _assessment(pk)
    return download(exports.self_assessment_docx(assessment), _export_name(assessment, "自评表.docx"), DOCX_MIME)


@access(MANAGE)
def export_zip(request, pk: int):
    _office_or_404(request)
    assessment = _assessment(pk)
    return download(exports.evidence_zip(assessment), _export_name(assessment, "佐证材料.zip"), "application/zip")
