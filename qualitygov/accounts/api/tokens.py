"""API tokens: issue on a correct user name and password, revoke on request.

A token acts exactly as its user: the same grants, the same scopes. The key itself is never written
to the audit trail.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from qualitygov.accounts import events
from qualitygov.core.audit import audit_record

from ..models import LoginFailure, User


@transaction.atomic
def api_token_issue(*, user: User, ip_address: str | None) -> tuple[Token, bool]:
    """The user's token, created when they have none; a successful sign-in clears their failure count."""
    LoginFailure.objects.filter(username__iexact=user.username).delete()
    token, created = Token.objects.get_or_create(user=user)
    audit_record(actor=user, action=events.API_TOKEN_ISSUE, obj=user, unit=user.unit,
                 changes={"created": created, "ip": ip_address})
    return token, created


@transaction.atomic
def api_token_revoke(*, actor, user: User) -> bool:
    """Delete `user`'s token; True when there was one. Nothing is recorded when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=actor, action=events.API_TOKEN_REVOKE, obj=user, unit=user.unit, changes={"revoked": True})
    return bool(deleted)
