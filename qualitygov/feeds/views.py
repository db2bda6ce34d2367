"""Pages of feeds: the sources with their mappings and last import; a source's upload → dry-run preview →
confirm; the files (history, superseded ones) and a file's figures by row, where provenance links land;
the figures with filters and the .xlsx export.

Readers: the whole district, each source's responsible unit (its sources, files and figures) and the
towns (their own town's figures only). Importers: an office holding the whole district, or the staff of
the source's responsible unit. Anything else answers 404, as for a page that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qualitygov.core.access import access, action_rule
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import manages_district
from qualitygov.core.uploads import check_upload

from . import selectors, services
from .choices import FileStatus
from .forms import OwnerForm, UploadForm
from .lists import FIGURE_LIST, FILE_LIST
from .measures import expand_rows
from .models import FeedFile

READ = action_rule(Action.VIEW)
MAX_FIGURES_SHOWN = 3000
WRITE = action_rule(Action.CHANGE)


def _post_only(request) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _source_or_404(request, key: str):
    try:
        return selectors.source_get_visible(user=request.user, key=key)
    except NotFoundError:
        raise Http404 from None


def _file_or_404(request, pk: int) -> FeedFile:
    try:
        return selectors.file_get_visible(user=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


@access(READ)
def source_list(request):
    """The sources the user sees, their mappings and last import."""
    rows = selectors.source_rows(user=request.user)
    return render(request, "feeds/sources.html", {"rows": rows, "may_files": services.may_read_files(request.user)})


@access(READ)
def source_detail(request, key: str):
    source, mapping = _source_or_404(request, key)
    files = selectors.file_list_visible(user=request.user).filter(source=source).order_by("-uploaded_at", "-pk")[:50]
    owner_form = OwnerForm(initial={"unit": source.owner_unit_id}) if manages_district(request.user) else None
    return render(request, "feeds/source.html", {
        "source": source, "mapping": mapping, "files": files, "may_import": services.may_import(request.user, source),
        "owner_form": owner_form, "upload_form": UploadForm(), "max_mb": _max_bytes() // (1024 * 1024)})


@access(action_rule(Action.MANAGE))
def source_owner(request, key: str):
    """Set the unit responsible for importing the source (office holding the whole district)."""
    if (refused := _post_only(request)) is not None:
        return refused
    source, _mapping = _source_or_404(request, key)
    if not manages_district(request.user):
        raise Http404
    form = OwnerForm(request.POST)
    if form.is_valid():
        services.source_set_owner(actor=request.user, source=source, unit=form.cleaned_data["unit"])
        messages.success(request, _("Responsible unit saved."))
    return redirect("feeds:source", key=source.key)


def _max_bytes() -> int:
    return int(getattr(settings, "QUALITYGOV_FEED_MAX_BYTES", services.FEED_MAX_BYTES_DEFAULT))


@access(WRITE)
def upload(request, key: str):
    """Upload an export: it is checked (dry run) and kept, and the preview asks for confirmation."""
    source, mapping = _source_or_404(request, key)
    if not services.may_import(request.user, source):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            checked = check_upload(form.cleaned_data["file"], allowed=services.FEED_EXTENSIONS, max_bytes=_max_bytes())
            staged = services.feed_stage(actor=request.user, source=source, name=checked.name, data=checked.data)
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            if staged.identical:
                messages.info(request, _("This file is identical to one imported on %(when)s: nothing would change, "
                                         "so it was not imported again.")
                              % {"when": f"{staged.file.imported_at:%Y-%m-%d %H:%M}" if staged.file.imported_at else ""})
            return redirect("feeds:file_detail", pk=staged.file.pk)
    return render(request, "feeds/upload.html", {"source": source, "mapping": mapping, "form": form,
                                                 "max_mb": _max_bytes() // (1024 * 1024)})


@access(READ)
def file_list(request):
    lst = list_page(request, selectors.file_list_visible(user=request.user), FILE_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "feeds/files.html", {"lst": lst, "files": lst.rows, "may_files": True})


@access(READ)
def file_detail(request, pk: int):
    """A pending file: the dry run (changes, errors by row and column) and the confirm button. An imported
    or superseded one: its figures by row (`?rows=4-9` marks the rows a provenance link points at) and
    the changes it made to earlier figures."""
    feed_file = _file_or_404(request, pk)
    marked = expand_rows(request.GET.get("rows", ""), limit=5000)
    labels = {name: label for name, label in (feed_file.summary or {}).get("labels", {}).items()}
    from .mappings import get_mapping

    labels = get_mapping(feed_file.source.key).measures() | labels
    figures: list = []
    if feed_file.status != FileStatus.PENDING:
        qs = selectors.file_figures(feed_file)
        # A provenance link shows the rows it names, however far down the file they are.
        figures = list((qs.filter(row__in=marked) if marked else qs)[:MAX_FIGURES_SHOWN])
    rows: list[dict] = []
    for figure in figures:
        if not rows or rows[-1]["row"] != figure.row:
            rows.append({"row": figure.row, "period": figure, "town": figure.town, "category": figure.category,
                         "subject": figure.subject, "figures": [], "current": figure.is_current,
                         "marked": figure.row in marked})
        rows[-1]["figures"].append((labels.get(figure.measure, figure.measure), figure.value.normalize()))
    summary = feed_file.summary or {}
    measures = [(labels.get(m, m), counts) for m, counts in (summary.get("measures") or {}).items()]
    changes = list(selectors.file_changes(feed_file)[:1000])
    for change in changes:
        change.label = labels.get(change.measure, change.measure)
    return render(request, "feeds/file.html", {
        "file": feed_file, "summary": summary, "measures": measures, "rows": rows, "row_count": feed_file.row_count,
        "changes": changes, "marked": bool(marked),
        "may_import": services.may_import(request.user, feed_file.source),
        "pending": feed_file.status == FileStatus.PENDING,
        "preview_changes": [dict(c, label=labels.get(c.get("measure"), c.get("label"))) for c in
                            summary.get("changes") or []],
    })


@access(WRITE)
def file_commit(request, pk: int):
    if (refused := _post_only(request)) is not None:
        return refused
    feed_file = _file_or_404(request, pk)
    if not services.may_import(request.user, feed_file.source):
        raise Http404
    try:
        result = services.feed_commit(actor=request.user, feed_file=feed_file)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        totals = result.run.totals()
        messages.success(request, _("Imported: %(new)d new, %(changed)d changed, %(unchanged)d unchanged, "
                                    "%(removed)d removed figures.") % totals)
    return redirect("feeds:file_detail", pk=feed_file.pk)


@access(WRITE)
def file_discard(request, pk: int):
    if (refused := _post_only(request)) is not None:
        return refused
    feed_file = _file_or_404(request, pk)
    if not services.may_import(request.user, feed_file.source):
        raise Http404
    try:
        services.feed_discard(actor=request.user, feed_file=feed_file)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The checked file was discarded; nothing was imported."))
    return redirect(reverse("feeds:source", kwargs={"key": feed_file.source.key}))


@access(READ)
def file_download(request, pk: int):
    """The file exactly as uploaded."""
    from django.http import FileResponse

    feed_file = _file_or_404(request, pk)
    try:
        handle = feed_file.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=feed_file.original_name,
                        content_type=feed_file.content_type or "application/octet-stream")


@access(READ)
def figure_list(request):
    lst = list_page(request, selectors.figure_list_visible(user=request.user), FIGURE_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    labels = selectors.measure_labels()
    for figure in lst.rows:
        figure.label = labels.get(f"{figure.source.key}.{figure.measure}", figure.measure)
    return render(request, "feeds/figures.html", {"lst": lst, "figures": lst.rows,
                                                  "may_files": services.may_read_files(request.user)})
