"""Reporting pages: reporting cycles (office), the lead unit's report with its co units' parts, a co
unit's part, the office's review, extension requests (延期申请) and the 督办 list."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitygov.accounts.choices import Action
from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.lists import Column, Export, ListSpec, list_export, list_page
from qualitygov.core.scoping import can
from qualitygov.core.views_helpers import apply_service_error, visible_or_404
from qualitygov.plans.models import Plan

from . import selectors, services
from .choices import (
    PART_PENDING,
    PART_SHARED,
    REPORT_EDITABLE,
    ExtensionStatus,
    Frequency,
    PartStatus,
    ReportStatus,
)
from .filters import CycleFilter, ExtensionFilter, SupervisedFilter
from .forms import DecisionForm, ExtensionForm, PartForm, ReasonForm, ReportForm
from .models import ReportingCycle
from .views import _chosen_plan, _plans

MANAGE = action_rule(Action.MANAGE)
CHANGE = action_rule(Action.CHANGE)
REVIEW = action_rule(Action.REVIEW)
APPROVE = action_rule(Action.APPROVE)


def _form_errors_to_messages(request, form: forms.Form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def _with_evidence(request, form: forms.Form, owner, write: Callable[[], object]) -> bool:
    """Attach the uploaded evidence (if any) and run `write`, all or nothing; errors go on the form.

    The file is checked before anything is stored; if `write` is refused afterwards, the stored file
    is removed again with the rolled-back row.
    """
    uploaded = form.cleaned_data.get("evidence")
    stored = None
    try:
        with transaction.atomic():
            if uploaded:
                stored = services.evidence_attach(actor=request.user, owner=owner, uploaded=uploaded)
            write()
    except NotFoundError as exc:
        raise Http404 from exc
    except ServiceError as exc:
        if stored is not None:
            stored.file.storage.delete(stored.file.name)
        if set(exc.fields) == {"file"}:  # the upload gate's refusal: its full message, once, under the field
            form.add_error("evidence", exc.message)
        else:
            apply_service_error(form, exc)
        return False
    return True


# Reporting cycles (office)


class CycleScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=gettext_lazy("Frequency"), choices=Frequency.choices,
                                  widget=forms.Select(attrs={"class": "form-select"}))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    due_day = forms.IntegerField(label=gettext_lazy("Due on day of the period's last month"), min_value=1,
                                 max_value=31, initial=25, widget=forms.NumberInput(attrs={"class": "form-control"}))


@access(MANAGE)
def cycle_list(request):
    """The plan's reporting cycles; schedule a year of them; open one (a report request per work item)."""
    plans = _plans(request.user)
    plan = _chosen_plan(request, plans)
    form = CycleScheduleForm(request.POST or None, initial={"year": timezone.localdate().year, "due_day": 25})
    if request.method == "POST" and plan is not None and form.is_valid():
        try:
            created = services.cycles_schedule(actor=request.user, plan=plan, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(n)d reporting cycles added.") % {"n": len(created)})
            return redirect(f"{reverse('progress:cycle_list')}?plan={plan.pk}")
    lst = list_page(request, _cycles(plan), CYCLE_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "progress/cycle_list.html", {
        "plans": plans, "plan": plan, "lst": lst, "form": form, "today": timezone.localdate(),
    })


def _cycle_rows(cycles):
    for c in cycles:
        yield [c.label, c.get_frequency_display(), c.period_start, c.period_end, c.due_date, c.opened_at]


CYCLE_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Cycle"), "period", ("period_start", "frequency")),
        Column(gettext_lazy("Frequency"), "frequency"),
        Column(gettext_lazy("Period")),
        Column(gettext_lazy("Due date"), "due", ("due_date",)),
        Column(gettext_lazy("Opened at"), "opened", ("opened_at",)),
        Column(""),
    ],
    default_sort="-period",
    filterset=CycleFilter,
    export=Export(filename="报送周期", sheet="报送周期",
                  header=["报送周期", "频次", "起始日期", "截止日期", "报送截止日", "开启时间"],
                  rows=_cycle_rows, widths=[14, 10, 12, 12, 12, 18]),
)


def _cycles(plan):
    """The plan's cycles (the plan is one the user may see: `_chosen_plan` picks among visible plans)."""
    return ReportingCycle.objects.filter(plan=plan) if plan else ReportingCycle.objects.none()


@access(MANAGE)
def cycle_list_xlsx(request):
    """The chosen plan's reporting cycles (same filters and sort) as .xlsx."""
    return list_export(request, _cycles(_chosen_plan(request, _plans(request.user))), CYCLE_LIST)


