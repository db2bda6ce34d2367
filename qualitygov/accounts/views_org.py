"""The organisation tree: browse, look up by any name, export; office admins create, edit, deactivate, merge."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.lists import Column, Export, ListSpec, list_export, list_page
from qualitygov.core.scoping import can
from qualitygov.core.views_helpers import apply_service_error, visible_or_404

from . import io, selectors, services
from .choices import Action, OrgUnitKind
from .forms import OrgUnitForm, OrgUnitMergeForm
from .models import OrgUnit
from .robots import can_manage_robots

MANAGE = action_rule(Action.MANAGE)


def _get_unit(request, pk: int, action: str = Action.VIEW) -> OrgUnit:
    return visible_or_404(selectors.org_unit_get_visible, user=request.user, pk=pk, action=action)


def _filters(request) -> dict[str, str]:
    kind = request.GET.get("kind", "")
    return {"kind": kind if kind in OrgUnitKind.values else "", "search": request.GET.get("q", "").strip()[:100]}


def _rows(rows: list[selectors.OrgUnitRow]) -> list[dict]:
    """Add the display values the tree template needs, computed once per page rather than per cell.

    The tree can hold a thousand units; per-row `{% url %}`, choice lookups and alias loops in the
    template would cost more than the two queries behind it.
    """
    kind_labels = {value: str(label) for value, label in OrgUnitKind.choices}
    sentinel = 2147483647
    pattern = reverse("accounts:unit_detail", kwargs={"pk": sentinel})
    return [
        {"pk": row.pk, "name": row.name, "short_name": row.short_name, "tree_depth": row.tree_depth,
         "is_active": row.is_active, "kind_label": kind_labels.get(row.kind, row.kind),
         "alias_text": "、".join(row.aliases), "url": pattern.replace(str(sentinel), str(row.pk))}
        for row in rows
    ]


ORG_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Full name"), "tree", value=lambda row: row.tree_index),
        Column(gettext_lazy("Short name"), "short_name"),
        Column(gettext_lazy("Kind"), "kind"),
        Column(gettext_lazy("Aliases")),
        Column(gettext_lazy("Active"), "active", value=lambda row: not row.is_active),
    ],
    default_sort="tree",
    export=Export(filename=gettext_lazy("Organisation"), sheet=gettext_lazy("Organisation"), header=io.ORG_HEADER,
                  rows=io.org_unit_rows, widths=io.ORG_WIDTHS),
)


def _tree(request) -> list[selectors.OrgUnitRow]:
    return selectors.org_unit_tree_rows(user=request.user, **_filters(request))


@access(LOGIN)
def org_tree(request):
    """The units the user may see, indented; filter by kind and name; sort; pages; look a unit up by any name."""
    filters = _filters(request)
    lst = list_page(request, _tree(request), ORG_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    lookup = request.GET.get("lookup", "").strip()[:120]
    found = selectors.org_unit_lookup_visible(user=request.user, name=lookup) if lookup else None
    return render(request, "accounts/org_tree.html", {
        "lst": lst,
        "units": _rows(lst.rows),
        "kinds": OrgUnitKind.choices,
        "filters": filters,
        "filtered": bool(filters["kind"] or filters["search"]),
        "lookup": lookup,
        "found": found,
        "can_manage": can(request.user, Action.MANAGE),
        "query": lst.export_query,
    })


@access(LOGIN)
def org_export(request):
    """The tree page's rows (same filters and sort) as .xlsx."""
    return list_export(request, _tree(request), ORG_LIST)


@access(LOGIN)
def unit_detail(request, pk: int):
    """One unit: its names, place in the tree, members and the grants held at it."""
    unit = _get_unit(request, pk)
    parent_visible = unit.parent_id is not None and can(request.user, Action.VIEW, unit.parent_id)
    return render(request, "accounts/unit_detail.html", {
        "unit": unit,
        "parent_visible": parent_visible,
        "children": selectors.org_unit_children_visible(user=request.user, unit=unit),
        "members": selectors.org_unit_members(unit=unit),
        "grants": selectors.org_unit_grants(unit=unit),
        "can_manage": can(request.user, Action.MANAGE, unit.pk),
        "can_manage_robots": can_manage_robots(request.user, unit.pk),
    })


