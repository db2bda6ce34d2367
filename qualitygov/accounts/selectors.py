"""Reads of users, units and grants, always through the caller's scope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from qualitygov.core.errors import NotFoundError
from qualitygov.core.scoping import Scope, can, scope_for

from .auth import locked_accounts
from .choices import Action, roles_allowing
from .models import ApiToken, Grant, OrgUnit, OrgUnitAlias, TotpDevice, User


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


def org_unit_choices() -> QuerySet[OrgUnit]:
    """Every active unit, in tree order, for pickers naming units across the district (a work item's co
    units: the plan names them all). Not scoped: unit names are not scoped data."""
    return OrgUnit.objects.active().order_by("sort_order", "path")


def org_unit_lookup(name: str) -> OrgUnit | None:
    """The unit known by `name` (full name, short name or alias), or None. Not scoped: for importers."""
    return OrgUnit.objects.named(name).first()


def _tree_order(units: list) -> list:
    """Depth-first order of `units` (anything with pk, parent_id, depth, sort_order), setting `.tree_depth`.

    Siblings come by `sort_order`, then creation order. A unit whose parent is not in `units`
    starts its own branch; depths stay relative to the shallowest unit.
    """
    if not units:
        return units
    top = min(u.depth for u in units)
    ids = {u.pk for u in units}
    children: dict[int | None, list] = {}
    for unit in units:
        unit.tree_depth = unit.depth - top
        children.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: (u.sort_order, u.pk))
    ordered: list = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(reversed(children.get(unit.pk, [])))
    return ordered


def org_unit_tree(*, user, action: str = Action.VIEW) -> list[OrgUnit]:
    """Visible units in tree order, each with `.tree_depth` relative to the shallowest visible unit.

    Siblings come by `sort_order`, then creation order. A visible unit whose parent is not visible
    starts its own branch at its own depth.
    """
    return _tree_order(list(org_unit_list_visible(user=user, action=action)))


def grants_beyond(scope: Scope) -> QuerySet[Grant]:
    """Grants that reach a unit outside `scope`: held at such a unit, or covering one as a subordinate unit."""
    if scope.everything:
        return Grant.objects.none()
    outside = OrgUnit.objects.exclude(pk__in=scope.unit_ids)
    return Grant.objects.filter(
        Q(unit__in=outside) | Q(Exists(outside.filter(path__startswith=OuterRef("unit__path"))), include_descendants=True)
    )


def grant_reach_within(*, scope: Scope, unit: OrgUnit, include_descendants: bool) -> bool:
    """True when a grant at `unit` (with its subordinate units when `include_descendants`) stays inside `scope`."""
    if scope.everything:
        return True
    if unit.pk not in scope:
        return False
    return not include_descendants or not OrgUnit.objects.filter(path__startswith=unit.path).exclude(
        pk__in=scope.unit_ids
    ).exists()


def user_list_visible(*, user, action: str = Action.MANAGE) -> QuerySet[User]:
    """Users the caller may manage: home unit in the caller's scope for `action`, and no grant reaching beyond it.

    A user who holds a role outside the caller's scope (a district-wide admin whose home is a
    department) is not the department admin's to edit, reset or re-grant: doing so would hand the
    department admin that wider role.
    """
    scope = scope_for(user, action)
    qs = User.objects.select_related("unit").prefetch_related(
        Prefetch("grants", queryset=Grant.objects.select_related("unit"))
    ).order_by("username")
    if scope.everything:
        return qs
    return qs.filter(unit__in=OrgUnit.objects.visible_to(user, action)).exclude(
        Exists(grants_beyond(scope).filter(user=OuterRef("pk"))))


def user_get_visible(*, user, pk: int, action: str = Action.MANAGE) -> User:
    """One user of `user_list_visible`; NotFoundError otherwise (missing and forbidden look alike)."""
    found = user_list_visible(user=user, action=action).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not found")
    return found


def user_grants(*, user) -> list[Grant]:
    """The signed-in user's own grants, for the home page's scope summary."""
    return list(Grant.objects.filter(user=user).select_related("unit").order_by("role", "unit__path"))


@dataclass(slots=True)
class OrgUnitRow:
    """One line of the organisation tree: plain values, no model instance (the tree can be long)."""

    pk: int
    parent_id: int | None
    kind: str
    name: str
    short_name: str
    sort_order: int
    is_active: bool
    depth: int
    aliases: list[str] = dataclass_field(default_factory=list)
    parent_name: str = ""
    tree_depth: int = 0
    tree_index: int = 0  # position in the whole visible tree (a list sorted otherwise can go back to it)


def org_unit_tree_rows(
    *, user, action: str = Action.VIEW, kind: str = "", search: str = ""
) -> list[OrgUnitRow]:
    """The visible tree as rows, optionally narrowed to `kind` and/or to units whose name, short name
    or an alias contains `search` (case-insensitive). Two queries, whatever the size of the tree.

    `.tree_depth` stays relative to the shallowest unit visible at all, so indentation does not
    shift when a filter hides the top of the tree; `.parent_name` is set for every unit with a parent.
    """
    visible = OrgUnit.objects.visible_to(user, action)
    rows = [
        OrgUnitRow(*values)
        for values in visible.values_list(
            "pk", "parent_id", "kind", "name", "short_name", "sort_order", "is_active", "depth"
        )
    ]
    by_pk = {row.pk: row for row in rows}
    for unit_id, name in (
        OrgUnitAlias.objects.filter(unit__in=visible).order_by("name").values_list("unit_id", "name")
    ):
        by_pk[unit_id].aliases.append(name)
    rows = _tree_order(rows)
    for index, row in enumerate(rows):
        row.tree_index = index
    search = search.strip().lower()
    if kind or search:
        rows = [
            row for row in rows
            if (not kind or row.kind == kind)
            and (not search or any(search in n.lower() for n in (row.name, row.short_name, *row.aliases)))
        ]
    missing = {row.parent_id for row in rows if row.parent_id and row.parent_id not in by_pk}
    names = dict(OrgUnit.objects.filter(pk__in=missing).values_list("pk", "name")) if missing else {}
    for row in rows:
        if row.parent_id:
            parent = by_pk.get(row.parent_id)
            row.parent_name = parent.name if parent else names.get(row.parent_id, "")
    return rows


def org_unit_lookup_visible(*, user, name: str, action: str = Action.VIEW) -> OrgUnit | None:
    """The unit known by `name` (full name, short name or alias) if `user` may see it; else None."""
    name = name.strip()
    if not name:
        return None
    return org_unit_list_visible(user=user, action=action).filter(
        pk__in=OrgUnit.objects.named(name).values("pk")
    ).first()


def org_unit_members(*, unit: OrgUnit) -> QuerySet[User]:
    """Users whose home unit is `unit`, by user name."""
    return User.objects.filter(unit=unit).order_by("username")


def org_unit_grants(*, unit: OrgUnit) -> QuerySet[Grant]:
    """Grants held at `unit`, with their users."""
    return Grant.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")


def org_unit_children_visible(*, user, unit: OrgUnit, action: str = Action.VIEW) -> QuerySet[OrgUnit]:
    """Direct subordinate units of `unit` that `user` may see, in tree order."""
    return OrgUnit.objects.visible_to(user, action).filter(parent=unit).order_by("sort_order", "path")


def org_unit_merge_preview(*, source: OrgUnit, target: OrgUnit) -> dict:
    """What `org_unit_merge(source→target)` would move: `{"references": [(model, field, count)], "names": [...]}`.

    `references` lists every foreign key to OrgUnit (subordinate units first) with a non-zero count
    of rows now pointing at `source`; `names` are the names that become aliases of `target`.
    """
    from .services import _org_unit_references

    rows: list[tuple[type, object, int]] = []
    children = OrgUnit.objects.filter(parent=source).count()
    if children:
        rows.append((OrgUnit, OrgUnit._meta.get_field("parent"), children))
    for model, field in _org_unit_references():
        count = model._default_manager.filter(**{field.name: source}).count()
        if count:
            rows.append((model, field, count))
    names = [n for n in org_unit_names(source) if n not in {target.name, target.short_name}]
    return {"references": rows, "names": names}


def org_unit_names(unit: OrgUnit) -> list[str]:
    """Every name `unit` is known by: full name, short name (if any), then its aliases."""
    return [unit.name] + ([unit.short_name] if unit.short_name else []) + list(
        unit.aliases.order_by("name").values_list("name", flat=True)
    )


def user_list_filtered(
    *, user, search: str = "", unit_id: int | None = None, role: str = "", active: str = ""
) -> QuerySet[User]:
    """`user_list_visible` narrowed by text (user name, display name, phone, e-mail), home unit, role, active flag."""
    qs = user_list_visible(user=user)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(username__icontains=search) | Q(display_name__icontains=search) | Q(phone__icontains=search)
            | Q(email__icontains=search)
        )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if role:
        qs = qs.filter(pk__in=Grant.objects.filter(role=role).values("user_id"))
    if active in {"1", "0"}:
        qs = qs.filter(is_active=active == "1")
    return qs


def grant_get_manageable(*, user, pk: int) -> Grant:
    """A grant whose holder and unit both lie in `user`'s manage scope; NotFoundError otherwise."""
    grant = Grant.objects.select_related("user", "unit").filter(pk=pk).first()
    if grant is None:
        raise NotFoundError("not found")
    if not can(user, Action.MANAGE, grant.unit_id) or not user_list_visible(user=user).filter(pk=grant.user_id).exists():
        raise NotFoundError("not found")
    return grant


