"""Who may write plans wholesale (import them), and where plan-wide writes put new units."""

from __future__ import annotations

from qualitygov.accounts.choices import Action
from qualitygov.accounts.choices import OrgUnitKind as K
from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.selectors import grant_reach_within
from qualitygov.core.scoping import scope_for


def district_root() -> OrgUnit | None:
    """The root unit new units are created under (the district), or None before the tree exists."""
    return (OrgUnit.objects.filter(parent__isnull=True, kind=K.DISTRICT).order_by("pk").first()
            or OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first())


def can_import_plans(user) -> bool:
    """True when `user` manages the whole district (its root unit and every unit under it).

    Confirming an import writes district-wide: units created under the district, names recorded
    as aliases of any unit, tasks given to any unit. An admin who manages only part of the tree
    would reach beyond it, so imports are for the district's office alone.
    """
    scope = scope_for(user, Action.MANAGE)
    if scope.everything:
        return True
    root = district_root()
    return root is not None and grant_reach_within(scope=scope, unit=root, include_descendants=True)
