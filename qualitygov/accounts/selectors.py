"""Reads of users, units and grants, always through the caller's scope."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from qualitygov.core.errors import NotFoundError
from qualitygov.core.scoping import scope_for

from .choices import Action
from .models import Grant, OrgUnit, OrgUnitAlias, User


def org_unit_list_visible(*, user, action: str = Action.VIEW) -> QuerySet[OrgUnit]:
    """Units `user` may see (or act on), in tree order, with aliases prefetched."""
    return (
        OrgUnit.objects.visible_to(user, action)
        .select_related("parent")
        .prefetch_related(Prefetch("aliases", queryset=OrgUnitAlias.objects.order_by("name")))
        .order_by("path")
    )


def org_unit_get_visible(*, user, pk: int, action: str = Action.VIEW) -> OrgUnit:
    """The unit if `user` may see it; NotFoundError otherwise (missing and forbidden look alike)."""
    unit = org_unit_list_visible(user=user, action=action).filter(pk=pk).first()
    if unit is None:
        raise NotFoundError("not found")
    return unit


def org_unit_lookup(name: str) -> OrgUnit | None:
    """The unit known by `name` (full name, short name or alias), or None. Not scoped: for importers."""
    return OrgUnit.objects.named(name).first()


def org_unit_tree(*, user, action: str = Action.VIEW) -> list[OrgUnit]:
    """Visible units in tree order, each with `.tree_depth` relative to the shallowest visible unit."""
    units = list(org_unit_list_visible(user=user, action=action))
    if units:
        top = min(u.depth for u in units)
        for unit in units:
            unit.tree_depth = unit.depth - top
    return units


def user_list_visible(*, user, action: str = Action.MANAGE) -> QuerySet[User]:
    """Users whose home unit lies in the caller's scope for `action` (office admins: manage)."""
    scope = scope_for(user, action)
    qs = User.objects.select_related("unit").prefetch_related(
        Prefetch("grants", queryset=Grant.objects.select_related("unit"))
    ).order_by("username")
    if scope.everything:
        return qs
    if scope.empty:
        return qs.none()
    return qs.filter(unit_id__in=scope.unit_ids)


def user_get_visible(*, user, pk: int, action: str = Action.MANAGE) -> User:
    found = user_list_visible(user=user, action=action).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not found")
    return found


def user_grants(*, user) -> list[Grant]:
    """The signed-in user's own grants, for the home page's scope summary."""
    return list(Grant.objects.filter(user=user).select_related("unit").order_by("role", "unit__path"))
