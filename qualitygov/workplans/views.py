"""The work plan's pages: the list, a work plan with its key points, the import (upload, review), a key
point's assignment, issuing, the roll-over, and the .docx/.xlsx exports. Reading is open to every
signed-in user; writing to an office holding the whole district (others get 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.selectors import org_unit_choices
from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error

from . import io, selectors, services
from . import review as reviewing
from .choices import ImportStatus, KeyPointState, WorkPlanStatus
from .forms import ACCEPT, ALLOWED, KeyPointForm, ReviewForm, RollOverForm, UploadForm
from .lists import WORK_PLAN_LIST
from .models import KeyPoint, WorkPlan, WorkPlanImport

MANAGE = action_rule(Action.MANAGE)


def _office_or_404(request) -> None:
    if not services.may_manage(request.user):
        raise Http404


def _work_plan_or_404(pk: int) -> WorkPlan:
    try:
        return selectors.work_plan_get(pk=pk)
    except WorkPlan.DoesNotExist:
        raise Http404 from None


def _import_or_404(request, pk: int) -> WorkPlanImport:
    try:
        return selectors.import_get(user=request.user, pk=pk)
    except WorkPlanImport.DoesNotExist:
        raise Http404 from None


@access(LOGIN)
def work_plan_list(request):
    """Every year's work plan: filtered by year and status, sorted, paged; `?format=xlsx` exports them."""
    lst = list_page(request, selectors.work_plans(), WORK_PLAN_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "workplans/list.html", {"lst": lst, "work_plans": lst.rows,
                                                   "may_manage": services.may_manage(request.user)})


@access(LOGIN)
def work_plan_detail(request, pk: int):
    """A work plan: its key points under their headings, each with its task, units, deadline and state."""
    work_plan = _work_plan_or_404(pk)
    points = selectors.key_points(work_plan)
    today = timezone.localdate()
    states = {p.pk: selectors.key_point_state(p, today=today) for p in points}
    grouped = [(heading, [(p, states[p.pk]) for p in members]) for heading, members in selectors.groups(points)]
    may_manage = services.may_manage(request.user)
    return render(request, "workplans/detail.html", {
        "work_plan": work_plan, "grouped": grouped, "count": len(points), "may_manage": may_manage,
        "states": KeyPointState, "draft": work_plan.status == WorkPlanStatus.DRAFT,
        "next_plan": selectors.next_work_plan(work_plan),
        "open_count": sum(states[p.pk] in (KeyPointState.OPEN, KeyPointState.OVERDUE) for p in points),
    })


