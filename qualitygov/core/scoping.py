"""The one choke point for who sees and changes what: `visible_to(user, action)`.

A user's scope for an action is the set of org units covered by the grants whose role allows
that action (a grant covers its unit, plus the unit's descendants when `include_descendants`).
Every page, API view, export, chart and job asks for objects through `visible_to` and never
filters by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from .registry import SCOPE_RESOLVER, hook


@dataclass(frozen=True)
class Scope:
    """Unit ids a user may act on. `everything` is true for a grant at a root with descendants."""

    unit_ids: frozenset[int]
    everything: bool = False

    def __contains__(self, unit_id: object) -> bool:
        return self.everything or unit_id in self.unit_ids

    @property
    def empty(self) -> bool:
        return not self.everything and not self.unit_ids


EMPTY_SCOPE = Scope(frozenset())


def scope_for(user, action: str) -> Scope:
    """The units where `user` may perform `action`. Cached on the user object for one request.

    The grant model lives in `accounts`, which registers the resolver (`registry.SCOPE_RESOLVER`);
    core only caches its answer.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    cache = user.__dict__.setdefault("_qualitygov_scope_cache", {})
    if action in cache:
        return cache[action]
    scope = hook(SCOPE_RESOLVER)(user, action)
    cache[action] = scope
    return scope


def manages_district(user) -> bool:
    """True for a user who may manage every unit (a grant at the district root with its descendants):
    the writer of records that belong to the whole district (calendar, leading group, schemes, rules)."""
    return scope_for(user, "manage").everything


def can(user, action: str, unit_id: int | None = None) -> bool:
    """True when `user` may perform `action` at `unit_id` (or anywhere, when `unit_id` is None)."""
    scope = scope_for(user, action)
    if unit_id is None:
        return not scope.empty
    return unit_id in scope


def forget_scopes(user) -> None:
    """Drop the cached scopes after the user's grants changed."""
    user.__dict__.pop("_qualitygov_scope_cache", None)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to a user's scope.

    `scope_lookup` is the lookup from the model to the owning unit's primary key ("unit",
    "task__responsibilities__unit", "pk" for OrgUnit itself). Models whose visibility is not a
    plain unit lookup override `scope_filter`.
    """

    scope_lookup: str = "unit"

    def scope_filter(self, scope: Scope) -> models.Q:
        return models.Q(**{f"{self.scope_lookup}__in": scope.unit_ids})

    def visible_to(self, user, action: str = "view") -> ScopedQuerySet:
        scope = scope_for(user, action)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        qs = self.filter(self.scope_filter(scope))
        if "__" in self.scope_lookup:
            qs = qs.distinct()
        return qs


def visible_to(queryset_or_model, user, action: str = "view"):
    """Restrict a model or queryset to what `user` may `action`; the project's one choke point."""
    qs = queryset_or_model._default_manager.all() if isinstance(queryset_or_model, type) else queryset_or_model
    return qs.visible_to(user, action)
