"""Importing a plan document: upload, review (corrections, revision diff), confirm or cancel, history.

Only users who may manage plans (the office) reach these pages; anyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitygov.accounts.choices import Action
from qualitygov.core.access import access, action_rule
from qualitygov.core.choices import JobKind
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.jobs import job_enqueue
from qualitygov.core.lists import Column, Export, ListSpec, list_export, list_page
from qualitygov.plans.permissions import can_import_plans
from qualitygov.plans.services import has_attached_rows

from .choices import ImportStatus
from .diff import task_has_attached_work
from .filters import PlanImportFilter
from .forms import ACCEPT, ImportReviewForm, PlanUploadForm
from .review import plan_import_get_visible, plan_import_list_visible, plan_import_review
from .services import plan_import_cancel, plan_import_confirm, plan_import_correct, plan_import_preview

MANAGE = action_rule(Action.MANAGE)


def _require_importer(request) -> None:
    """Imports write district-wide: an admin of part of the tree gets 404 like everyone else."""
    if not can_import_plans(request.user):
        raise Http404


def _get(request, pk: int):
    try:
        return plan_import_get_visible(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc


@access(MANAGE)
def import_upload(request):
    """Upload a plan document; a readable plan goes to its review page, anything else is refused here."""
    _require_importer(request)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload.read()
            plan_import = plan_import_preview(actor=request.user, filename=upload.name, data=data)
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("planimport:import_review", pk=plan_import.pk)
    return render(request, "planimport/import_upload.html", {"form": form, "accept": ACCEPT})


@access(MANAGE)
def import_review(request, pk: int):
    """The parsed plan with every cleanup change and warning; POST saves the office's corrections."""
    plan_import = _get(request, pk)
    review = plan_import_review(plan_import)
    editable = plan_import.status == ImportStatus.PREVIEW
    form = ImportReviewForm(review, request.POST or None, user=request.user) if editable else None
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                corrections = form.corrections()
                if corrections:
                    plan_import_correct(actor=request.user, plan_import=plan_import, corrections=corrections)
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Corrections saved.") if corrections else _("Nothing was changed."))
                return redirect("planimport:import_review", pk=plan_import.pk)
        else:
            messages.error(request, _("Some values are not valid; see the marked fields."))
    return _render_review(request, plan_import, review, form)


