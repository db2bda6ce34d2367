"""The summaries' pages: rounds (list, new, one round with its units), a unit's summary (its liaison
writes and submits it; the office reviews it), the district draft (generate, edit, finalise, .docx),
and the office's templates.

Who: every signed-in user reads the rounds list and a round's page, which lists only the summaries
the reader may view (a liaison: their own unit's). A unit's summary is read by its unit, the office
and leaders; written by those who may change its unit. The district draft is for the office and
leaders across the district. Everything district-wide is written by an office holding the whole
district; others get 404, as for a page that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.files import attachment_response
from qualitygov.core.io import DOCX_MIME, download
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error
from qualitygov.plans import selectors as plan_selectors

from . import selectors, services
from .choices import UNIT_EDITABLE, DistrictStatus, RoundStatus, UnitSummaryStatus
from .export import district_docx, district_filename
from .figures import figure_lines, unit_figures
from .forms import (
    DistrictForm,
    EvidenceForm,
    ReturnForm,
    RoundForm,
    TemplateForm,
    UnitSummaryForm,
    sections_text,
)
from .lists import ROUND_LIST

EVIDENCE_TYPES = (".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg")


def _office_or_404(request) -> None:
    if not services.may_manage(request.user):
        raise Http404


def _round_or_404(pk: int):
    try:
        return selectors.round_get(pk=pk)
    except selectors.SummaryRound.DoesNotExist:
        raise Http404 from None


def _summary_or_404(request, pk: int):
    try:
        return selectors.unit_summary_get_visible(user=request.user, pk=pk)
    except selectors.UnitSummary.DoesNotExist:
        raise Http404 from None


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@access(LOGIN)
def rounds(request):
    """Every summary round (filtered by year, kind and status, sorted, paged; `?format=xlsx`)."""
    lst = list_page(request, selectors.rounds(), ROUND_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "summaries/rounds.html", {
        "lst": lst, "rounds": lst.rows, "may_manage": services.may_manage(request.user)})


@access(action_rule(Action.MANAGE))
def round_new(request):
    """Open a round (office only): plan, year, half-year or annual, due date and template."""
    _office_or_404(request)
    templates = selectors.templates()
    plans = plan_selectors.plan_list_visible(user=request.user)
    first_plan, first_template = plans.first(), templates.first()
    form = RoundForm(request.POST or None, plans=plans, templates=templates, initial={
        "year": timezone.localdate().year, "half": 1, "plan": first_plan.pk if first_plan else None,
        "template": first_template.pk if first_template else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rnd = services.round_open(actor=request.user, plan=data["plan"], year=data["year"], kind=data["kind"],
                                      half=data.get("half") or 1, due_date=data["due_date"],
                                      template=data["template"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Round opened: each unit has a summary to file."))
            return redirect("summaries:round", pk=rnd.pk)
    return render(request, "summaries/form.html", {
        "form": form, "title": _("Open a summary round"), "cancel_url": reverse("summaries:rounds"),
        "submit_label": _("Open the round"),
        "no_templates": not templates.exists()}, status=400 if form.errors else 200)


@access(LOGIN)
def round_detail(request, pk: int):
    """A round: the units (those the reader may view) with status, late flags and reminders sent."""
    rnd = _round_or_404(pk)
    summaries = list(selectors.unit_summaries_visible(user=request.user, round=rnd))
    may_manage = services.may_manage(request.user)
    return render(request, "summaries/round.html", {
        "round": rnd, "summaries": summaries, "counts": selectors.status_counts(summaries),
        "may_manage": may_manage, "may_read_district": selectors.may_read_district(request.user),
        "district": selectors.district_get(round=rnd), "statuses": UnitSummaryStatus, "round_statuses": RoundStatus,
        "today": timezone.localdate()})


@access(action_rule(Action.MANAGE))
def round_close(request, pk: int):
    """Close the round (office only, POST)."""
    _office_or_404(request)
    rnd = _round_or_404(pk)
    if refused := _post_only(request):
        return refused
    try:
        services.round_close(actor=request.user, round=rnd)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Round closed."))
    return redirect("summaries:round", pk=rnd.pk)


@access(LOGIN)
def unit_summary(request, pk: int):
    """A unit's summary: its liaison writes each section, sees the figures that will be taken, attaches
    evidence and submits; the office reviews; leaders read."""
    summary = _summary_or_404(request, pk)
    rnd = summary.round
    may_write = summary.status in UNIT_EDITABLE and services.may_write(request.user, summary)
    if request.method == "POST" and not may_write:
        raise Http404
    initial = {f"text_{i}": text for i, text in enumerate(summary.texts)}
    initial["version"] = summary.version
    form = UnitSummaryForm(request.POST or None, sections=rnd.sections, initial=initial) if may_write else None
    if form is not None and request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            if submit:
                services.unit_summary_submit(actor=request.user, summary=summary, texts=form.texts(),
                                             version=form.cleaned_data["version"])
            else:
                services.unit_summary_save(actor=request.user, summary=summary, texts=form.texts(),
                                           version=form.cleaned_data["version"])
        except NotFoundError:
            raise Http404 from None
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Summary submitted.") if submit else _("Draft saved."))
            return redirect("summaries:unit_summary", pk=summary.pk)
    if summary.status in UNIT_EDITABLE:
        figures = unit_figures(unit=summary.unit, round=rnd, as_of=timezone.localdate())
    else:
        figures = summary.figures
    sections = [(section, summary.texts[i] if i < len(summary.texts) else "",
                 form[f"text_{i}"] if form is not None else None) for i, section in enumerate(rnd.sections)]
    return render(request, "summaries/unit_summary.html", {
        "summary": summary, "round": rnd, "form": form, "sections": sections,
        "figure_lines": figure_lines(figures), "figures_live": summary.status in UNIT_EDITABLE,
        "taken_on": figures.get("taken_on", ""), "evidence": selectors.evidence(summary),
        "evidence_form": EvidenceForm() if may_write else None, "chases": selectors.unit_summary_chases(summary),
        "may_review": services.may_manage(request.user) and summary.status == UnitSummaryStatus.SUBMITTED,
        "return_form": ReturnForm(), "statuses": UnitSummaryStatus,
    }, status=400 if form is not None and form.errors else 200)


@access(action_rule(Action.MANAGE))
def unit_review(request, pk: int):
    """Accept or return (with a reason) a submitted summary (office only, POST)."""
    _office_or_404(request)
    summary = _summary_or_404(request, pk)
    if refused := _post_only(request):
        return refused
    try:
        if request.POST.get("action") == "accept":
            services.unit_summary_accept(actor=request.user, summary=summary)
            messages.success(request, _("Summary accepted."))
        else:
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            services.unit_summary_return(actor=request.user, summary=summary, reason=reason)
            messages.success(request, _("Summary returned to the unit."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("summaries:unit_summary", pk=summary.pk)


@access(action_rule(Action.CHANGE))
def evidence_upload(request, pk: int):
    """Attach an evidence file to the unit's summary (those who may write it, POST)."""
    summary = _summary_or_404(request, pk)
    if not services.may_write(request.user, summary):
        raise Http404
    if refused := _post_only(request):
        return refused
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            checked = check_upload(form.cleaned_data["file"], allowed=EVIDENCE_TYPES)
            services.unit_summary_evidence_attach(actor=request.user, summary=summary, checked=checked)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Evidence attached."))
    else:
        messages.error(request, _("Choose the evidence file."))
    return redirect("summaries:unit_summary", pk=summary.pk)


