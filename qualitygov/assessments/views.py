"""Assessment scheme pages: the list, one scheme as a tree, the office's import, edit, publish and
new version, and the JSON export. Reading: every signed-in user; writing: an office holding the
whole district (404 for anyone else)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.io import download
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error

from . import selectors, services
from .choices import SchemeStatus
from .forms import SchemeDocumentForm, SchemeImportForm
from .forms_tree import edit_rows
from .lists import SCHEME_LIST


def _office_or_404(request) -> None:
    if not services.may_manage(request.user):
        raise Http404


def _scheme_or_404(pk: int):
    try:
        return selectors.scheme_get(pk=pk)
    except selectors.AssessmentScheme.DoesNotExist:
        raise Http404 from None


def _json_sniff(extension: str, data: bytes) -> bool:
    return extension == ".json" and data.lstrip()[:1] in (b"{", b"\xef")


def _decode(data: bytes) -> str:
    return data.decode("utf-8-sig")


@access(LOGIN)
def scheme_list(request):
    """Every scheme version, filtered by year and status, sorted, paged; `?format=xlsx` exports the
    filtered list. The office also gets the import form."""
    lst = list_page(request, selectors.scheme_list(), SCHEME_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    may_manage = services.may_manage(request.user)
    form = SchemeImportForm() if may_manage else None
    return render(request, "assessments/scheme_list.html", {
        "lst": lst, "schemes": lst.rows, "may_manage": may_manage, "form": form})


@access(action_rule(Action.MANAGE))
def scheme_import(request):
    """Import a scheme document (office only, POST): a new draft version for the year."""
    _office_or_404(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SchemeImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            checked = check_upload(form.cleaned_data["file"], allowed=(".json",), max_bytes=services.MAX_DOCUMENT_BYTES,
                                   sniff=_json_sniff)
            try:
                text = _decode(checked.data)
            except UnicodeDecodeError:
                message = _("The file is not UTF-8 text.")
                raise ServiceError(message, fields={"file": [message]}) from None
            scheme = services.scheme_import(actor=request.user, text=text, year=form.cleaned_data["year"],
                                            source_name=checked.name)
        except ServiceError as exc:
            apply_service_error(form, exc, {"document": "file"})
        else:
            messages.success(request, _("Imported as a draft: check it, then publish."))
            return redirect("assessments:scheme", pk=scheme.pk)
    return render(request, "assessments/scheme_list.html", {
        "schemes": list(selectors.scheme_list()), "may_manage": True, "form": form}, status=400)


@access(LOGIN)
def scheme_detail(request, pk: int):
    scheme = _scheme_or_404(pk)
    data = selectors.scheme_document(scheme)
    bonus = data.get("bonus") or {}
    may_manage, is_draft = services.may_manage(request.user), scheme.status == SchemeStatus.DRAFT
    return render(request, "assessments/scheme_detail.html", {
        "edit_rows": edit_rows(data) if may_manage and is_draft else None,
        "scheme": scheme, "data": data, "tree": selectors.scheme_tree(data),
        "bonus_items": list((bonus.get("items") or {}).values()), "bonus_cap": bonus.get("cap"),
        "versions": list(selectors.scheme_versions(scheme)), "may_manage": may_manage, "is_draft": is_draft,
    })


@access(action_rule(Action.MANAGE))
def scheme_edit(request, pk: int):
    """Edit a draft's document as JSON (office only)."""
    _office_or_404(request)
    scheme = _scheme_or_404(pk)
    if scheme.status != SchemeStatus.DRAFT:
        raise Http404
    form = SchemeDocumentForm(request.POST or None, initial={"document": scheme.document})
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_save_document(actor=request.user, scheme=scheme, text=form.cleaned_data["document"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("assessments:scheme", pk=scheme.pk)
    return render(request, "assessments/scheme_edit.html", {"scheme": scheme, "form": form},
                  status=400 if form.errors else 200)


def _post_action(request, pk: int, run, done: str):
    _office_or_404(request)
    scheme = _scheme_or_404(pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        result = run(actor=request.user, scheme=scheme)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("assessments:scheme", pk=scheme.pk)
    messages.success(request, done)
    return redirect("assessments:scheme", pk=result.pk)


@access(action_rule(Action.MANAGE))
def scheme_publish(request, pk: int):
    return _post_action(request, pk, services.scheme_publish, _("Published: this version is now frozen."))


@access(action_rule(Action.MANAGE))
def scheme_new_version(request, pk: int):
    return _post_action(request, pk, services.scheme_new_version, _("A new draft version was started."))


@access(LOGIN)
def scheme_export(request, pk: int):
    """The document exactly as stored (the exchange format)."""
    scheme = _scheme_or_404(pk)
    return download(scheme.document.encode("utf-8"), f"{scheme.key}-{scheme.year}-v{scheme.version}.json",
                    "application/json")