@access(MANAGE)
def import_upload(request):
    """Upload a 工作要点 file: a readable one goes to its review page; anything else is refused here."""
    _office_or_404(request)
    plans = selectors.plans_for_import(user=request.user)
    form = UploadForm(request.POST or None, request.FILES or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        try:
            checked = check_upload(form.cleaned_data["file"], allowed=ALLOWED)
            imp = services.work_plan_import_preview(actor=request.user, plan=form.cleaned_data["plan"],
                                                    checked=checked, year=form.cleaned_data["year"])
        except ServiceError as exc:
            apply_service_error(form, exc, default_field="file")
        else:
            return redirect("workplans:import_review", pk=imp.pk)
    return render(request, "workplans/upload.html", {"form": form, "accept": ACCEPT, "has_plan": plans.exists()},
                  status=400 if form.errors else 200)


@access(MANAGE)
def import_review(request, pk: int):
    """The parsed key points with their resolved task, units, deadline and problems; POST saves the office's
    choices (`save`) or saves them and confirms (`confirm`)."""
    _office_or_404(request)
    imp = _import_or_404(request, pk)
    review = reviewing.import_review(imp)
    editable = imp.status == ImportStatus.PREVIEW
    unit_qs = selectors.assignable_units(user=request.user)
    form = ReviewForm(review, request.POST or None, units=unit_qs)
    error = ""
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.work_plan_import_correct(actor=request.user, imp=imp, **form.corrections())
                if "confirm" in request.POST:
                    work_plan = services.work_plan_import_confirm(actor=request.user, imp=imp)
                    messages.success(request, _("Imported %(n)s key points into a draft work plan.")
                                     % {"n": len(review.points)})
                    return redirect("workplans:detail", pk=work_plan.pk)
            except ServiceError as exc:
                error = exc.message
            else:
                messages.success(request, _("Corrections saved."))
                return redirect("workplans:import_review", pk=imp.pk)
        else:
            error = _("Check the fields marked below.")
        if error:
            imp.refresh_from_db()
            review = reviewing.import_review(imp)
            form = ReviewForm(review, units=unit_qs)
    return render(request, "workplans/review.html", {
        "imp": imp, "review": review, "form": form, "editable": editable, "error": error,
    }, status=400 if error else 200)


@access(MANAGE)
def import_cancel(request, pk: int):
    """Discard an import under review (office only, POST)."""
    _office_or_404(request)
    imp = _import_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.work_plan_import_cancel(actor=request.user, imp=imp)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("workplans:import_review", pk=imp.pk)
    messages.success(request, _("Import cancelled."))
    return redirect("workplans:list")


@access(MANAGE)
def key_point_edit(request, pk: int):
    """Assign a key point of a draft work plan: task, lead and co-operating units, deadline (office only)."""
    _office_or_404(request)
    try:
        point = selectors.key_point_get(pk=pk)
    except KeyPoint.DoesNotExist:
        raise Http404 from None
    if point.work_plan.status != WorkPlanStatus.DRAFT:
        raise Http404
    tasks = selectors.plan_task_choices(user=request.user, plan=point.work_plan.plan)
    initial = {"task": point.task_id, "lead_unit": point.lead_unit_id, "deadline": point.deadline,
               "co_units": list(point.co_units.values_list("pk", flat=True))}
    form = KeyPointForm(request.POST or None, initial=initial, tasks=tasks, units=org_unit_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.key_point_update(actor=request.user, key_point=point, task=data["task"],
                                      lead_unit=data["lead_unit"], co_units=data["co_units"],
                                      deadline=data["deadline"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("workplans:detail", pk=point.work_plan_id)
    return render(request, "workplans/form.html", {
        "form": form, "title": _("Assign key point %(n)s") % {"n": point.number}, "subtitle": point.text,
        "cancel_url": reverse("workplans:detail", args=[point.work_plan_id]),
    }, status=400 if form.errors else 200)


@access(MANAGE)
def publish(request, pk: int):
    """Issue a draft work plan: each key point becomes a work item in its units' inbox (office only, POST)."""
    _office_or_404(request)
    work_plan = _work_plan_or_404(pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.work_plan_publish(actor=request.user, work_plan=work_plan)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Work plan issued: each key point is now a work item of its lead unit."))
    return redirect("workplans:detail", pk=work_plan.pk)


@access(MANAGE)
def roll_over(request, pk: int):
    """Year Y's open key points and what became of each; POST without a key point starts year Y+1's draft,
    with `point` it records the decision for that key point (office only)."""
    _office_or_404(request)
    work_plan = _work_plan_or_404(pk)
    if work_plan.status != WorkPlanStatus.PUBLISHED:
        raise Http404
    nxt = selectors.next_work_plan(work_plan)
    pending, decided = selectors.roll_over_points(work_plan)
    forms = {p.pk: RollOverForm(prefix=f"p{p.pk}") for p in pending}
    status = 200
    if request.method == "POST":
        point_id = request.POST.get("point", "")
        if not point_id:
            try:
                nxt = services.roll_over_start(actor=request.user, work_plan=work_plan)
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The %(year)s work plan is started: decide each open key point below.")
                                 % {"year": nxt.year})
            return redirect("workplans:roll_over", pk=work_plan.pk)
        point = next((p for p in pending if str(p.pk) == point_id), None)
        if point is None:
            messages.error(request, _("This key point has already been decided or is not open."))
            return redirect("workplans:roll_over", pk=work_plan.pk)
        form = RollOverForm(request.POST, prefix=f"p{point.pk}")
        forms[point.pk] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.roll_over_decide(actor=request.user, key_point=point, outcome=data["outcome"],
                                          reason=data["reason"], deadline=data["deadline"])
            except ServiceError as exc:
                apply_service_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Key point %(n)s decided.") % {"n": point.number})
                return redirect("workplans:roll_over", pk=work_plan.pk)
        else:
            status = 400
    return render(request, "workplans/roll_over.html", {
        "work_plan": work_plan, "next_plan": nxt, "pending": [(p, forms[p.pk]) for p in pending],
        "decided": decided,
    }, status=status)


@access(LOGIN)
def export_docx(request, pk: int):
    """The work plan as the official Word document."""
    work_plan = _work_plan_or_404(pk)
    return io.work_plan_docx(work_plan, selectors.key_points(work_plan))


@access(LOGIN)
def export_xlsx(request, pk: int):
    """The work plan's key points as .xlsx under a fixed Chinese header."""
    work_plan = _work_plan_or_404(pk)
    return io.work_plan_xlsx(work_plan, selectors.key_points(work_plan))
