"""Home page and error pages."""

from __future__ import annotations

from django.shortcuts import render

from qualitygov.accounts.choices import Action
from qualitygov.accounts.selectors import user_grants
from qualitygov.core.scoping import scope_for

from .access import LOGIN, access


@access(LOGIN)
def home(request):
    """The signed-in user's unit, roles and the extent of their scope."""
    grants = user_grants(user=request.user)
    view_scope = scope_for(request.user, Action.VIEW)
    change_scope = scope_for(request.user, Action.CHANGE)
    from qualitygov.accounts.models import OrgUnit

    def count(scope, action: str) -> int:
        return OrgUnit.objects.visible_to(request.user, action).count() if scope.everything else len(scope.unit_ids)

    return render(request, "core/home.html", {
        "grants": grants,
        "view_unit_count": count(view_scope, Action.VIEW),
        "change_unit_count": count(change_scope, Action.CHANGE),
    })
