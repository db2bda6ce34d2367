"""The background jobs page (后台任务): the jobs a user may see with their progress, a failed job's
error and a button to start it again, and an export's file once it is ready.

The office sees every job, anyone else the jobs they started; another's job answers 404. Unfinished
jobs are polled by htmx through the `rows` and `progress` fragments (no script of our own).
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import LOGIN, access
from .choices import JobKind, JobStatus
from .errors import ServiceError
from .io import XLSX_MIME
from .jobs import job_get_visible, job_list_visible, job_retry
from .views_helpers import visible_or_404

PAGE_SIZE = 30


def _page(request):
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    jobs = job_list_visible(user=request.user, status=status, kind=kind)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, status, kind


@access(LOGIN)
def job_list(request):
    """The jobs the user may see, newest first, filtered by status and kind."""
    page, status, kind = _page(request)
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("kind", kind)) if v)
    return render(request, "core/jobs.html", {
        "page": page, "status": status, "kind": kind, "statuses": JobStatus.choices, "kinds": JobKind.choices,
        "query": query, "poll_query": request.GET.urlencode(),
        "polling": any(not job.finished for job in page.object_list),
    })


@access(LOGIN)
def job_rows(request):
    """The list's table body alone (htmx polls it while a job on the page is unfinished)."""
    page, _status, _kind = _page(request)
    return render(request, "core/_job_rows.html", {
        "page": page, "polling": any(not job.finished for job in page.object_list),
        "poll_query": request.GET.urlencode()})


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