@access(LOGIN)
def evidence_download(request, pk: int, file_pk: int):
    summary = _summary_or_404(request, pk)
    try:
        attachment = selectors.evidence_get(summary=summary, pk=file_pk)
    except selectors.Attachment.DoesNotExist:
        raise Http404 from None
    return attachment_response(attachment)


def _district_reader_or_404(request) -> None:
    if not selectors.may_read_district(request.user):
        raise Http404


@access(action_rule(Action.APPROVE))
def district(request, pk: int):
    """The district draft: read by the office and leaders; the office edits it until finalised."""
    _district_reader_or_404(request)
    rnd = _round_or_404(pk)
    draft = selectors.district_get(round=rnd)
    may_edit = draft is not None and draft.status == DistrictStatus.DRAFT and services.may_manage(request.user)
    if request.method == "POST" and not may_edit:
        raise Http404
    form = None
    if may_edit:
        initial = {"title": draft.title, "version": draft.version,
                   **{f"text_{i}": s["text"] for i, s in enumerate(draft.sections)}}
        form = DistrictForm(request.POST or None, sections=draft.sections, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.district_summary_save(actor=request.user, district=draft, title=form.cleaned_data["title"],
                                               texts=form.texts(), version=form.cleaned_data["version"])
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("District summary saved."))
                return redirect("summaries:district", pk=rnd.pk)
    return render(request, "summaries/district.html", {
        "round": rnd, "draft": draft, "form": form, "may_manage": services.may_manage(request.user),
    }, status=400 if form is not None and form.errors else 200)


