"""Grants → scopes: the resolver behind `qualitygov.core.scoping.scope_for`."""

from __future__ import annotations

from django.db import models

from qualitygov.core.scoping import Scope

from .choices import roles_allowing
from .models import Grant, OrgUnit

#: Keys of the per-request cache `core.scoping` keeps on the user (its other keys are actions).
_GRANTS, _ONLY_ROOT = "__grants__", "__only_root__"


def _cache(user) -> dict:
    # The same dict `core.scoping.scope_for` caches scopes in, so `forget_scopes` drops these too.
    return user.__dict__.setdefault("_qualitygov_scope_cache", {})


def _user_grants(user) -> list[Grant]:
    """Every grant of `user`, read once per request whatever the number of actions asked about."""
    cache = _cache(user)
    if _GRANTS not in cache:
        cache[_GRANTS] = list(Grant.objects.filter(user=user).select_related("unit").only(
            "role", "include_descendants", "unit__path", "unit__parent_id", "unit_id"))
    return cache[_GRANTS]


def _is_only_root(unit_id: int) -> bool:
    return not OrgUnit.objects.filter(parent__isnull=True).exclude(pk=unit_id).exists()


def grant_scope(user, action: str) -> Scope:
    """The units covered by `user`'s grants whose role allows `action`.

    A grant covers its unit, plus the unit's descendants when `include_descendants`; a grant with
    descendants at the only root covers everything (including units created later).
    """
    roles = set(roles_allowing(action))
    grants = [grant for grant in _user_grants(user) if grant.role in roles]
    unit_ids: set[int] = set()
    prefixes: list[str] = []
    everything = False
    cache = _cache(user)
    for grant in grants:
        unit_ids.add(grant.unit_id)
        if grant.include_descendants:
            prefixes.append(grant.unit.path)
            if grant.unit.parent_id is None:
                key = (_ONLY_ROOT, grant.unit_id)
                if key not in cache:
                    cache[key] = _is_only_root(grant.unit_id)
                everything = everything or cache[key]
    if prefixes and not everything:
        query = models.Q()
        for prefix in prefixes:
            query |= models.Q(path__startswith=prefix)
        unit_ids.update(OrgUnit.objects.filter(query).values_list("pk", flat=True))
    return Scope(frozenset(unit_ids), everything)
