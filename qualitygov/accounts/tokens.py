"""API token services: make (the key is returned once and only its hash stored), revoke, revoke all.

A token acts as its user (the same grants and scopes), limited to reading when its scope is `read`,
until it expires or is revoked. A password change or reset and a deactivation revoke all of the
user's tokens. Keys never reach the audit trail; the prefix identifies a token there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts import events
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ServiceError

from .models import ApiToken, ApiTokenScope, User


def key_hash(key: str) -> str:
    """The stored form of a key: SHA-256, hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_create(
    *, actor, user: User, name: str, scope: str = ApiTokenScope.READ, days: int | None = None,
    ip_address: str | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it and its key (40 hex characters), which is not kept anywhere.

    `days` (1 to `API_TOKEN_DAYS`, that by default) is how long it lasts.
    """
    name = name.strip()[:60]
    if not name:
        raise ServiceError(_("A token needs a name."), fields={"name": [_("This field is required.")]})
    if scope not in ApiTokenScope.values:
        raise ServiceError(_("Unknown scope."), fields={"scope": [_("Unknown scope.")]})
    longest = settings.API_TOKEN_DAYS
    days = longest if days is None else days
    if not 1 <= days <= longest:
        message = _("A token lasts from 1 to %(days)d days.") % {"days": longest}
        raise ServiceError(message, fields={"days": [message]})
    if not user.is_active:
        raise ServiceError(_("A deactivated user cannot have tokens."))
    key = secrets.token_hex(20)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=key_hash(key), scope=scope,
                                        created_at=now, expires_at=now + dt.timedelta(days=days))
        audit_record(actor=actor, action=events.API_TOKEN_ISSUE, obj=user, unit=user.unit, changes={
            "created": True, "token": token.prefix, "name": name, "scope": scope,
            "expires_at": token.expires_at.isoformat(), "ip": ip_address,
        })
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, reason: str = "owner") -> None:
    """Delete one token; requests with its key answer 401 from now on."""
    user = token.user
    audit_record(actor=actor, action=events.API_TOKEN_REVOKE, obj=user, unit=user.unit,
                 changes={"revoked": True, "token": token.prefix, "name": token.name, "reason": reason})
    token.delete()


@transaction.atomic
def api_tokens_revoke_all(*, actor, user: User, reason: str) -> int:
    """Delete every token of `user`; the count. Nothing is recorded when there was none."""
    prefixes = sorted(ApiToken.objects.filter(user=user).values_list("prefix", flat=True))
    if prefixes:
        ApiToken.objects.filter(user=user).delete()
        audit_record(actor=actor, action=events.API_TOKEN_REVOKE, obj=user, unit=user.unit,
                     changes={"revoked": True, "tokens": prefixes, "reason": reason})
    return len(prefixes)


def api_token_authenticate(key: str) -> ApiToken | None:
    """The live token whose key is `key` (with its user), or None (unknown, expired, or user deactivated).

    Notes the time of use, at most once a minute per token.
    """
    now = timezone.now()
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=key_hash(key), expires_at__gt=now, user__is_active=True).first())
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