@require_POST
@access(MANAGE)
def cycle_open(request, pk: int):
    cycle = ReportingCycle.objects.filter(pk=pk, plan__in=Plan.objects.visible_to(request.user)).first()
    if cycle is None:
        raise Http404
    try:
        created = services.cycle_open(actor=request.user, cycle=cycle)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d report requests opened for %(cycle)s.") % {"n": created, "cycle": cycle})
    return redirect(f"{reverse('progress:cycle_list')}?plan={cycle.plan_id}")


# The lead unit's report


def files_for(user, unit_id: int) -> bool:
    """Whether `user` files for `unit_id` as its liaison: may change there but does not manage it.

    The office may change everywhere (services let it act for a unit when it must), but it reads and
    reviews; the pages show it no unit's editable form, no "my part" and no lead-unit decision."""
    return can(user, Action.CHANGE, unit_id) and not can(user, Action.MANAGE, unit_id)


def _report_context(request, report, form) -> dict:
    user = request.user
    leads = can(user, Action.VIEW, report.unit_id)
    readable = selectors.report_content_readable(user=user, report=report)
    parts = list(selectors.report_part_list_visible(user=user, report=report))
    own_parts = [part for part in parts if files_for(user, part.unit_id) and part.unit_id != report.unit_id]
    for part in parts:
        part.evidence = selectors.evidence_list(owner=part) if part.status in PART_SHARED or part in own_parts else []
        part.can_decide = (leads and files_for(user, report.unit_id) and report.status in REPORT_EDITABLE
                           and part.status in {PartStatus.SUBMITTED, PartStatus.ACCEPTED})
    statuses = selectors.report_part_statuses(user=user, report=report)
    waiting = [row for row in statuses if row.status in PART_PENDING]
    return {
        "report": report, "item": report.work_item, "cycle": report.cycle, "form": form,
        "statuses": statuses,
        "parts": [part for part in parts if part.status in PART_SHARED or part in own_parts],
        "own_parts": own_parts,
        "show_report": readable,
        "can_edit": files_for(user, report.unit_id) and report.status in REPORT_EDITABLE,
        "office_reads": can(user, Action.MANAGE, report.unit_id) and report.status in REPORT_EDITABLE,
        "can_review": can(user, Action.REVIEW, report.unit_id) and report.status == ReportStatus.SUBMITTED,
        "can_extend": files_for(user, report.unit_id) and report.status in REPORT_EDITABLE,
        "waiting": waiting, "waiting_units": "、".join(row.unit_label for row in waiting),
        "evidence": selectors.evidence_list(owner=report) if readable else [],
        "return_form": ReasonForm(prefix="return"),
        "today": timezone.localdate(),
    }


@access(LOGIN)
def report_detail(request, pk: int):
    """The report of one work item for one cycle.

    The lead unit reads its co units' filed parts, returns one with a reason, and saves or submits the
    consolidated report with evidence; the office reviews a submitted one. A co unit sees its own part.
    """
    report = visible_or_404(selectors.report_get_visible, user=request.user, pk=pk)
    initial = {"progress_pct": report.progress_pct, "done_text": report.done_text, "problems": report.problems,
               "next_steps": report.next_steps, "version": report.version}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if not can(request.user, Action.CHANGE, report.unit_id):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            texts = {name: data[name] for name in ("progress_pct", "done_text", "problems", "next_steps", "version")}
            submit = request.POST.get("action") == "submit"
            waiting: list[str] = []

            def write() -> None:
                if not submit:
                    services.report_save(actor=request.user, report=report, **texts)
                    return
                try:
                    services.report_submit(actor=request.user, report=report, **texts)
                except ConflictError as exc:
                    if "parts" not in exc.fields:
                        raise
                    # Parts still pending: keep what was typed as the draft rather than lose it.
                    services.report_save(actor=request.user, report=report, **texts)
                    waiting.extend(exc.fields["parts"])

            if _with_evidence(request, form, report, write):
                if waiting:
                    messages.warning(request, _("Draft saved but not submitted: still waiting for the parts of: "
                                                "%(units)s.") % {"units": "、".join(waiting)})
                else:
                    messages.success(request, _("Report submitted to the office.") if submit else _("Draft saved."))
                return redirect("progress:report_detail", pk=report.pk)
    return render(request, "progress/report_detail.html", _report_context(request, report, form))


