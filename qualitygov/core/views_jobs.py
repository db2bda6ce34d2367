"""The background jobs page (后台任务): the jobs a user may see with their progress, a failed job's
error and a button to start it again, and an export's file once it is ready.

The office sees every job, anyone else the jobs they started; another's job answers 404. Unfinished
jobs are polled by htmx through the `rows` and `progress` fragments (no script of our own).
"""

from __future__ import annotations

from urllib.parse import quote

import django_filters
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .access import LOGIN, access
from .choices import JobKind, JobStatus
from .errors import ServiceError
from .io import XLSX_MIME
from .jobs import job_get_visible, job_list_visible, job_retry
from .lists import Column, Export, ListFilterSet, ListSpec, list_page
from .views_helpers import visible_or_404


class JobFilter(ListFilterSet):
    """Background jobs: status and kind."""

    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=JobStatus.choices,
                                         empty_label=gettext_lazy("Every status"))
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=JobKind.choices,
                                       empty_label=gettext_lazy("Every kind"))


def _job_rows(jobs):
    for job in jobs:
        yield [job.label, str(job.get_kind_display()), str(job.get_status_display()),
               f"{job.progress_done}/{job.progress_total}" if job.progress_total else "",
               str(job.actor) if job.actor else _("System"), job.created_at, job.finished_at,
               job.error]


JOB_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Job"), "label"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Progress")),
        Column(gettext_lazy("Requested by"), "actor", ("actor__display_name", "actor__username")),
        Column(gettext_lazy("Started"), "created", ("created_at",)),
        Column(gettext_lazy("Result")),
    ],
    default_sort="-created",
    filterset=JobFilter,
    page_size=20,
    export=Export(filename="后台任务", sheet="后台任务",
                  header=["任务", "类型", "状态", "进度", "发起人", "创建时间", "完成时间", "错误"],
                  rows=_job_rows, widths=[40, 12, 10, 10, 14, 18, 18, 40]),
)


def _poll_query(request) -> str:
    """The list's query for the polled rows: same filters, sort and page, never the export."""
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


@access(LOGIN)
def job_list(request):
    """The jobs the user may see (selector-scoped), newest first; filtered by status and kind, sorted, paged;
    `?format=xlsx` exports the filtered list."""
    lst = list_page(request, job_list_visible(user=request.user), JOB_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "core/jobs.html", {
        "lst": lst, "poll_query": _poll_query(request), "polling": any(not job.finished for job in lst.rows)})


@access(LOGIN)
def job_rows(request):
    """The list's table body alone, for the same filters, sort and page (htmx polls it while a job on the
    page is unfinished)."""
    lst = list_page(request, job_list_visible(user=request.user), JOB_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "core/_job_rows.html", {
        "lst": lst, "polling": any(not job.finished for job in lst.rows), "poll_query": _poll_query(request)})


@access(LOGIN)
def job_detail(request, pk: int):
    job = visible_or_404(job_get_visible, user=request.user, pk=pk)
    return render(request, "core/job_detail.html", {"job": job})


@access(LOGIN)
def job_progress(request, pk: int):
    """The detail page's status block alone (polled while the job is unfinished)."""
    job = visible_or_404(job_get_visible, user=request.user, pk=pk)
    return render(request, "core/_job_progress.html", {"job": job})


@access(LOGIN)
@require_POST
def job_retry_view(request, pk: int):
    job = visible_or_404(job_get_visible, user=request.user, pk=pk)
    try:
        job_retry(actor=request.user, job=job)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The job was started again."))
    return redirect("core:job_detail", pk=job.pk)


@access(LOGIN)
def job_download(request, pk: int):
    """A finished export's file, for the requester or the office only; 404 while there is none."""
    job = visible_or_404(job_get_visible, user=request.user, pk=pk)
    if job.status != JobStatus.SUCCEEDED or not job.result_file:
        raise Http404
    try:
        handle = default_storage.open(job.result_file, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    content_type = XLSX_MIME if job.result_name.endswith(".xlsx") else "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    # The same header as a direct export's (core.io.download): the Chinese name survives (RFC 5987).
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.result_name)}"
    return response
