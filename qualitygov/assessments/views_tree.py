"""The office's tree editor of a draft scheme: an item's form (edit, add at the top or under an item),
delete and move buttons, the header form (title, total, grades, groups) and a new empty scheme.
Office holding the whole district only (404 for anyone else); a published version is frozen."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qualitygov.core.access import access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.permissions import Action
from qualitygov.core.views_helpers import apply_service_error

from . import scheme_tree, selectors, services_tree
from .choices import SchemeStatus, UnitGroup
from .forms_tree import ItemForm, SchemeHeaderForm, SchemeNewForm, group_label
from .views import _office_or_404, _scheme_or_404


def _draft_or_404(request, pk: int):
    _office_or_404(request)
    scheme = _scheme_or_404(pk)
    if scheme.status != SchemeStatus.DRAFT:
        raise Http404
    return scheme


def _back(scheme):
    return redirect("assessments:scheme", pk=scheme.pk)


def _render_item(request, scheme, form, *, title: str, parent=None, status: int = 200):
    return render(request, "assessments/scheme_item_form.html", {
        "scheme": scheme, "form": form, "title": title,
        "parent_is_leaf": parent is not None and "items" not in parent}, status=status)


@access(action_rule(Action.MANAGE))
def item_new(request, pk: int):
    """Add a leaf at the end of the scheme (no `?parent=`) or under the item `?parent=CODE`."""
    scheme = _draft_or_404(request, pk)
    data = selectors.scheme_document(scheme)
    parent_code = request.GET.get("parent") or None
    parent = None
    if parent_code is not None:
        found = scheme_tree.find(data, parent_code)
        if found is None:
            raise Http404
        parent = found[0][found[1]]
    form = ItemForm(request.POST or None, groups=data.get("groups"))
    if request.method == "POST" and form.is_valid():
        try:
            services_tree.scheme_item_save(actor=request.user, scheme=scheme, path_or_code=None,
                                           data=form.cleaned_data, parent_code=parent_code)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Item added."))
            return _back(scheme)
    title = (_("Add an item under “%(title)s”") % {"title": parent["title"]}) if parent else _("Add a top-level item")
    return _render_item(request, scheme, form, title=title, parent=parent, status=400 if form.errors else 200)


@access(action_rule(Action.MANAGE))
def item_edit(request, pk: int, code: str):
    scheme = _draft_or_404(request, pk)
    data = selectors.scheme_document(scheme)
    found = scheme_tree.find(data, code)
    if found is None:
        raise Http404
    node = found[0][found[1]]
    form = ItemForm(request.POST or None, initial=scheme_tree.values_of(node), groups=data.get("groups"),
                    is_group="items" in node)
    if request.method == "POST" and form.is_valid():
        try:
            services_tree.scheme_item_save(actor=request.user, scheme=scheme, path_or_code=code,
                                           data=form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _back(scheme)
    return _render_item(request, scheme, form, title=_("Edit item “%(code)s”") % {"code": code},
                        status=400 if form.errors else 200)


def _post_only(request, pk: int, run, done: str):
    scheme = _draft_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        run(scheme)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(scheme)


@access(action_rule(Action.MANAGE))
def item_delete(request, pk: int, code: str):
    return _post_only(request, pk, lambda s: services_tree.scheme_item_delete(actor=request.user, scheme=s, code=code),
                      _("Item deleted."))


@access(action_rule(Action.MANAGE))
def item_move(request, pk: int, code: str, direction: str):
    if direction not in ("up", "down"):
        raise Http404
    return _post_only(request, pk, lambda s: services_tree.scheme_item_move(actor=request.user, scheme=s, code=code,
                                                                             direction=direction),
                      _("Item moved."))


@access(action_rule(Action.MANAGE))
def scheme_header(request, pk: int):
    """Title, total points, grades and ranking groups of a draft."""
    scheme = _draft_or_404(request, pk)
    data = selectors.scheme_document(scheme)
    initial = {"title": data.get("title", ""), "max_total": data.get("max_total"),
               "grades": scheme_tree.grades_text(data.get("grades") or []), "groups": data.get("groups") or []}
    form = SchemeHeaderForm(request.POST or None, initial=initial)
    extra = [g for g in data.get("groups") or [] if g not in UnitGroup.values]
    form.fields["groups"].choices = list(UnitGroup.choices) + [(g, group_label(g)) for g in extra]
    if request.method == "POST" and form.is_valid():
        try:
            services_tree.scheme_header_save(actor=request.user, scheme=scheme, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _back(scheme)
    return render(request, "assessments/form.html", {
        "form": form, "title": _("Title, total and grades"), "subtitle": scheme.title,
        "cancel_url": reverse("assessments:scheme", args=[scheme.pk])},
        status=400 if form.errors else 200)


@access(action_rule(Action.MANAGE))
def scheme_new(request):
    """A new draft scheme to build on the page."""
    _office_or_404(request)
    form = SchemeNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services_tree.scheme_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("A new draft scheme was created: edit its items, then publish."))
            return _back(scheme)
    return render(request, "assessments/form.html", {"form": form, "title": _("New scheme"),
                                                     "submit_label": _("Create"),
                                                     "cancel_url": reverse("assessments:schemes")},
                  status=400 if form.errors else 200)
