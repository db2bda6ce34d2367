"""Pages of the market-entity directory: the list (filters, search, .xlsx export), an entity, its edit
page, and the import (upload → dry run with every bad row → confirm or cancel; the kept file).

Reading follows the entity's town (`selectors`); writing is for the directory's writers (an office
holding the district, 区市场监管分局 staff); anyone else gets 404, as for a page that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qualitygov.core.access import access, action_rule
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.files import attachment_response
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error

from . import selectors, services
from .choices import ImportStatus
from .forms import ACCEPT, ALLOWED, EntityForm, UploadForm
from .lists import ENTITY_LIST
from .models import EntityImport, MarketEntity

READ = action_rule(Action.VIEW)
WRITE = action_rule(Action.CHANGE)
IMPORTS_SHOWN = 20


def _writer_or_404(request) -> None:
    if not services.may_write(request.user):
        raise Http404


def _entity_or_404(request, pk: int) -> MarketEntity:
    try:
        return selectors.entity_get_visible(user=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def _import_or_404(request, pk: int) -> EntityImport:
    try:
        return selectors.import_get_visible(user=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


@access(READ)
def entity_list(request):
    """The entities the user may see, filtered and searched; `?format=xlsx` exports them."""
    lst = list_page(request, selectors.entity_list_visible(user=request.user), ENTITY_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "registry/list.html", {"lst": lst, "entities": lst.rows,
                                                  "may_write": services.may_write(request.user)})


@access(READ)
def entity_detail(request, pk: int):
    entity = _entity_or_404(request, pk)
    return render(request, "registry/detail.html", {"entity": entity, "may_write": services.may_write(request.user)})


@access(WRITE)
def entity_edit(request, pk: int):
    """Change an entity's name, type, industry, town, 规上 flag and registration facts (not its code)."""
    _writer_or_404(request)
    entity = _entity_or_404(request, pk)
    initial = {name: getattr(entity, name) for name in services.EDITABLE}
    initial["version"] = entity.version
    form = EntityForm(request.POST or None, initial=initial, towns=selectors.town_choices())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.market_entity_update(actor=request.user, entity=entity, version=version, **data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:detail", pk=entity.pk)
    return render(request, "registry/form.html", {"form": form, "entity": entity},
                  status=400 if form.errors else 200)


@access(WRITE)
def import_upload(request):
    """Upload an export: it is checked (dry run) and kept; the result page offers to confirm."""
    _writer_or_404(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            checked = check_upload(form.cleaned_data["file"], allowed=ALLOWED,
                                   max_bytes=settings.QUALITYGOV_MAX_UPLOAD_BYTES)
            imp = services.entity_import_preview(actor=request.user, checked=checked)
        except ServiceError as exc:
            apply_service_error(form, exc, default_field="file")
        else:
            return redirect("registry:import_detail", pk=imp.pk)
    imports = list(selectors.import_list_visible(user=request.user)[:IMPORTS_SHOWN])
    return render(request, "registry/upload.html", {"form": form, "accept": ACCEPT, "imports": imports},
                  status=400 if form.errors else 200)


@access(WRITE)
def import_detail(request, pk: int):
    """The dry run: counts of new, changed and unchanged entities and every bad row (row, column, reason)."""
    _writer_or_404(request)
    imp = _import_or_404(request, pk)
    return render(request, "registry/import.html", {
        "imp": imp, "file": selectors.import_file(imp), "preview": imp.status == ImportStatus.PREVIEW,
        "more_errors": max(imp.error_count - len(imp.errors), 0)})


def _post_only(request) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@access(WRITE)
def import_confirm(request, pk: int):
    """Write the import (POST): every row or nothing."""
    _writer_or_404(request)
    imp = _import_or_404(request, pk)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        plan = services.entity_import_confirm(actor=request.user, imp=imp)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("registry:import_detail", pk=imp.pk)
    messages.success(request, _("Imported: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.")
                     % plan.counts)
    return redirect("registry:list")


@access(WRITE)
def import_cancel(request, pk: int):
    _writer_or_404(request)
    imp = _import_or_404(request, pk)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        services.entity_import_cancel(actor=request.user, imp=imp)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Import cancelled: nothing was written."))
    return redirect("registry:import_upload")


@access(WRITE)
def import_file(request, pk: int):
    """The file as it was uploaded."""
    _writer_or_404(request)
    imp = _import_or_404(request, pk)
    attachment = selectors.import_file(imp)
    if attachment is None:
        raise Http404
    return attachment_response(attachment)
