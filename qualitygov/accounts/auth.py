"""Sign-in checks shared by the web form and the API token endpoint: throttling and the second factor.

Failures are counted per account (the user name in lower case, so case variants count together)
and client address, within `LOGIN_FAILURE_WINDOW_SECONDS`:

- `LOGIN_FAILURE_LIMIT` failures for one account from one address refuse that address ("locked")
  for that account; other addresses, the owner's included, still sign in.
- Past `LOGIN_ACCOUNT_CEILING` failures for the account from all addresses, an attempt comes at
  most once per `LOGIN_SLOW_SECONDS` ("slow"): a guessing attack spread over many addresses is
  slowed, the account is not locked.
- A user who turned on two-step sign-in (an authenticator app, TOTP) always gives a code with their
  password, and a correct code lets them in despite either refusal — unless
  `LOGIN_CODE_FAILURE_LIMIT` wrong codes were given for the account within the window.
- The office unlocks an account (`login_unlock`); setting a password unlocks it too.

A refused attempt (locked or slowed) writes nothing; a failed one writes a `LoginFailure`, and the
failure that reaches a limit writes `auth.locked` / `auth.slowed`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from qualitygov.accounts import events
from qualitygov.core.audit import audit_record
from qualitygov.utilities import totp

from .models import LoginFailure, TotpDevice, User

LOCKED = "locked"
SLOW = "slow"
INVALID = "invalid"
CODE_REQUIRED = "code_required"
CODE_INVALID = "code_invalid"


class SignInRefused(Exception):
    """Sign-in refused; `code` is one of LOCKED, SLOW, INVALID, CODE_REQUIRED, CODE_INVALID."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def account_key(username: str) -> str:
    """What failures are counted under: the user name, trimmed, in lower case."""
    return username.strip().lower()[:150]


def _recent(key: str):
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(username=key, at__gte=since)


def throttle_state(*, username: str, ip_address: str | None) -> str | None:
    """LOCKED when this address reached the limit for the account, SLOW when the account is past its
    ceiling and its last failure was under `LOGIN_SLOW_SECONDS` ago, else None."""
    recent = _recent(account_key(username))
    if recent.filter(ip_address=ip_address).count() >= settings.LOGIN_FAILURE_LIMIT:
        return LOCKED
    if recent.count() >= settings.LOGIN_ACCOUNT_CEILING:
        last = recent.order_by("-at").values_list("at", flat=True).first()
        if last and timezone.now() - last < dt.timedelta(seconds=settings.LOGIN_SLOW_SECONDS):
            return SLOW
    return None


@transaction.atomic
def login_failure_record(*, username: str, ip_address: str | None, kind: str = LoginFailure.PASSWORD) -> None:
    """Count a failure; the one that reaches the address limit or the account ceiling is audited."""
    key = account_key(username)
    LoginFailure.objects.create(username=key, ip_address=ip_address, at=timezone.now(), kind=kind)
    recent = _recent(key)
    if recent.filter(ip_address=ip_address).count() == settings.LOGIN_FAILURE_LIMIT:
        audit_record(actor=None, action=events.AUTH_LOCKED, object_type="accounts.user", object_repr=key,
                     changes={"ip": ip_address})
    if recent.count() == settings.LOGIN_ACCOUNT_CEILING:
        audit_record(actor=None, action=events.AUTH_SLOWED, object_type="accounts.user", object_repr=key,
                     changes={"ip": ip_address, "failures": settings.LOGIN_ACCOUNT_CEILING})


def _device(user: User | None) -> TotpDevice | None:
    if user is None:
        return None
    return TotpDevice.objects.filter(user=user).first()


