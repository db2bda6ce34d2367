"""Pages of the one-stop service window: the requests (list, record, form, assign, done, reopen, delete,
import with dry run), totals by industry, and the time-limit rules. Users read requests of the windows in
their view scope and write those in their change scope; the rules are added by an office holding the
district. Anything else answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.access import access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.io import XLSX_MIME, download, xlsx_bytes, xlsx_response
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import can, manages_district
from qualitygov.core.views_helpers import apply_service_error, visible_or_404
from qualitygov.registry.ledger_import import import_flow, preview_rows
from qualitygov.registry.ledgers import cell_of, template_sheets

from . import selectors, services
from .choices import RequestStatus, ServiceKind
from .forms import AssignForm, CompleteForm, DeleteForm, PeriodForm, ReasonForm, RequestForm, RuleForm
from .lists import REQUEST_LIST, SLA_LABELS
from .sheet import REQUESTS

READ = action_rule(Action.VIEW)
WRITE = action_rule(Action.CHANGE)
MANAGE = action_rule(Action.MANAGE)


def _request_or_404(request, pk: int, action: str = Action.VIEW):
    return visible_or_404(selectors.request_get_visible, user=request.user, pk=pk, action=action)


@access(READ)
def request_list(request):
    lst = list_page(request, selectors.request_list_visible(user=request.user), REQUEST_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    today = timezone.localdate()
    rows = [(r, r.sla_state(today)) for r in lst.rows]
    return render(request, "onestop/list.html", {"lst": lst, "rows": rows, "may_write": can(request.user, Action.CHANGE),
                                                 "sla_labels": SLA_LABELS})


@access(READ)
def import_template(request):
    """The .xlsx template of the requests' import (the headings and a sheet of instructions)."""
    return download(xlsx_bytes(template_sheets(REQUESTS)), f"{REQUESTS.filename}导入模板.xlsx", XLSX_MIME)


@access(WRITE)
def request_import(request):
    """Upload a file of requests and see the dry run (every row, or every problem with its row and column);
    then confirm to import it all (nothing is written before)."""

    def check(data, name, unit):
        return services.import_plan(actor=request.user, data=data, filename=name, unit=unit)

    def commit(data, name, unit, sha256):
        return services.requests_import(actor=request.user, data=data, filename=name, unit=unit, sha256=sha256)

    page = import_flow(request, units=selectors.units_for_change(request.user), check=check, commit=commit)
    if page.imported is not None:
        messages.success(request, _("Imported: %(created)d new, %(updated)d updated.")
                         % {"created": len(page.imported.created), "updated": len(page.imported.updated)})
        return redirect("onestop:list")
    if "plan" in page.context:
        page.context["preview"] = preview_rows(page.context["plan"],
                                               lambda obj: [cell_of(REQUESTS, obj, c) for c in REQUESTS.columns])
    return render(request, "onestop/import.html", {"reg": REQUESTS, **page.context}, status=page.status)


@access(READ)
def request_detail(request, pk: int):
    obj = _request_or_404(request, pk)
    may_change = services.may_change_at(request.user, obj.unit_id)
    initial = {"version": obj.version}
    return render(request, "onestop/detail.html", {
        "obj": obj, "may_change": may_change, "sla": SLA_LABELS[obj.sla_state(timezone.localdate())],
        "done": obj.status == RequestStatus.DONE,
        "assign_form": AssignForm(initial={**initial, "assigned_to": obj.assigned_to}),
        "complete_form": CompleteForm(initial={**initial, "done_on": timezone.localdate()}),
        "reopen_form": ReasonForm(initial=initial)})


