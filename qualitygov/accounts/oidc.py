"""Sign-in through the government identity provider (政务统一身份认证), OpenID Connect.

Optional and configured by settings only (`OIDC_*` in config/settings/base.py, docs/oidc.md): when
the issuer, client id and client secret are not all set, `oidc_enabled()` is False, the routes answer
404 and the sign-in page shows no button. Built on mozilla-django-oidc (ADR 0013), tightened here:

- Authorization code flow; state, nonce and PKCE (S256) kept in the session per request, used once.
- The id_token must be RS256-signed by a key of the provider's JWKS and carry `iss` equal to the
  configured issuer, `aud` containing the client id (and `azp` it when several), `exp`, `iat`, `sub`
  and the nonce of this request. Anything else is refused (`invalid_token`, with the failed check).
- Account mapping: a user whose stored `oidc_subject` is the token's `sub`; else the claim
  `OIDC_USERNAME_CLAIM` (from the id_token, else from the userinfo answer whose `sub` must equal the
  id_token's) must equal the user name of an existing account with no other subject stored. The
  account must be active. No account is ever created and no role comes from the provider: scope comes only
  from grants in QualityGov.
- Every sign-in and every refusal is audited (`auth.oidc_login`, `auth.oidc_refused`); sign-out is
  audited by the sign-out view and, when the provider names an end-session endpoint, continues there.
"""

from __future__ import annotations

import hmac
import logging
import time
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from qualitygov.core.access import PUBLIC

from .auth import oidc_login_record, oidc_refusal_record
from .forms import client_ip

logger = logging.getLogger(__name__)

#: Session key telling that the session was opened through the identity provider.
SESSION_METHOD = "qualitygov_sign_in_method"
OIDC = "oidc"

# Refusal reasons (audited as `reason`, shown to the person as REFUSAL_MESSAGES).
UNKNOWN = "unknown"
SUBJECT_MISMATCH = "subject_mismatch"
INACTIVE = "inactive"
INVALID_TOKEN = "invalid_token"
PROVIDER_ERROR = "provider_error"
STATE = "state"
DENIED = "denied"

REFUSAL_MESSAGES = {
    UNKNOWN: _("The government identity provider confirmed who you are, but no account on this platform "
               "matches. Ask the office to set up your account."),
    # Not told apart from UNKNOWN to the person: the audit trail says which.
    SUBJECT_MISMATCH: _("The government identity provider confirmed who you are, but no account on this "
                        "platform matches. Ask the office to set up your account."),
    INACTIVE: _("Your account on this platform is deactivated. Ask the office."),
    INVALID_TOKEN: _("The answer of the government identity provider could not be verified; you are not "
                     "signed in. Try again."),
    PROVIDER_ERROR: _("The government identity provider cannot be reached now. Try again later or sign in "
                      "with your password."),
    STATE: _("The sign-in through the government identity provider has expired or was not started here. "
             "Try again."),
    DENIED: _("The sign-in was cancelled at the government identity provider."),
}

DISCOVERY_SECONDS = 3600
_discovered: dict[str, tuple[float, dict]] = {}

#: mozilla-django-oidc's endpoint settings → keys of the discovery document.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_END_SESSION_ENDPOINT": "end_session_endpoint",
}
REQUIRED = ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT")


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not describe the configured issuer."""


class Refused(Exception):
    """A sign-in through the provider is refused for `reason`; `check` names the failed token check."""

    def __init__(self, reason: str, *, check: str = "", who: str = "", subject: str = ""):
        super().__init__(reason, check)
        self.reason, self.check, self.who, self.subject = reason, check, who, subject


def oidc_enabled() -> bool:
    """True when the issuer, client id and client secret are all configured."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET)


def forget_discovery() -> None:
    """Drop the cached discovery documents (tests; a provider that moved its endpoints)."""
    _discovered.clear()


def _discovery(issuer: str) -> dict:
    cached = _discovered.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_SECONDS:
        return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery document {url}: {exc}") from exc
    # OpenID Connect Discovery 1.0 §4.3: the document's issuer must be exactly the one configured.
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise ProviderUnavailable(f"discovery document {url} names another issuer")
    _discovered[issuer] = (time.monotonic(), document)
    return document


