"""The sampling pages: plans (list, detail, edit), batches (list with filters and export, detail with
the follow-up timeline and its step forms, edit, delete), the import (template, dry run, commit) and the
rules in force. Reading follows `visible_to` (404 outside it); writing needs CHANGE over the plan's
owning unit (404 otherwise)."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.access import access, action_rule
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.io import XLSX_MIME, download
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.uploads import CheckedFile, check_upload
from qualitygov.core.views_helpers import apply_service_error

from . import io, selectors, services
from .choices import TRANSITION_LABELS, TRANSITIONS, ClockState, Stage
from .forms import (
    ACCEPT,
    ALLOWED,
    ActForm,
    BatchForm,
    DeleteForm,
    ImportForm,
    PlanForm,
    PublishForm,
    plan_initial,
)
from .lists import BATCH_LIST, PLAN_LIST
from .models import SamplingRuleSet
from .services_import import batches_import

VIEW = action_rule(Action.VIEW)
CHANGE = action_rule(Action.CHANGE)
IMPORT_MAX_BYTES = 5 * 1024 * 1024
SESSION_KEY = "sampling_import"


def _plan(request, pk: int, action: str = Action.VIEW):
    try:
        return selectors.plan_get_visible(user=request.user, pk=pk, action=action)
    except NotFoundError:
        raise Http404 from None


def _batch(request, pk: int, action: str = Action.VIEW):
    try:
        return selectors.batch_get_visible(user=request.user, pk=pk, action=action)
    except NotFoundError:
        raise Http404 from None


@access(VIEW)
def batch_list(request):
    """Every visible batch: filters by plan, town, verdict, product, entity, follow-up clock, category and
    date; `?format=xlsx` exports the filtered list."""
    plans = selectors.plan_list_visible(user=request.user)
    lst = list_page(request, selectors.batch_list_visible(user=request.user), BATCH_LIST, plans=plans)
    if isinstance(lst, HttpResponse):
        return lst
    today = timezone.localdate()
    rows = [(b, selectors.clock_state(getattr(b, "followup", None), today)) for b in lst.rows]
    return render(request, "sampling/batch_list.html", {
        "lst": lst, "rows": rows, "states": ClockState, "may_create": services.may_create_plan(request.user)})


@access(VIEW)
def plan_list(request):
    """The visible sampling plans with their planned and sampled batches."""
    qs = selectors.plan_list_visible(user=request.user).annotate(batch_count=Count("batches"))
    lst = list_page(request, qs, PLAN_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "sampling/plan_list.html", {"lst": lst, "plans": lst.rows,
                                                       "may_create": services.may_create_plan(request.user)})


@access(VIEW)
def plan_detail(request, pk: int):
    plan = _plan(request, pk)
    batches = selectors.batch_list_visible(user=request.user).filter(plan=plan)
    counts = {"total": batches.count(), "failed": batches.filter(verdict="fail").count(),
              "open": batches.filter(selectors.clock_filter(ClockState.OPEN)).count()}
    return render(request, "sampling/plan_detail.html", {
        "plan": plan, "counts": counts, "may_write": services.may_write(request.user, plan),
        "list_url": f"{reverse('sampling:list')}?plan={plan.pk}"})


@access(CHANGE)
def plan_edit(request, pk: int | None = None):
    """Create a plan (no pk) or change one, for a unit the user writes for."""
    plan = _plan(request, pk, Action.CHANGE) if pk is not None else None
    units = services.owning_unit_choices(request.user)
    if plan is None and not units.exists():
        return render(request, "sampling/no_unit.html")
    initial = plan_initial(plan) if plan else {"year": timezone.localdate().year,
                                               "owning_unit": units.first().pk if units.exists() else None}
    if plan is not None:  # the plan's own unit stays choosable
        units = services.owning_unit_choices(request.user, keep_unit_id=plan.owning_unit_id)
    form = PlanForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            plan = services.plan_save(actor=request.user, plan=plan, version=version, **data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("sampling:plan_detail", pk=plan.pk)
    return render(request, "sampling/form.html", {
        "form": form, "title": _("Change the sampling plan") if plan else _("New sampling plan"),
        "cancel_url": reverse("sampling:plan_detail", args=[plan.pk]) if plan else reverse("sampling:plans"),
    }, status=400 if form.errors else 200)


def _batch_form_save(request, form, *, plan, batch=None):
    data = dict(form.cleaned_data)
    entity, version = data.pop("uscc"), data.pop("version")
    try:
        if batch is None:
            return services.batch_create(actor=request.user, plan=plan, entity=entity, **data)
        return services.batch_update(actor=request.user, batch=batch, entity=entity, version=version, **data)
    except ServiceError as exc:
        apply_service_error(form, exc, default_field="uscc" if exc.fields.get("entity") else None)
    return None


@access(CHANGE)
def batch_new(request, pk: int):
    """Record a batch of plan `pk`."""
    plan = _plan(request, pk, Action.CHANGE)
    form = BatchForm(request.POST or None, initial={"lab": plan.lab, "product": plan.product})
    if request.method == "POST" and form.is_valid():
        batch = _batch_form_save(request, form, plan=plan)
        if batch is not None:
            messages.success(request, _("Batch recorded."))
            return redirect("sampling:batch_detail", pk=batch.pk)
    return render(request, "sampling/form.html", {
        "form": form, "title": _("Record a sampled batch"), "subtitle": str(plan),
        "cancel_url": reverse("sampling:plan_detail", args=[plan.pk])}, status=400 if form.errors else 200)


@access(CHANGE)
def batch_edit(request, pk: int):
    batch = _batch(request, pk, Action.CHANGE)
    initial = {"uscc": batch.entity.uscc, "product": batch.product, "sampled_on": batch.sampled_on, "lab": batch.lab,
               "report_no": batch.report_no, "verdict": batch.verdict, "failed_items": batch.failed_items,
               "notes": batch.notes, "version": batch.version}
    form = BatchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _batch_form_save(request, form, plan=batch.plan, batch=batch)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("sampling:batch_detail", pk=batch.pk)
    return render(request, "sampling/form.html", {
        "form": form, "title": _("Change the batch"), "subtitle": str(batch),
        "cancel_url": reverse("sampling:batch_detail", args=[batch.pk])}, status=400 if form.errors else 200)


@access(VIEW)
def batch_detail(request, pk: int):
    """A batch: its facts, the follow-up timeline and clocks, and (for writers) the next steps' forms."""
    batch = _batch(request, pk)
    followup = getattr(batch, "followup", None)
    may_write = services.may_write(request.user, batch.plan)
    steps = []
    if may_write and followup is not None:
        steps = [(name, TRANSITION_LABELS[name], ActForm(name=name, prefix=name,
                                                         initial={"on": timezone.localdate(),
                                                                  "version": followup.version}))
                 for name, (sources, _target) in TRANSITIONS.items() if followup.stage in sources]
    return render(request, "sampling/batch_detail.html", {
        "batch": batch, "followup": followup, "timeline": selectors.timeline(batch), "steps": steps,
        "may_write": may_write, "state": selectors.clock_state(followup),
        "may_delete": may_write and services.nothing_follows(batch),
        "publish_form": PublishForm(initial={"published_on": timezone.localdate()}) if may_write else None,
        "delete_form": DeleteForm() if may_write else None, "stages": Stage,
        "snapshot": selectors.sample_public_snapshot(batch)})


