"""The audit events accounts writes (see `qualitygov.core.events`)."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

AUTH_LOGIN = EventType("auth.login", _("Signed in"))
AUTH_LOGOUT = EventType("auth.logout", _("Signed out"))
AUTH_OIDC_LOGIN = EventType("auth.oidc_login", _("Signed in through the government identity provider"))
AUTH_OIDC_REFUSED = EventType("auth.oidc_refused", _("Sign-in through the government identity provider refused"))
AUTH_LOCKED = EventType("auth.locked", _("Sign-in locked after failed attempts"))
AUTH_SLOWED = EventType("auth.slowed", _("Sign-in slowed after failed attempts from many addresses"))
AUTH_UNLOCK = EventType("auth.unlock", _("Sign-in unlocked"))
TOTP_ENABLE = EventType("totp.enable", _("Two-step sign-in turned on"))
TOTP_DISABLE = EventType("totp.disable", _("Two-step sign-in turned off"))
API_TOKEN_ISSUE = EventType("api_token.issue", _("API token issued"))
API_TOKEN_REVOKE = EventType("api_token.revoke", _("API token revoked"))
ORG_UNIT_CREATE = EventType("org_unit.create", _("Unit created"))
ORG_UNIT_UPDATE = EventType("org_unit.update", _("Unit changed"))
ORG_UNIT_MERGE = EventType("org_unit.merge", _("Units merged"))
USER_CREATE = EventType("user.create", _("User created"))
USER_UPDATE = EventType("user.update", _("User changed"))
USER_SET_PASSWORD = EventType("user.set_password", _("Password set"))
GRANT_CREATE = EventType("grant.create", _("Role granted"))
GRANT_DELETE = EventType("grant.delete", _("Role withdrawn"))

#: Labels of `changes` keys that are not model fields.
KEYS = {
    "aliases": _("aliases"),
    "aliases_added": _("aliases added"),
    "merged": _("merged unit"),
    "moved": _("records moved"),
    "ip": _("IP address"),
    "created": _("new token"),
    "revoked": _("revoked"),
    "password": _("password"),
    "failures": _("failed sign-ins"),
    "second_factor": _("with authenticator code"),
    "token": _("token"),
    "tokens": _("tokens"),
    "method": _("sign-in method"),
    "subject": _("identity at the provider"),
    "check": _("failed check"),
}
VALUES = {
    "password": {"changed": _("changed")},
    "reason": {"office": _("unlocked by the office"), "password": _("password set"),
               "deactivated": _("user deactivated"), "owner": _("revoked by its owner"),
               # refusals of a sign-in through the government identity provider
               "unknown": _("no matching account"),
               "subject_mismatch": _("another identity is recorded for the account"), "inactive": _("account deactivated"),
               "invalid_token": _("token not verified"), "provider_error": _("identity provider failed"),
               "state": _("sign-in request unknown or expired"), "denied": _("cancelled at the identity provider")},
    "method": {"oidc": _("government identity provider")},
    "check": {"signature": _("token signature"), "nonce": _("token nonce"), "expired": _("token expiry"),
              "audience": _("token audience"), "issuer": _("token issuer"), "claims": _("token claims"),
              "userinfo": _("subject of the user info")},
}
