"""A user's own security pages: API tokens (list, create, revoke) and two-step sign-in (TOTP)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qualitygov.core.access import LOGIN, access
from qualitygov.core.errors import ServiceError
from qualitygov.core.views_helpers import apply_service_error, visible_or_404
from qualitygov.utilities import totp

from . import selectors, services, tokens
from .forms import ApiTokenForm, TotpCodeForm, client_ip

PENDING_SECRET = "accounts_totp_pending_secret"
NEW_TOKEN_KEY = "accounts_new_token_key"
ISSUER = "QualityGov"


@access(LOGIN)
def token_list(request):
    """My API tokens; POST makes one, then the page shows its key once.

    The key crosses the redirect in the session and is removed from it by the page that shows it,
    so reloading neither makes another token nor shows the key again.
    """
    form = ApiTokenForm(request.POST or None, max_days=settings.API_TOKEN_DAYS)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _token, key = tokens.api_token_create(actor=request.user, user=request.user, name=data["name"],
                                                  scope=data["scope"], days=data["days"],
                                                  ip_address=client_ip(request))
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            request.session[NEW_TOKEN_KEY] = key
            return redirect("accounts:token_list")
    new_key = request.session.pop(NEW_TOKEN_KEY, None)
    response = render(request, "accounts/token_list.html", {
        "tokens": selectors.api_tokens_of(user=request.user), "form": form, "new_key": new_key,
    })
    response["Cache-Control"] = "no-store"
    return response


@access(LOGIN)
def token_revoke(request, pk: int):
    """POST: revoke one of my tokens (404 for anyone else's)."""
    token = visible_or_404(selectors.api_token_get_own, user=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    tokens.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:token_list")


@access(LOGIN)
def two_step(request):
    """Turn two-step sign-in on (scan or type the secret, confirm with a code) or off (with a code)."""
    enabled = selectors.totp_enabled(user=request.user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if enabled:
                services.totp_disable(actor=request.user, user=request.user, code=code)
                message = _("Two-step sign-in is off.")
            else:
                secret = request.session.get(PENDING_SECRET) or ""
                services.totp_enable(actor=request.user, user=request.user, secret=secret, code=code)
                request.session.pop(PENDING_SECRET, None)
                message = _("Two-step sign-in is on: sign in with your password and the code from now on.")
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, message)
            return redirect("accounts:two_step")
    context = {"enabled": enabled, "form": form}
    if not enabled:
        secret = request.session.get(PENDING_SECRET)
        if not secret:
            secret = request.session[PENDING_SECRET] = totp.new_secret()
        context.update(secret=secret, uri=totp.otpauth_uri(secret, account=request.user.username, issuer=ISSUER))
    response = render(request, "accounts/two_step.html", context)
    response["Cache-Control"] = "no-store"
    return response
