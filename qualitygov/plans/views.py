"""The plan workspace: plans, a plan's overview, a task, a unit's tasks, and the breakdown exports."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from qualitygov.core import io_pdf
from qualitygov.core.access import LOGIN, access
from qualitygov.core.choices import JobKind
from qualitygov.core.io import DOCX_MIME, XLSX_MIME, download
from qualitygov.core.jobs import job_enqueue
from qualitygov.core.lists import Column, Export, ListSpec, list_export, list_page
from qualitygov.core.scoping import scope_for
from qualitygov.core.views_helpers import visible_or_404
from qualitygov.utilities.numbers import decimal_text

from . import io as plan_io
from . import selectors
from .filters import PlanFilter, TaskFilter
from .permissions import can_import_plans

PLAN_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Plan"), "title"),
        Column(gettext_lazy("Period"), "period", ("period_start", "period_end")),
        Column(gettext_lazy("Document number"), "doc_number"),
        Column(gettext_lazy("Revision"), "revision"),
        Column(gettext_lazy("Task count"), "tasks", ("task_count",)),
        Column(gettext_lazy("Indicator count"), "indicators", ("indicator_count",)),
    ],
    default_sort="-period",
    filterset=PlanFilter,
    export=Export(filename=pgettext_lazy("plan list export", "Plan list"),
                  sheet=pgettext_lazy("plan list export", "Plans"), header=plan_io.PLAN_LIST_HEADER,
                  rows=plan_io.plan_list_rows, widths=plan_io.PLAN_LIST_WIDTHS),
)

TASK_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("No."), "number", ("plan_id", "order")),
        Column(gettext_lazy("Task")),
        Column(gettext_lazy("Plan"), "plan", ("plan__title",)),
        Column(gettext_lazy("Lead units")),
        Column(gettext_lazy("Co-operating units")),
        Column(gettext_lazy("Deadline"), "deadline"),
    ],
    default_sort="number",
    filterset=TaskFilter,
    export=Export(filename="任务清单", sheet="任务清单", header=plan_io.TASK_LIST_HEADER,
                  rows=plan_io.task_list_rows, widths=plan_io.TASK_LIST_WIDTHS),
)


@access(LOGIN)
def plan_list(request):
    """Plans the user may see, with counts; office admins are pointed to the import page when there are none."""
    lst = list_page(request, selectors.plan_list_visible(user=request.user), PLAN_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    unit = request.user.unit
    return render(request, "plans/plan_list.html", {
        "lst": lst, "plans": lst.rows,
        "can_import": can_import_plans(request.user),
        "my_unit": unit if unit is not None and unit.pk in scope_for(request.user, "view") else None,
    })


@access(LOGIN)
def plan_list_xlsx(request):
    """The plan list as .xlsx (the list's filters and sort)."""
    return list_export(request, selectors.plan_list_visible(user=request.user), PLAN_LIST)


@access(LOGIN)
def task_list(request):
    """Every task the user may see across plans, with its lead and co-operating units: filter, sort, export."""
    lst = list_page(request, selectors.task_list_visible(user=request.user), TASK_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    for task in lst.rows:
        selectors.task_units(task)
        task.time_limit = selectors.task_time_limit(task)
    return render(request, "plans/task_list.html", {"lst": lst, "all_towns_label": selectors.ALL_TOWNS_LABEL,
                                                     "view_scope": scope_for(request.user, "view")})


@access(LOGIN)
def plan_detail(request, pk: int):
    plan = visible_or_404(selectors.plan_get_visible, user=request.user, pk=pk)
    overview = selectors.plan_overview(user=request.user, plan=plan)
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "overview": overview, "all_towns_label": selectors.ALL_TOWNS_LABEL,
        "view_scope": scope_for(request.user, "view"),
    })


@access(LOGIN)
def task_detail(request, pk: int):
    task = visible_or_404(selectors.task_get_visible, user=request.user, pk=pk)
    lead, co = selectors.task_units(task)
    indicators = list(task.indicators.all())
    for indicator in indicators:
        indicator.value_text = decimal_text(indicator.target_value)
    return render(request, "plans/task_detail.html", {
        "task": task, "lead_units": lead, "co_units": co, "indicators": indicators,
        "time_limit": selectors.task_time_limit(task), "view_scope": scope_for(request.user, "view"),
        "all_towns_label": selectors.ALL_TOWNS_LABEL,
    })


@access(LOGIN)
def unit_tasks(request, pk: int):
    unit = visible_or_404(selectors.unit_get_visible, user=request.user, pk=pk)
    tasks = selectors.unit_task_list(user=request.user, unit=unit)
    counts = {role: sum(1 for t in tasks if t.unit_role == role) for role in ("lead", "co", "towns")}
    return render(request, "plans/unit_tasks.html", {
        "unit": unit, "by_plan": selectors.unit_tasks_by_plan(tasks), "total": len(tasks), "counts": counts,
        "view_scope": scope_for(request.user, "view"), "all_towns_label": selectors.ALL_TOWNS_LABEL,
    })


@access(LOGIN)
def unit_tasks_xlsx(request, pk: int):
    unit = visible_or_404(selectors.unit_get_visible, user=request.user, pk=pk)
    tasks = selectors.unit_task_list(user=request.user, unit=unit)
    return plan_io.unit_tasks_xlsx(unit, tasks)


@access(LOGIN)
def export_xlsx(request, pk: int):
    """The plan's task breakdown table (.xlsx), limited to the tasks the user may see."""
    plan = visible_or_404(selectors.plan_get_visible, user=request.user, pk=pk)
    tasks = list(selectors.task_list_visible(user=request.user, plan=plan))
    return download(plan_io.breakdown_xlsx(plan, tasks), plan_io.breakdown_filename(plan, "xlsx"), XLSX_MIME)


@access(LOGIN)
@require_POST
def export_xlsx_job(request, pk: int):
    """Build the breakdown table in the background (后台生成): queue the job, then show its progress."""
    plan = visible_or_404(selectors.plan_get_visible, user=request.user, pk=pk)
    job = job_enqueue(actor=request.user, kind=JobKind.EXPORT, func_path="qualitygov.plans.jobs.breakdown_export",
                      kwargs={"plan_id": plan.pk}, label=_("Task breakdown table: %(plan)s") % {"plan": plan.title})
    return redirect("core:job_detail", pk=job.pk)


@access(LOGIN)
def export_docx(request, pk: int):
    """The plan's task breakdown table as an official Word document, limited to the tasks the user may see."""
    plan = visible_or_404(selectors.plan_get_visible, user=request.user, pk=pk)
    tasks = list(selectors.task_list_visible(user=request.user, plan=plan))
    return download(plan_io.breakdown_docx(plan, tasks), plan_io.breakdown_filename(plan, "docx"), DOCX_MIME)


@access(LOGIN)
def export_pdf(request, pk: int):
    """The plan's task breakdown table as PDF, limited to the tasks the user may see; 503 with the
    reason when this server cannot make PDFs (no WeasyPrint libraries or no Chinese font)."""
    plan = visible_or_404(selectors.plan_get_visible, user=request.user, pk=pk)
    tasks = list(selectors.task_list_visible(user=request.user, plan=plan))
    try:
        data = plan_io.breakdown_pdf(plan, tasks)
    except io_pdf.PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return download(data, plan_io.breakdown_filename(plan, "pdf"), "application/pdf")
