"""Deployment checks of the accounts settings (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .oidc import oidc_enabled

#: Endpoint settings → the environment variables that set them (config/settings/base.py).
ENVIRONMENT = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "QUALITYGOV_OIDC_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "QUALITYGOV_OIDC_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "QUALITYGOV_OIDC_USERINFO_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "QUALITYGOV_OIDC_JWKS_ENDPOINT",
    "OIDC_OP_END_SESSION_ENDPOINT": "QUALITYGOV_OIDC_END_SESSION_ENDPOINT",
}


@register(Tags.security, deploy=True)
def oidc_over_https(app_configs=None, **kwargs) -> list[Warning]:
    """In production the identity provider is reached over HTTPS only: its issuer and every endpoint
    configured by hand. (Endpoints from the discovery document follow the issuer's document, fetched
    over HTTPS from the issuer; the id_token's signature is checked whatever the transport.)"""
    if not oidc_enabled():
        return []
    urls = {"QUALITYGOV_OIDC_ISSUER": settings.OIDC_ISSUER}
    for name, variable in ENVIRONMENT.items():
        urls[variable] = getattr(settings, name, "")
    plain = sorted(name for name, url in urls.items() if url and not url.lower().startswith("https://"))
    if not plain:
        return []
    return [Warning(
        f"The identity provider is configured over plain HTTP: {', '.join(plain)}.",
        hint="Use https:// URLs for QUALITYGOV_OIDC_ISSUER and the QUALITYGOV_OIDC_*_ENDPOINT settings.",
        id="accounts.W001",
    )]
