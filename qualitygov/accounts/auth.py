"""Sign-in throttling: after too many failures for one user name, further attempts are refused."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qualitygov.accounts import events
from qualitygov.core.audit import audit_record

from .models import LoginFailure


def login_locked(username: str) -> bool:
    """True while `username` has reached the failure limit within the window."""
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return (
        LoginFailure.objects.filter(username__iexact=username.strip(), at__gte=since).count()
        >= settings.LOGIN_FAILURE_LIMIT
    )


@transaction.atomic
def login_failure_record(*, username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=username.strip()[:150], ip_address=ip_address, at=timezone.now())
    if login_locked(username):
        audit_record(actor=None, action=events.AUTH_LOCKED, object_type="accounts.user", object_repr=username[:150],
                     changes={"ip": ip_address})


@transaction.atomic
def logout_record(*, user, ip_address: str | None) -> None:
    audit_record(actor=user, action=events.AUTH_LOGOUT, obj=user, unit=user.unit, changes={"ip": ip_address})


@transaction.atomic
def login_success_record(*, user, ip_address: str | None) -> None:
    LoginFailure.objects.filter(username__iexact=user.username).delete()
    audit_record(actor=user, action=events.AUTH_LOGIN, obj=user, unit=user.unit, changes={"ip": ip_address})