@require_POST
@access(REVIEW)
def report_review(request, pk: int):
    """The office approves a submitted report (the work item's progress and light move) or returns it."""
    report = visible_or_404(selectors.report_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.REVIEW, report.unit_id):
        raise Http404
    form = DecisionForm(request.POST, choices=[("approve", _("Approve")), ("return", _("Return"))])
    if not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect("progress:report_detail", pk=report.pk)
    try:
        if form.cleaned_data["decision"] == "approve":
            services.report_approve(actor=request.user, report=report)
            messages.success(request, _("Report approved."))
        else:
            services.report_return(actor=request.user, report=report, reason=form.cleaned_data["note"])
            messages.success(request, _("Report returned to the lead unit."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("progress:report_detail", pk=report.pk)


# A co unit's part


@access(LOGIN)
def part_detail(request, pk: int):
    """A co unit's part: its own unit edits and files it (with evidence); the lead unit reads it once filed."""
    part = visible_or_404(selectors.report_part_get_visible, user=request.user, pk=pk)
    report = part.report
    initial = {"done_text": part.done_text, "problems": part.problems, "next_steps": part.next_steps,
               "version": part.version}
    form = PartForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if not can(request.user, Action.CHANGE, part.unit_id):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            texts = {name: data[name] for name in ("done_text", "problems", "next_steps", "version")}
            submit = request.POST.get("action") == "submit"
            service = services.report_part_submit if submit else services.report_part_save
            if _with_evidence(request, form, part, lambda: service(actor=request.user, part=part, **texts)):
                messages.success(request, _("Part filed to the lead unit.") if submit else _("Draft saved."))
                return redirect("progress:part_detail", pk=part.pk)
    return render(request, "progress/part_detail.html", {
        "part": part, "report": report, "item": report.work_item, "cycle": report.cycle, "form": form,
        "evidence": selectors.evidence_list(owner=part),
        "can_edit": (files_for(request.user, part.unit_id) and part.status in PART_PENDING
                     and report.status in REPORT_EDITABLE),
        "lead_view": can(request.user, Action.VIEW, report.unit_id),
    })


@require_POST
@access(LOGIN)
def part_decide(request, pk: int):
    """The lead unit accepts a filed part or returns it with a reason (only that part reopens)."""
    part = visible_or_404(selectors.report_part_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.CHANGE, part.report.unit_id):
        raise Http404
    if request.POST.get("decision") == "accept":
        call = lambda: services.report_part_accept(actor=request.user, part=part)  # noqa: E731
        done = _("Part accepted.")
    else:
        form = ReasonForm(request.POST, prefix="return")
        if not form.is_valid():
            _form_errors_to_messages(request, form)
            return redirect("progress:report_detail", pk=part.report_id)
        call = lambda: services.report_part_return(actor=request.user, part=part,  # noqa: E731
                                                   reason=form.cleaned_data["reason"])
        done = _("Part returned to %(unit)s.") % {"unit": part.unit.label}
    try:
        call()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("progress:report_detail", pk=part.report_id)


# Extension requests (延期申请)


def _extension_form(request, *, report=None, item=None):
    current = report.due_date if report is not None else item.deadline
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request_create(actor=request.user, report=report, work_item=item,
                                              **form.cleaned_data)
        except NotFoundError as exc:
            raise Http404 from exc
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Extension requested; the office will decide."))
            if report is not None:
                return redirect("progress:report_detail", pk=report.pk)
            return redirect("progress:work_item_detail", pk=item.pk)
    back = (reverse("progress:report_detail", args=[report.pk]) if report is not None
            else reverse("progress:work_item_detail", args=[item.pk]))
    return render(request, "progress/extension_form.html", {
        "form": form, "report": report, "item": item if item is not None else report.work_item,
        "current": current, "cancel_url": back,
    })


@access(CHANGE)
def report_extension(request, pk: int):
    """The lead unit asks to move the report's due date."""
    report = visible_or_404(selectors.report_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.CHANGE, report.unit_id):
        raise Http404
    return _extension_form(request, report=report)


@access(CHANGE)
def work_item_extension(request, pk: int):
    """The lead unit asks to move the work item's deadline."""
    item = visible_or_404(selectors.work_item_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.CHANGE, item.lead_unit_id):
        raise Http404
    return _extension_form(request, item=item)


def _extension_rows(requests_):
    for e in requests_:
        yield [e.unit.label, e.work_item.title, e.report.cycle.label if e.report_id else "", e.current_due_date,
               e.requested_due_date, e.reason, e.get_status_display(), str(e.requested_by or ""), e.decision_note,
               str(e.decided_by or ""), e.decided_at]


#: Pending requests first (the status codes sort "approved" < "pending" < "rejected", so rank them).
_PENDING_FIRST = Case(When(status=ExtensionStatus.PENDING, then=Value(0)), default=Value(1),
                      output_field=IntegerField())

EXTENSION_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Unit"), "unit", ("unit__sort_order", "unit__path")),
        Column(gettext_lazy("Work item"), "work_item", ("work_item__title",)),
        Column(gettext_lazy("Current due date"), "current", ("current_due_date",)),
        Column(gettext_lazy("Requested due date"), "requested", ("requested_due_date",)),
        Column(gettext_lazy("Reason")),
        Column(gettext_lazy("Status"), "status", (_PENDING_FIRST, "-requested_at")),
        Column(gettext_lazy("Decision")),
    ],
    default_sort="status",
    filterset=ExtensionFilter,
    export=Export(filename="延期申请", sheet="延期申请",
                  header=["单位", "工作事项", "报送周期", "原定日期", "申请延至", "理由", "状态", "申请人", "审批意见",
                          "审批人", "审批时间"],
                  rows=_extension_rows, widths=[16, 36, 14, 12, 12, 36, 10, 12, 30, 12, 18]),
)