@access(action_rule(Action.MANAGE))
def district_generate(request, pk: int):
    """生成区级总结初稿 (office only, POST): build or rebuild the draft from the units' summaries."""
    _office_or_404(request)
    rnd = _round_or_404(pk)
    if refused := _post_only(request):
        return refused
    try:
        version = request.POST.get("version")
        services.district_summary_generate(actor=request.user, round=rnd,
                                           version=int(version) if version and version.isdigit() else None)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("District summary draft generated from the units' summaries."))
    return redirect("summaries:district", pk=rnd.pk)


@access(action_rule(Action.MANAGE))
def district_finalise(request, pk: int):
    """Finalise the district summary (office only, POST); afterwards it is frozen."""
    _office_or_404(request)
    rnd = _round_or_404(pk)
    if refused := _post_only(request):
        return refused
    draft = selectors.district_get(round=rnd)
    if draft is None:
        raise Http404
    version = request.POST.get("version")
    try:
        services.district_summary_finalise(actor=request.user, district=draft,
                                           version=int(version) if version and version.isdigit() else None)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("District summary finalised."))
    return redirect("summaries:district", pk=rnd.pk)


@access(action_rule(Action.APPROVE))
def district_export(request, pk: int):
    """The district summary as an official .docx (draft or final)."""
    _district_reader_or_404(request)
    rnd = _round_or_404(pk)
    draft = selectors.district_get(round=rnd)
    if draft is None:
        raise Http404
    return download(district_docx(draft), district_filename(draft), DOCX_MIME)


@access(action_rule(Action.MANAGE))
def template_list(request):
    """The office's summary templates."""
    _office_or_404(request)
    return render(request, "summaries/templates.html", {"templates": list(selectors.templates())})


@access(action_rule(Action.MANAGE))
def template_edit(request, pk: int | None = None):
    """Create or change a template (office only); versioned: a stale save is refused."""
    _office_or_404(request)
    template = None
    initial = {}
    if pk is not None:
        try:
            template = selectors.template_get(pk=pk)
        except selectors.SummaryTemplate.DoesNotExist:
            raise Http404 from None
        initial = {"title": template.title, "sections": sections_text(template.sections),
                   "figures": template.figures, "version": template.version}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.template_save(actor=request.user, title=data["title"], sections=data["sections"],
                                   figures=data["figures"], template=template, version=data["version"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Template saved. Rounds already open keep the sections they opened with."))
            return redirect("summaries:templates")
    return render(request, "summaries/form.html", {
        "form": form, "title": _("Edit the template") if template else _("New summary template"),
        "cancel_url": reverse("summaries:templates")}, status=400 if form.errors else 200)