def provider_endpoint(name: str) -> str:
    """The endpoint setting `name` (one of ENDPOINTS): configured, else from the discovery document
    (fetched only when a required endpoint is not configured). "" when the provider has none."""
    configured = getattr(settings, name, "")
    if configured:
        return configured
    if name not in REQUIRED and all(getattr(settings, n, "") for n in REQUIRED):
        return ""
    value = _discovery(settings.OIDC_ISSUER).get(ENDPOINTS[name]) or ""
    if not value and name in REQUIRED:
        raise ProviderUnavailable(f"the provider names no {ENDPOINTS[name]}")
    return value


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's settings lookup, with endpoints resolved by `provider_endpoint`."""
    if attr in ENDPOINTS:
        return provider_endpoint(attr)
    return import_from_settings(attr, *default)


def _check_of(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.ExpiredSignatureError | jwt.ImmatureSignatureError):
        return "expired"
    if isinstance(exc, jwt.InvalidAudienceError):
        return "audience"
    if isinstance(exc, jwt.InvalidIssuerError):
        return "issuer"
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return "claims"
    return "signature"


class OIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the OIDC callback only (called with the `nonce` kept in the session); maps the
    verified claim to an existing active account or refuses (audited, reason left on the request)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here; ours are read when a callback comes, and only then.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not oidc_enabled():
            return None
        try:
            self.OIDC_OP_TOKEN_ENDPOINT = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
            self.OIDC_OP_USER_ENDPOINT = oidc_setting("OIDC_OP_USER_ENDPOINT")
            self.OIDC_OP_JWKS_ENDPOINT = oidc_setting("OIDC_OP_JWKS_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
            self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
            self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
            self.OIDC_RP_IDP_SIGN_KEY = None
            user = super().authenticate(request, **kwargs)
        except Refused as exc:
            return _refuse(request, exc)
        except (ProviderUnavailable, requests.RequestException, ValueError) as exc:
            logger.warning("OIDC provider failed: %s", exc)
            return _refuse(request, Refused(PROVIDER_ERROR))
        except (SuspiciousOperation, jwt.PyJWTError, KeyError, TypeError) as exc:
            logger.warning("OIDC token refused: %s", exc)
            return _refuse(request, Refused(INVALID_TOKEN, check="signature"))
        if user is None:  # the library gave up without saying why (no code, no id_token)
            return _refuse(request, Refused(INVALID_TOKEN, check="claims"))
        return user

    def verify_token(self, token, **kwargs):
        """The id_token's claims, or Refused(INVALID_TOKEN, check=...). Never accepts `alg: none`."""
        if not isinstance(token, str):
            raise Refused(INVALID_TOKEN, check="claims")
        try:
            key = self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, jwt.PyJWTError, KeyError) as exc:
            raise Refused(INVALID_TOKEN, check="signature") from exc
        try:
            payload = jwt.decode(
                token, key, algorithms=[settings.OIDC_RP_SIGN_ALGO], audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER, leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.PyJWTError as exc:
            raise Refused(INVALID_TOKEN, check=_check_of(exc)) from exc
        nonce = kwargs.get("nonce")
        if not nonce or not hmac.compare_digest(str(payload.get("nonce", "")), nonce):
            raise Refused(INVALID_TOKEN, check="nonce", subject=str(payload["sub"]))
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise Refused(INVALID_TOKEN, check="audience", subject=str(payload["sub"]))
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """The existing active user this identity names; never creates one.

        A user whose stored `oidc_subject` is the token's `sub` is that user. Otherwise the claim
        `OIDC_USERNAME_CLAIM` ("" turns this way off) names the user by exact user name, unless that
        user has another identity stored.
        """
        subject = str(payload["sub"])
        user = self.UserModel.objects.filter(oidc_subject=subject).first()
        who = user.username if user is not None else ""
        claim = settings.OIDC_USERNAME_CLAIM
        if user is None and claim:
            claims = dict(payload)
            if claim not in claims and self.OIDC_OP_USER_ENDPOINT and access_token:
                info = self._userinfo(access_token)
                # OpenID Connect Core §5.3.2: the userinfo answer is about the id_token's subject or ignored.
                if str(info.get("sub", "")) != subject:
                    raise Refused(INVALID_TOKEN, check="userinfo", subject=subject)
                claims = {**info, **payload}
            value = claims.get(claim)
            who = value.strip() if isinstance(value, str) else ""
            user = self.UserModel.objects.filter(username=who).first() if who else None
            if user is not None and user.oidc_subject:  # bound to another identity at the provider
                raise Refused(SUBJECT_MISMATCH, who=who, subject=subject)
        if user is None:
            raise Refused(UNKNOWN, who=who, subject=subject)
        if not user.is_active:
            raise Refused(INACTIVE, who=who, subject=subject)
        user.signed_in_subject = subject
        return user

    def _userinfo(self, access_token: str) -> dict:
        response = requests.get(self.OIDC_OP_USER_ENDPOINT, headers={"Authorization": f"Bearer {access_token}"},
                                timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        info = response.json()
        if not isinstance(info, dict):
            raise ValueError("userinfo is not an object")
        return info

    def get_user(self, user_id):
        # Django's rule, not the library's: a deactivated user's session ends at the next request.
        return ModelBackend.get_user(self, user_id)


def _refuse(request, exc: Refused) -> None:
    oidc_refusal_record(who=exc.who, ip_address=client_ip(request), reason=exc.reason, check=exc.check,
                        subject=exc.subject)
    request.oidc_refusal = exc.reason
    return None


def _not_configured_404(view_class):
    """Answer 404 to every method while OIDC is not configured."""
    dispatch = view_class.dispatch

    def guarded(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return dispatch(self, request, *args, **kwargs)

    view_class.dispatch = guarded
    return view_class


@method_decorator(login_not_required, name="dispatch")
@_not_configured_404
class OIDCLoginView(OIDCAuthenticationRequestView):
    """Starts the sign-in: state, nonce and PKCE verifier into the session, redirect to the provider."""

    access_rule = PUBLIC
    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # endpoints are read in get(), after the 404 check

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as exc:
            logger.warning("OIDC provider unavailable: %s", exc)
            messages.error(request, REFUSAL_MESSAGES[PROVIDER_ERROR])
            return redirect("accounts:login")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
@_not_configured_404
class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back: signs the mapped user in, or refuses with a Chinese message."""

    access_rule = PUBLIC
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        state = request.GET.get("state")
        if not request.GET.get("error") and state is not None and state not in request.session.get(
            "oidc_states", {}
        ):
            # An unknown or already used state: refuse (audited) instead of the library's 400.
            return self.login_failure()
        return super().get(request)

    def login_success(self):
        response = super().login_success()
        self.request.session[SESSION_METHOD] = OIDC
        oidc_login_record(user=self.user, ip_address=client_ip(self.request),
                          subject=getattr(self.user, "signed_in_subject", ""))
        return response

    def login_failure(self):
        request = self.request
        reason = getattr(request, "oidc_refusal", None)
        if reason is None:  # refused before the backend ran: cancelled at the provider, or a bad state
            reason = DENIED if request.GET.get("error") else STATE
            _refuse(request, Refused(reason))
        messages.error(request, REFUSAL_MESSAGES[reason])
        return redirect("accounts:login")


#: Session key (of the new, signed-out session) holding where sign-out continues at the provider.
END_SESSION = "qualitygov_oidc_end_session"


@method_decorator(login_not_required, name="dispatch")
@_not_configured_404
class OIDCSignedOutView(View):
    """After sign-out of a session from the provider: a page that moves on to the provider's
    end-session endpoint. A page, not a redirect, because the sign-out form's redirects must stay on
    this site (CSP `form-action 'self'`); a meta refresh is a new navigation, and runs no script."""

    access_rule = PUBLIC
    http_method_names = ["get"]

    def get(self, request):
        url = request.session.pop(END_SESSION, "")
        if not url:
            return redirect("accounts:login")
        return render(request, "accounts/oidc_signed_out.html", {"url": url})


def end_session_url(request) -> str:
    """Where sign-out continues for a session opened through the provider: its end-session endpoint
    with the id_token as hint and the sign-in page as the way back; "" when there is none."""
    if request.session.get(SESSION_METHOD) != OIDC or not oidc_enabled():
        return ""
    try:
        endpoint = provider_endpoint("OIDC_OP_END_SESSION_ENDPOINT")
    except ProviderUnavailable:
        return ""
    if not endpoint:
        return ""
    params = {"client_id": settings.OIDC_RP_CLIENT_ID,
              "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login"))}
    if request.session.get("oidc_id_token"):
        params["id_token_hint"] = request.session["oidc_id_token"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"

