"""Supervision findings (督查问题): the rectification ledger (整改台账), a finding's page, the unit's
rectification plan and result with evidence, the office's verification, close-out (销号) and reopening."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitygov.accounts.choices import Action
from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.choices import JobKind
from qualitygov.core.errors import ServiceError
from qualitygov.core.jobs import job_enqueue
from qualitygov.core.lists import Column, Export, ListSpec, filtered, list_export, list_page
from qualitygov.core.scoping import can
from qualitygov.core.views_helpers import apply_service_error, visible_or_404
from qualitygov.plans import selectors as plan_selectors

from . import selectors, services
from .choices import FINDING_OPEN_STATES, FindingStatus
from .filters import FindingFilter
from .forms import FindingForm, RectificationForm, ReopenForm, VerifyForm
from .io import LEDGER_HEADER, LEDGER_WIDTHS, ledger_rows
from .views import visible_units
from .views_reports import _form_errors_to_messages, _with_evidence

CHANGE = action_rule(Action.CHANGE)
REVIEW = action_rule(Action.REVIEW)


FINDING_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Problem"), "title"),
        Column(gettext_lazy("Source"), "source"),
        Column(gettext_lazy("Responsible unit"), "unit", ("unit__sort_order", "unit__path")),
        Column(gettext_lazy("Found on"), "found", ("found_on",)),
        Column(gettext_lazy("Rectification deadline"), "deadline"),
        Column(gettext_lazy("Status"), "status"),
    ],
    default_sort="-found",
    filterset=FindingFilter,
    export=Export(filename="整改台账", sheet="整改台账", header=LEDGER_HEADER, widths=LEDGER_WIDTHS,
                  rows=lambda findings: ledger_rows(findings, today=timezone.localdate())),
)


def ledger_query(user, data):
    """The findings the ledger page would list for `user` with the query `data` (its filters and sort),
    and today: the background export (progress.jobs) reads through it, so its workbook holds what the
    page shows."""
    request = SimpleNamespace(GET=data if isinstance(data, QueryDict) else _query_dict(data), user=user)
    _filterset, findings, _sort = filtered(request, selectors.finding_list_visible(user=user), FINDING_LIST)
    return None, findings, timezone.localdate()


def _query_dict(data) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in (data.lists() if hasattr(data, "lists") else data.items()):
        query.setlist(key, list(values) if isinstance(values, list | tuple) else [values])
    return query


@access(LOGIN)
def finding_list(request):
    """The rectification ledger: findings in scope, filtered by status, unit, source and overdue."""
    lst = list_page(request, selectors.finding_list_visible(user=request.user), FINDING_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    today = timezone.localdate()
    for finding in lst.rows:
        finding.overdue = finding.status in FINDING_OPEN_STATES and finding.deadline < today
    return render(request, "progress/finding_list.html", {"lst": lst, "can_raise": can(request.user, Action.REVIEW)})


@access(LOGIN)
def finding_list_xlsx(request):
    """The ledger with the page's filters, in the office's ledger layout (io.ledger_rows)."""
    return list_export(request, selectors.finding_list_visible(user=request.user), FINDING_LIST)


@access(LOGIN)
@require_POST
def finding_list_xlsx_job(request):
    """Build the ledger (.xlsx, the page's filters) in the background (后台生成), then show the job."""
    job = job_enqueue(actor=request.user, kind=JobKind.EXPORT, func_path="qualitygov.progress.jobs.ledger_export",
                      kwargs={"query": dict(request.GET.lists())}, label=_("Rectification ledger"))
    return redirect("core:job_detail", pk=job.pk)


@access(REVIEW)
def finding_create(request):
    """The office records a problem found in supervision and the unit that must rectify it."""
    initial = {"found_on": timezone.localdate()}
    if request.GET.get("task", "").isdigit():
        initial["task"] = int(request.GET["task"])
    form = FindingForm(request.POST or None, initial=initial, units=visible_units(request.user, Action.REVIEW),
                       tasks=plan_selectors.task_list_visible(user=request.user).prefetch_related(None))
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Finding recorded; %(unit)s has been notified.") % {"unit": finding.unit.label})
            return redirect("progress:finding_detail", pk=finding.pk)
    return render(request, "progress/form.html", {
        "form": form, "title": _("New finding"), "submit_label": _("Save"),
        "cancel_url": reverse("progress:finding_list"),
    })


@access(LOGIN)
def finding_detail(request, pk: int):
    """A finding with its rectification, evidence and the actions open to the user."""
    finding = visible_or_404(selectors.finding_get_visible, user=request.user, pk=pk)
    may_rectify = can(request.user, Action.CHANGE, finding.unit_id)
    rectify_form = None
    if may_rectify and finding.status == FindingStatus.OPEN:
        rectify_form = RectificationForm(label=_("Rectification plan"), initial={"text": finding.rectification_plan,
                                                                                   "version": finding.version})
    elif may_rectify and finding.status == FindingStatus.RECTIFYING:
        rectify_form = RectificationForm(label=_("What was rectified"), initial={"text": finding.rectification_result,
                                                                                    "version": finding.version})
    may_review = can(request.user, Action.REVIEW, finding.unit_id)
    today = timezone.localdate()
    return render(request, "progress/finding_detail.html", {
        "finding": finding, "evidence": selectors.evidence_list(owner=finding), "rectify_form": rectify_form,
        "verify_form": VerifyForm() if may_review and finding.status == FindingStatus.SUBMITTED_FOR_VERIFICATION
        else None,
        "reopen_form": ReopenForm() if may_review and finding.status == FindingStatus.CLOSED else None,
        "overdue": finding.status in FINDING_OPEN_STATES and finding.deadline < today,
    })


@require_POST
@access(CHANGE)
def finding_rectify(request, pk: int):
    """The responsible unit files its rectification plan (open) or its result (rectifying), with evidence."""
    finding = visible_or_404(selectors.finding_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.CHANGE, finding.unit_id):
        raise Http404
    planning = finding.status == FindingStatus.OPEN
    form = RectificationForm(request.POST, request.FILES,
                             label=_("Rectification plan") if planning else _("What was rectified"))
    if not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect("progress:finding_detail", pk=finding.pk)
    text, version = form.cleaned_data["text"], form.cleaned_data["version"]
    if planning:
        def write():
            return services.finding_plan(actor=request.user, finding=finding, rectification_plan=text, version=version)
    else:
        def write():
            return services.finding_submit(actor=request.user, finding=finding, rectification_result=text,
                                           version=version)
    if _with_evidence(request, form, finding, write):
        messages.success(request, _("Rectification plan saved.") if planning
                         else _("Rectification submitted for verification."))
    else:
        _form_errors_to_messages(request, form)
    return redirect("progress:finding_detail", pk=finding.pk)


@require_POST
@access(REVIEW)
def finding_verify(request, pk: int):
    """The office verifies the fix and closes the finding out (销号), or sends it back with a reason."""
    finding = visible_or_404(selectors.finding_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.REVIEW, finding.unit_id):
        raise Http404
    form = VerifyForm(request.POST)
    if not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect("progress:finding_detail", pk=finding.pk)
    try:
        if form.cleaned_data["decision"] == "verify":
            services.finding_verify(actor=request.user, finding=finding, note=form.cleaned_data["note"])
            messages.success(request, _("Verified and closed out."))
        else:
            services.finding_reject(actor=request.user, finding=finding, note=form.cleaned_data["note"])
            messages.success(request, _("Sent back for further rectification."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("progress:finding_detail", pk=finding.pk)


@require_POST
@access(REVIEW)
def finding_reopen(request, pk: int):
    """The problem came back: reopen a closed-out finding, optionally with a new deadline."""
    finding = visible_or_404(selectors.finding_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.REVIEW, finding.unit_id):
        raise Http404
    form = ReopenForm(request.POST)
    if not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect("progress:finding_detail", pk=finding.pk)
    try:
        services.finding_reopen(actor=request.user, finding=finding, **form.cleaned_data)
        messages.success(request, _("Finding reopened."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("progress:finding_detail", pk=finding.pk)