def sign_in_check(*, request, username: str, password: str, code: str = "", ip_address: str | None) -> User:
    """The user `username`/`password` (and `code`, for two-step sign-in) identify, or SignInRefused.

    Records failures; records nothing when refused for throttling without a code. The code's time
    step is used up on success, so it cannot be replayed.
    """
    username = username.strip()
    code = (code or "").strip()
    state = throttle_state(username=username, ip_address=ip_address)
    step = None
    if state is not None:
        owner = User.objects.filter(username__iexact=username, is_active=True).first()
        device = _device(owner)
        if device is None or not code:
            raise SignInRefused(state)
        codes_failed = _recent(account_key(username)).filter(kind=LoginFailure.CODE).count()
        if codes_failed >= settings.LOGIN_CODE_FAILURE_LIMIT:
            raise SignInRefused(state)
        step = totp.verify(device.secret, code, last_step=device.last_step)
        if step is None:
            login_failure_record(username=username, ip_address=ip_address, kind=LoginFailure.CODE)
            raise SignInRefused(state)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_failure_record(username=username, ip_address=ip_address)
        raise SignInRefused(INVALID)
    device = _device(user)
    if device is not None and step is None:
        if not code:
            raise SignInRefused(CODE_REQUIRED)
        step = totp.verify(device.secret, code, last_step=device.last_step)
        if step is None:
            login_failure_record(username=username, ip_address=ip_address, kind=LoginFailure.CODE)
            raise SignInRefused(CODE_INVALID)
    if device is not None:
        TotpDevice.objects.filter(pk=device.pk).update(last_step=step)
    user.signed_in_with_code = device is not None
    return user


@transaction.atomic
def logout_record(*, user, ip_address: str | None, method: str = "") -> None:
    """Sign-out is audited; `method` "oidc" when the session came from the government identity provider."""
    changes = {"ip": ip_address}
    if method:
        changes["method"] = method
    audit_record(actor=user, action=events.AUTH_LOGOUT, obj=user, unit=user.unit, changes=changes)


@transaction.atomic
def oidc_login_record(*, user, ip_address: str | None, subject: str) -> None:
    """A sign-in through the identity provider is audited with the provider's subject.

    Like a password sign-in it clears the failures of the account from this address: the provider has
    proved who the person is, as an authenticator code does. The password throttle does not refuse it
    (it counts password guesses; the provider refuses its own).
    """
    _recent(account_key(user.username)).filter(ip_address=ip_address).delete()
    audit_record(actor=user, action=events.AUTH_OIDC_LOGIN, obj=user, unit=user.unit,
                 changes={"ip": ip_address, "subject": subject})


@transaction.atomic
def oidc_refusal_record(*, who: str, ip_address: str | None, reason: str, check: str = "",
                        subject: str = "") -> None:
    """A refused sign-in through the identity provider is audited; `who` is the mapped claim's value
    when the token was verified, else empty. Not counted as a password failure."""
    changes = {"ip": ip_address, "reason": reason}
    if check:
        changes["check"] = check
    if subject:
        changes["subject"] = subject
    audit_record(actor=None, action=events.AUTH_OIDC_REFUSED, object_type="accounts.user",
                 object_repr=who[:200], changes=changes)


@transaction.atomic
def login_success_record(*, user, ip_address: str | None) -> None:
    """A successful sign-in clears the failures of this account from this address and is audited."""
    _recent(account_key(user.username)).filter(ip_address=ip_address).delete()
    changes = {"ip": ip_address}
    if getattr(user, "signed_in_with_code", False):
        changes["second_factor"] = True
    audit_record(actor=user, action=events.AUTH_LOGIN, obj=user, unit=user.unit, changes=changes)


@transaction.atomic
def login_unlock(*, actor, user: User, reason: str = "office") -> int:
    """Forget every recent failure of `user`'s account (every address); the count. Audited when any."""
    key = account_key(user.username)
    deleted, _ = LoginFailure.objects.filter(username=key).delete()
    if deleted:
        audit_record(actor=actor, action=events.AUTH_UNLOCK, obj=user, unit=user.unit,
                     changes={"failures": deleted, "reason": reason})
    return deleted


def locked_accounts() -> dict[str, dict]:
    """Accounts refused somewhere now: {account key: {"addresses": [locked addresses], "failures": n}}."""
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    out: dict[str, dict] = {}
    for row in recent.values("username", "ip_address").annotate(n=Count("pk")).filter(
        n__gte=settings.LOGIN_FAILURE_LIMIT
    ).order_by("username", "ip_address"):
        out.setdefault(row["username"], {"addresses": [], "failures": 0})["addresses"].append(row["ip_address"])
    for row in recent.values("username").annotate(n=Count("pk")).order_by("username"):
        if row["username"] in out or row["n"] >= settings.LOGIN_ACCOUNT_CEILING:
            out.setdefault(row["username"], {"addresses": [], "failures": 0})["failures"] = row["n"]
    return out