def _extensions(request):
    return selectors.extension_list_visible(user=request.user).select_related("requested_by", "decided_by")


@access(LOGIN)
def extension_list(request):
    """Extension requests in scope; pending ones first, with the decision for approvers."""
    lst = list_page(request, _extensions(request), EXTENSION_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    for extension in lst.rows:
        extension.can_decide = (extension.status == ExtensionStatus.PENDING
                                and can(request.user, Action.APPROVE, extension.unit_id))
    return render(request, "progress/extension_list.html", {"lst": lst})


@access(LOGIN)
def extension_list_xlsx(request):
    """The extension requests of the list (same filters and sort) as .xlsx."""
    return list_export(request, _extensions(request), EXTENSION_LIST)


@require_POST
@access(APPROVE)
def extension_decide(request, pk: int):
    extension = visible_or_404(selectors.extension_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.APPROVE, extension.unit_id):
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect("progress:extension_list")
    try:
        if form.cleaned_data["decision"] == "approve":
            services.extension_approve(actor=request.user, extension=extension, note=form.cleaned_data["note"])
            messages.success(request, _("Extension approved: the new due date is %(date)s.")
                             % {"date": extension.requested_due_date.isoformat()})
        else:
            services.extension_reject(actor=request.user, extension=extension, note=form.cleaned_data["note"])
            messages.success(request, _("Extension rejected."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("progress:extension_list")


# 督办 list


def _supervised_rows(events):
    today = timezone.localdate()
    for event in events:
        yield [event.unit.label, f"{event.work_item.task.number}. {event.work_item.task.title}", event.work_item.title,
               event.report.cycle.label if event.report_id else "", event.due_date,
               max(0, (today - event.due_date).days), event.at, event.reason_label]


SUPERVISED_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Unit"), "unit", ("unit__sort_order", "unit__path")),
        Column(gettext_lazy("Work item"), "work_item", ("work_item__title",)),
        Column(gettext_lazy("Cycle"), "cycle", ("report__cycle__period_start",)),
        Column(gettext_lazy("Due date"), "due", ("due_date",)),
        Column(gettext_lazy("Days overdue"), "late", ("-due_date",)),
        Column(gettext_lazy("Listed at"), "at"),
        Column(gettext_lazy("Reason")),
    ],
    default_sort="due",
    filterset=SupervisedFilter,
    export=Export(filename="督办清单", sheet="督办清单",
                  header=["单位", "任务", "工作事项", "报送周期", "应报日期", "逾期天数", "列入督办时间", "原因"],
                  rows=_supervised_rows, widths=[16, 36, 36, 14, 12, 10, 18, 30]),
)


def _supervised(request):
    return selectors.supervised_list_visible(user=request.user).select_related("work_item__task")


@access(LOGIN)
def supervised_list(request):
    """The 督办 list: units and work items under supervised follow-up, until they answer."""
    lst = list_page(request, _supervised(request), SUPERVISED_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    today = timezone.localdate()
    for event in lst.rows:
        event.days_late = max(0, (today - event.due_date).days)
    return render(request, "progress/supervised_list.html", {"lst": lst, "today": today})


@access(LOGIN)
def supervised_xlsx(request):
    """The 督办 list (same filters and sort) as .xlsx."""
    return list_export(request, _supervised(request), SUPERVISED_LIST)