def _unit_values(form: OrgUnitForm) -> dict:
    data = form.cleaned_data
    values = {key: data[key] for key in ("name", "short_name", "kind", "sort_order", "is_active", "aliases")}
    if "parent" in form.fields:
        values["parent"] = data["parent"]
    return values


@access(MANAGE)
def unit_create(request):
    """Add a unit (a department, town, management committee…) under a unit the office manages."""
    parents = selectors.org_unit_tree(user=request.user, action=Action.MANAGE)
    initial = {"parent": request.GET.get("parent", ""), "kind": request.GET.get("kind", OrgUnitKind.DEPARTMENT)}
    form = OrgUnitForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.org_unit_create(actor=request.user, **_unit_values(form))
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("accounts:unit_detail", pk=unit.pk)
    return render(request, "accounts/unit_form.html", {"form": form, "title": _("New unit")})


@access(MANAGE)
def unit_edit(request, pk: int):
    """Change a unit's names, kind, place in the tree, order, active flag and aliases."""
    unit = _get_unit(request, pk, Action.MANAGE)
    subtree = unit.path
    parents = [u for u in selectors.org_unit_tree(user=request.user, action=Action.MANAGE)
               if not u.path.startswith(subtree)]
    initial = {
        "name": unit.name, "short_name": unit.short_name, "kind": unit.kind, "parent": unit.parent_id or "",
        "sort_order": unit.sort_order, "is_active": unit.is_active,
        "aliases": "、".join(alias.name for alias in unit.aliases.all()),
    }
    form = OrgUnitForm(request.POST or None, parents=parents, initial=initial)
    if unit.parent_id is None or unit.parent_id not in {u.pk for u in parents}:
        # The top of the tree, or the top of this admin's scope: its place is not this admin's to change.
        del form.fields["parent"]
    if request.method == "POST" and form.is_valid():
        try:
            services.org_unit_update(actor=request.user, unit=unit, **_unit_values(form))
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("accounts:unit_detail", pk=unit.pk)
    return render(request, "accounts/unit_form.html", {
        "form": form, "title": _("Edit unit"), "unit": unit,
    })


@access(MANAGE)
def unit_deactivate(request, pk: int):
    """Confirm, then mark a unit inactive (it stays in the tree and in history)."""
    unit = _get_unit(request, pk, Action.MANAGE)
    if request.method == "POST":
        if unit.is_active:
            services.org_unit_update(actor=request.user, unit=unit, is_active=False)
            messages.success(request, _("Unit “%(name)s” deactivated.") % {"name": unit.name})
        return redirect("accounts:unit_detail", pk=unit.pk)
    return render(request, "accounts/unit_deactivate.html", {
        "unit": unit,
        "active_members": selectors.org_unit_members(unit=unit).filter(is_active=True).count(),
        "active_children": unit.children.filter(is_active=True).count(),
    })


@access(MANAGE)
def unit_merge(request, pk: int):
    """Merge this unit into another: choose the target, review what will move, confirm."""
    source = _get_unit(request, pk, Action.MANAGE)
    targets = [u for u in selectors.org_unit_tree(user=request.user, action=Action.MANAGE)
               if not u.path.startswith(source.path)]
    form = OrgUnitMergeForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        if request.POST.get("confirm") == "1":
            try:
                services.org_unit_merge(actor=request.user, source=source, target=target)
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("“%(source)s” was merged into “%(target)s”.")
                                 % {"source": source.name, "target": target.name})
                return redirect("accounts:unit_detail", pk=target.pk)
        else:
            preview = selectors.org_unit_merge_preview(source=source, target=target)
            return render(request, "accounts/unit_merge_confirm.html", {
                "source": source, "target": target, "names": preview["names"],
                "references": [
                    {"key": f"{model._meta.label_lower}.{field.name}", "model": model._meta.verbose_name_plural,
                     "field": _(str(field.verbose_name)), "count": count}
                    for model, field, count in preview["references"]
                ],
            })
    return render(request, "accounts/unit_merge.html", {"form": form, "source": source})