@access(CHANGE)
def batch_act(request, pk: int, name: str):
    """POST: take the follow-up step `name` (one of the transitions) with its form's facts."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    batch = _batch(request, pk, Action.CHANGE)
    followup = getattr(batch, "followup", None)
    if followup is None or name not in TRANSITIONS:
        raise Http404
    form = ActForm(request.POST, name=name, prefix=name)
    if not form.is_valid():
        messages.error(request, _("Check the step's fields: %(errors)s") % {
            "errors": "；".join(f"{form.fields[k].label if k in form.fields else ''}{' '.join(v)}"
                               for k, v in form.errors.items())})
        return redirect("sampling:batch_detail", pk=batch.pk)
    try:
        services.followup_transition(actor=request.user, followup=followup, name=name, on=form.cleaned_data["on"],
                                     version=form.cleaned_data.get("version"), note=form.cleaned_data.get("note", ""),
                                     **form.facts())
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Recorded: %(step)s.") % {"step": TRANSITION_LABELS[name]})
    return redirect("sampling:batch_detail", pk=batch.pk)


@access(CHANGE)
def batch_publish(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    batch = _batch(request, pk, Action.CHANGE)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.batch_publish(actor=request.user, batch=batch, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Publication recorded."))
    else:
        messages.error(request, _("Enter the date and the channel."))
    return redirect("sampling:batch_detail", pk=batch.pk)


@access(CHANGE)
def batch_delete(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    batch = _batch(request, pk, Action.CHANGE)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for deleting the batch."))
        return redirect("sampling:batch_detail", pk=batch.pk)
    plan_pk = batch.plan_id
    try:
        services.batch_delete(actor=request.user, batch=batch, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("sampling:batch_detail", pk=batch.pk)
    messages.success(request, _("Batch deleted."))
    return redirect("sampling:plan_detail", pk=plan_pk)


@access(VIEW)
def import_template(request):
    """The empty .xlsx template of the batch import."""
    return download(io.template_bytes(), "监督抽查批次导入模板.xlsx", XLSX_MIME)


@access(CHANGE)
def batch_import(request, pk: int):
    """Upload → dry run (every error with its row and column, or the rows that would be recorded) →
    confirm: all rows or none. The checked file waits in the session between the two steps."""
    plan = _plan(request, pk, Action.CHANGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    result, token, status = None, "", 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(SESSION_KEY) or {}
        if stored.get("plan") != plan.pk or stored.get("sha256") != request.POST.get("token"):
            messages.error(request, _("The checked file is no longer available: upload it again."))
            return redirect("sampling:batch_import", pk=plan.pk)
        checked = CheckedFile(name=stored["name"], data=base64.b64decode(stored["data"]), extension=stored["ext"],
                              content_type="", sha256=stored["sha256"])
        result = batches_import(actor=request.user, plan=plan, checked=checked, commit=True)
        if result.committed:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Imported %(n)s batches.") % {"n": len(result.rows)})
            return redirect("sampling:plan_detail", pk=plan.pk)
        status = 400
    elif request.method == "POST" and form.is_valid():
        try:
            checked = check_upload(form.cleaned_data["file"], allowed=ALLOWED, max_bytes=IMPORT_MAX_BYTES)
        except ServiceError as exc:
            apply_service_error(form, exc, default_field="file")
            status = 400
        else:
            result = batches_import(actor=request.user, plan=plan, checked=checked, commit=False)
            if result.errors:
                status = 400
            else:
                request.session[SESSION_KEY] = {"plan": plan.pk, "name": checked.name, "ext": checked.extension,
                                                "sha256": checked.sha256,
                                                "data": base64.b64encode(checked.data).decode()}
                token = checked.sha256
    elif request.method == "POST":
        status = 400
    return render(request, "sampling/import.html", {"plan": plan, "form": form, "accept": ACCEPT, "result": result,
                                                    "token": token,
                                                    "plan_cancel": reverse("sampling:plan_detail", args=[plan.pk])},
                  status=status)


@access(VIEW)
def rule_list(request):
    """The statutory periods in force and earlier versions."""
    rule_sets = list(SamplingRuleSet.objects.order_by("-effective_from", "-pk"))
    today = timezone.localdate()
    current = SamplingRuleSet.in_force(today)
    from .rules import PERIODS, Period

    rows = []
    for rs in rule_sets:
        periods = [(name, Period(int(rs.params[name]["days"]), rs.params[name].get("count", "calendar"),
                                 rs.params[name].get("basis", ""))) for name in PERIODS if name in rs.params]
        rows.append((rs, periods))
    return render(request, "sampling/rules.html", {"rows": rows, "current": current})