@access(MANAGE)
@require_POST
def import_confirm(request, pk: int):
    """Save any pending corrections from the review form, then write the plan (with `background`: as a
    background job, whose page shows its progress and links to the plan)."""
    plan_import = _get(request, pk)
    if plan_import.status != ImportStatus.PREVIEW:
        messages.error(request, _("This import is already %(status)s.") % {"status": plan_import.get_status_display()})
        return redirect("planimport:import_review", pk=plan_import.pk)
    form = ImportReviewForm(plan_import_review(plan_import), request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Some values are not valid; see the marked fields."))
        return _render_review(request, plan_import, form.review, form)
    try:
        corrections = form.corrections()
        if corrections:
            plan_import = plan_import_correct(actor=request.user, plan_import=plan_import, corrections=corrections)
        if request.POST.get("background"):
            job = job_enqueue(actor=request.user, kind=JobKind.IMPORT, func_path="qualitygov.planimport.jobs.confirm_job",
                              kwargs={"import_id": plan_import.pk},
                              label=_("Plan import: %(name)s") % {"name": plan_import.source_name})
            return redirect("core:job_detail", pk=job.pk)
        plan = plan_import_confirm(actor=request.user, plan_import=plan_import)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("planimport:import_review", pk=plan_import.pk)
    plan_import.refresh_from_db()
    outcome = plan_import.outcome
    if outcome.get("created"):
        messages.success(request, _("The plan has been imported."))
    elif outcome.get("revised"):
        messages.success(request, _("The plan has been updated to revision %(n)s.") % {"n": plan.revision})
    else:
        messages.info(request, _("The document is the same as the stored plan; nothing was changed."))
    for warning in outcome.get("warnings", []):
        messages.warning(request, warning)
    return redirect("plans:plan_detail", pk=plan.pk)


FIELD_LABELS = {
    "title": gettext_lazy("Title"), "issuer": gettext_lazy("Issuer"),
    "doc_number": gettext_lazy("Document number"), "issued_on": gettext_lazy("Issued on"),
    "period": gettext_lazy("Period"), "number": gettext_lazy("Number"), "text": gettext_lazy("Main content"),
    "all_towns": gettext_lazy("All towns carry it out"), "deadline": gettext_lazy("Deadline"),
    "deadline_text": gettext_lazy("Time limit as written"),
    "lead": gettext_lazy("Lead units"), "co": gettext_lazy("Co-operating units"), "name": gettext_lazy("Name"),
    "comparator": gettext_lazy("Comparator"), "value": gettext_lazy("Target value"),
    "unit": gettext_lazy("Unit of measure"), "year": gettext_lazy("Target year"), "task": gettext_lazy("Task"),
    "baseline_year": gettext_lazy("Baseline year"),
    "group": gettext_lazy("Task group"), "sections": gettext_lazy("Sections"),
}


def _changes(changes: dict) -> list[dict]:
    return [{"field": key, "label": FIELD_LABELS.get(key, key), "old": old, "new": new, "long": key == "text"}
            for key, (old, new) in changes.items()]


def _diff_rows(diff) -> dict | None:
    """The revision diff as rows for the template; None when the import is not a revision."""
    if diff is None:
        return None
    tasks = []
    for change in diff.tasks:
        if change.kind == "unchanged":
            continue
        number = change.new["number"] if change.new else change.old.number
        title = change.new["title"] if change.new else change.old.title
        tasks.append({"kind": change.kind, "number": number, "title": title, "changes": _changes(change.changes),
                      "kept": change.kind == "removed" and task_has_attached_work(change.old)})
    indicators = []
    for change in diff.indicators:
        if change.kind == "unchanged":
            continue
        indicators.append({"kind": change.kind, "code": change.old.code if change.old else "",
                           "name": change.new["name"] if change.new else change.old.name,
                           "changes": _changes(change.changes),
                           "kept": change.kind == "removed" and has_attached_rows(change.old)})
    first = {"removed": 0, "added": 1, "changed": 2}  # what disappears or appears matters most
    tasks.sort(key=lambda row: first[row["kind"]])
    indicators.sort(key=lambda row: first[row["kind"]])
    return {"header": _changes(diff.header), "tasks": tasks, "indicators": indicators, "counts": diff.counts,
            "empty": diff.empty, "plan": diff.plan, "kept": diff.kept_messages}


def _render_review(request, plan_import, review, form):
    return render(request, "planimport/import_review.html", {
        "plan_import": plan_import, "review": review, "form": form, "editable": form is not None,
        "plan": review.plan, "diff": _diff_rows(review.diff), "counts": review.counts,
        "cleanup": review.plan.get("cleanup", {}), "unresolved": {res.name for res in review.unresolved},
    })


@access(MANAGE)
@require_POST
def import_cancel(request, pk: int):
    """Discard an import under review."""
    plan_import = _get(request, pk)
    try:
        plan_import_cancel(actor=request.user, plan_import=plan_import)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("planimport:import_review", pk=plan_import.pk)
    messages.info(request, _("The import was cancelled; nothing was saved to the plan."))
    return redirect("planimport:import_list")


def _import_rows(imports):
    for pi in imports:
        yield [pi.pk, pi.source_name, pi.get_status_display(), pi.title_as_read or "", pi.created_by or "",
               timezone.localtime(pi.created_at), timezone.localtime(pi.decided_at) if pi.decided_at else "",
               pi.plan.title if pi.plan_id else "", pi.plan.revision if pi.plan_id else ""]


IMPORT_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("File name"), "file", ("source_name",)),
        Column(gettext_lazy("Title as read"), "title", ("title_as_read",)),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Uploaded by"), "by", ("created_by__username",)),
        Column(gettext_lazy("Uploaded at"), "at", ("created_at",)),
        Column(gettext_lazy("Plan")),
    ],
    default_sort="-at",
    filterset=PlanImportFilter,
    export=Export(filename=gettext_lazy("Plan imports"), sheet=gettext_lazy("Plan imports"),
                  header=[gettext_lazy("No."), gettext_lazy("File name"), gettext_lazy("Status"),
                          gettext_lazy("Title as read"), gettext_lazy("Uploaded by"), gettext_lazy("Uploaded at"),
                          gettext_lazy("Decided at"), gettext_lazy("Plan"), gettext_lazy("Revision")],
                  rows=_import_rows, widths=[6, 30, 10, 50, 14, 18, 18, 50, 8]),
)


@access(MANAGE)
def import_list(request):
    """Every import, newest first; filter, sort, pages, export."""
    _require_importer(request)
    lst = list_page(request, plan_import_list_visible(user=request.user), IMPORT_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "planimport/import_list.html", {"lst": lst, "imports": lst.rows})


@access(MANAGE)
def import_export(request):
    """The import history (same filters and sort) as .xlsx."""
    _require_importer(request)
    return list_export(request, plan_import_list_visible(user=request.user), IMPORT_LIST)
