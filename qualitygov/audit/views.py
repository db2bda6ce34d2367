"""The audit trail pages for office admins: list with filters, export, detail, chain check."""

from __future__ import annotations

import json
import time
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitygov.core import events
from qualitygov.core.access import access, action_rule
from qualitygov.core.audit import audit_verify
from qualitygov.core.errors import NotFoundError
from qualitygov.core.events import ChangeLine
from qualitygov.core.io import xlsx_response
from qualitygov.core.lists import Column, ListSpec, list_page
from qualitygov.core.models import AuditEvent
from qualitygov.core.permissions import Action

from .filters import AuditEventFilter
from .selectors import audit_event_get_visible, audit_event_list_visible

AUDIT = action_rule(Action.AUDIT)
PAGE_SIZE = 50
#: Above this many events an export is refused; the user narrows the filters instead.
EXPORT_LIMIT = 100_000
EXPORT_CHUNK = 2000

EXPORT_HEADER = [
    gettext_lazy("No."), gettext_lazy("Time"), gettext_lazy("Actor"), gettext_lazy("Unit"), gettext_lazy("Action"),
    gettext_lazy("Object type"), gettext_lazy("Object id"), gettext_lazy("Object"), gettext_lazy("Changes"),
    gettext_lazy("Request id"), gettext_lazy("Hash"),
]


def change_lines(event: AuditEvent) -> list[ChangeLine]:
    """The event's changes as lines with field and value labels (see `qualitygov.core.events`)."""
    return events.change_lines(event.changes, event.object_type)


def _filtered(request) -> tuple[AuditEventFilter, Any]:
    filterset = AuditEventFilter(request.GET or None, queryset=audit_event_list_visible(user=request.user),
                                 request=request)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, qs


AUDIT_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("No."), "seq"),
        Column(gettext_lazy("Time"), "at", ("at", "seq")),
        Column(gettext_lazy("Actor"), "actor", ("actor_repr",)),
        Column(gettext_lazy("Unit"), "unit", ("unit_repr",)),
        Column(gettext_lazy("Action"), "action"),
        Column(gettext_lazy("Object")),
        Column(gettext_lazy("Changes")),
        Column(gettext_lazy("Request id")),
    ],
    default_sort="-seq",
    page_size=PAGE_SIZE,
)


@access(AUDIT)
def audit_list(request):
    """Events in the caller's audit scope, newest first, filtered by who, what, when and unit; sortable."""
    filterset, qs = _filtered(request)
    lst = list_page(request, qs, AUDIT_LIST)
    for event in lst.rows:
        event.change_lines = change_lines(event)
    return render(request, "audit/list.html", {
        "filter": filterset,
        "lst": lst,
        "page": lst.page,
        "query": lst.filter_query,
        "export_limit": EXPORT_LIMIT,
    })


@access(AUDIT)
def audit_export(request):
    """The filtered events as .xlsx, read in chunks; refused above EXPORT_LIMIT events."""
    filterset, qs = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filters are not valid; correct them and export again."))
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    total = qs.count()
    if total > EXPORT_LIMIT:
        messages.error(request, _(
            "The filters match %(count)s events; an export holds at most %(limit)s. Narrow the dates or other "
            "filters and export again."
        ) % {"count": f"{total:,}", "limit": f"{EXPORT_LIMIT:,}"})
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")

    def rows():
        for event in qs.iterator(chunk_size=EXPORT_CHUNK):
            yield [
                event.seq, event.at, events.actor_label(event), event.unit_repr, events.event_label(event.action),
                events.object_type_label(event.object_type), event.object_id, event.object_repr,
                "\n".join(str(line) for line in change_lines(event)),
                event.request_id, event.hash,
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    title = _("Audit trail")
    return xlsx_response(
        f"{title}-{stamp}.xlsx",
        [(title, [str(h) for h in EXPORT_HEADER], rows())],
        widths={title: [8, 20, 14, 24, 20, 18, 10, 30, 60, 34, 20]},
    )


@access(AUDIT)
def audit_detail(request, pk: int):
    """One event with every stored field, and links to related events."""
    try:
        event = audit_event_get_visible(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc
    lines = change_lines(event)
    return render(request, "audit/detail.html", {
        "event": event,
        "change_lines": lines,
        "has_diff": any(line.is_diff for line in lines),
        "changes_json": json.dumps(event.changes, ensure_ascii=False, indent=2, sort_keys=True),
    })


@access(AUDIT)
@require_POST
def audit_verify_view(request):
    """Walk the whole chain now (it reads every event, so it runs only when asked) and show the result."""
    started = time.perf_counter()
    result = audit_verify()
    context = {"result": result, "seconds": time.perf_counter() - started,
               "checked_at": timezone.localtime()}
    if request.headers.get("HX-Request"):
        return render(request, "audit/verify.html", context)
    return render(request, "audit/verify_page.html", context)

