"""Grants → scopes: the resolver behind `qualitygov.core.scoping.scope_for`."""

from __future__ import annotations

from django.db import models

from qualitygov.core.scoping import Scope

from .choices import roles_allowing
from .models import Grant, OrgUnit


def grant_scope(user, action: str) -> Scope:
    """The units covered by `user`'s grants whose role allows `action`.

    A grant covers its unit, plus the unit's descendants when `include_descendants`; a grant with
    descendants at the only root covers everything (including units created later).
    """
    roles = roles_allowing(action)
    grants = list(
        Grant.objects.filter(user=user, role__in=roles).select_related("unit").only(
            "include_descendants", "unit__path", "unit__parent_id", "unit_id"
        )
    )
    unit_ids: set[int] = set()
    prefixes: list[str] = []
    everything = False
    for grant in grants:
        unit_ids.add(grant.unit_id)
        if grant.include_descendants:
            prefixes.append(grant.unit.path)
            if grant.unit.parent_id is None and not OrgUnit.objects.filter(parent__isnull=True).exclude(
                pk=grant.unit_id
            ).exists():
                everything = True
    if prefixes and not everything:
        query = models.Q()
        for prefix in prefixes:
            query |= models.Q(path__startswith=prefix)
        unit_ids.update(OrgUnit.objects.filter(query).values_list("pk", flat=True))
    return Scope(frozenset(unit_ids), everything)