def unit_action_holders(*, unit_ids, action: str) -> dict[int, list[User]]:
    """For each unit, the active users granted `action` at exactly that unit (not through a parent). One query."""
    out: dict[int, list[User]] = defaultdict(list)
    grants = (Grant.objects.filter(unit__in=list(unit_ids), role__in=roles_allowing(action), user__is_active=True)
              .select_related("user").order_by("unit_id", "user_id"))
    for grant in grants:
        if all(user.pk != grant.user_id for user in out[grant.unit_id]):
            out[grant.unit_id].append(grant.user)
    return out


def action_holders(*, action: str) -> list[User]:
    """Active users granted `action` anywhere, by id."""
    return list(User.objects.filter(grants__role__in=roles_allowing(action), is_active=True).distinct().order_by("pk"))


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (never the key: only its hash is stored)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_get_own(*, user, pk: int) -> ApiToken:
    """One of the user's own tokens; NotFoundError for anyone else's."""
    found = api_tokens_of(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not found")
    return found


def totp_enabled(*, user) -> bool:
    return TotpDevice.objects.filter(user=user).exists()


@dataclass(frozen=True)
class LockedAccount:
    user: User
    addresses: list[str | None]
    failures: int


def locked_users_visible(*, user) -> list[LockedAccount]:
    """Accounts the caller manages that are refused somewhere now (locked for an address, or slowed)."""
    locked = locked_accounts()
    if not locked:
        return []
    users = user_list_visible(user=user).annotate(key=Lower("username")).filter(key__in=list(locked))
    return [LockedAccount(u, locked[u.key]["addresses"], locked[u.key]["failures"]) for u in users]