@access(WRITE)
def request_edit(request, pk: int | None = None):
    obj = _request_or_404(request, pk, Action.CHANGE) if pk is not None else None
    units = selectors.units_for_change(request.user)
    if obj is not None:
        initial = {"unit": obj.unit_id, "entity": obj.entity.uscc, "kind": obj.kind, "subject": obj.subject,
                   "received_on": obj.received_on, "version": obj.version}
    else:
        initial = {"unit": request.user.unit_id, "received_on": timezone.localdate()}
    form = RequestForm(request.POST or None, initial=initial, units=units, editing=obj is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if obj is None:
                obj = services.request_create(actor=request.user, unit=data["unit"], entity=data["entity"],
                                              kind=data["kind"], subject=data["subject"],
                                              received_on=data["received_on"], assigned_to=data["assigned_to"])
            else:
                obj = services.request_update(actor=request.user, request=obj, unit=data["unit"],
                                              entity=data["entity"], kind=data["kind"], subject=data["subject"],
                                              received_on=data["received_on"], version=data.get("version"))
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("onestop:detail", pk=obj.pk)
    return render(request, "onestop/form.html", {"form": form, "obj": obj}, status=400 if form.errors else 200)


def _post_action(request, pk: int, form_class, call, done_message: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    obj = _request_or_404(request, pk, Action.CHANGE)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("onestop:detail", pk=obj.pk)
    try:
        call(obj, form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done_message)
    return redirect("onestop:detail", pk=obj.pk)


@access(WRITE)
def request_assign(request, pk: int):
    return _post_action(request, pk, AssignForm, lambda obj, d: services.request_assign(
        actor=request.user, request=obj, assigned_to=d["assigned_to"], version=d.get("version")), _("Assigned."))


@access(WRITE)
def request_complete(request, pk: int):
    return _post_action(request, pk, CompleteForm, lambda obj, d: services.request_complete(
        actor=request.user, request=obj, done_on=d["done_on"], outcome=d["outcome"], solved=d["solved"],
        rating=d["rating"], version=d.get("version")), _("Recorded as done."))


@access(WRITE)
def request_reopen(request, pk: int):
    return _post_action(request, pk, ReasonForm, lambda obj, d: services.request_reopen(
        actor=request.user, request=obj, reason=d["reason"], version=d.get("version")), _("Reopened."))


@access(WRITE)
def request_delete(request, pk: int):
    obj = _request_or_404(request, pk, Action.CHANGE)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_delete(actor=request.user, request=obj, reason=form.cleaned_data["reason"])
        messages.success(request, _("Deleted."))
        return redirect("onestop:list")
    return render(request, "onestop/delete.html", {"obj": obj, "form": form})


@access(READ)
def by_industry(request):
    """Requests received in a period by the firm's industry (GB/T 4754); `?format=xlsx` exports the table."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"start": dt.date(today.year, 1, 1), "end": today})
    start, end = dt.date(today.year, 1, 1), today
    if form.is_bound and form.is_valid() and form.cleaned_data["start"] <= form.cleaned_data["end"]:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = selectors.totals_by_industry(user=request.user, start=start, end=end)
    total = {"requests": sum(r.requests for r in rows), "done": sum(r.done for r in rows),
             "within": sum(r.within for r in rows), "solved": sum(r.solved for r in rows)}
    total["sla_rate"] = selectors.percent(total["within"], total["done"])
    if request.GET.get("format") == "xlsx":
        def number(value):
            return None if value is None else float(value)
        body = [[r.code, r.name, r.requests, r.done, r.within, number(r.sla_rate), r.solved, number(r.rating)]
                for r in rows]
        body.append(["合计", "", total["requests"], total["done"], total["within"], number(total["sla_rate"]),
                     total["solved"], ""])
        return xlsx_response(f"一站式服务分行业统计{start:%Y%m%d}-{end:%Y%m%d}.xlsx", [(
            "分行业统计", ["行业代码", "行业名称", "受理件数", "办结件数", "按时办结件数", "按时办结率（%）", "问题解决件数",
                      "平均评价"], body)])
    return render(request, "onestop/industry.html", {"form": form, "rows": rows, "total": total, "start": start,
                                                     "end": end})


@access(READ)
def rules(request):
    """The time-limit rule sets (newest first); an office holding the district adds one."""
    may_manage = manages_district(request.user)
    form = RuleForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.sla_rule_create(actor=request.user, effective_from=data["effective_from"],
                                         default=data["default"], legal_basis=data["legal_basis"],
                                         by_kind={k: data.get(f"days_{k}") for k in ServiceKind.values})
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("onestop:rules")
    kinds = dict(ServiceKind.choices)
    sets = [(r, [(kinds[k], d) for k, d in (r.params.get("by_kind") or {}).items() if k in kinds])
            for r in selectors.rule_sets()]
    return render(request, "onestop/rules.html", {"sets": sets, "form": form, "may_manage": may_manage},
                  status=400 if form is not None and form.errors else 200)
