"""Security headers on every response: a Content-Security-Policy and a Permissions-Policy.

The policy allows scripts from this server only (no inline script, no eval): every page script is
a static file, and data for scripts travels in `json_script` blocks (type application/json, never
executed). Inline styles stay allowed (`style-src 'unsafe-inline'`): templates use a few `style`
attributes, and htmx, Bootstrap and ECharts set styles at run time; styles cannot run code.
A view that needs more (the API docs' web worker) sets its own header with `content_security_policy`.
"""

from __future__ import annotations

CSP_HEADER = "Content-Security-Policy"

#: The site-wide policy, directive → sources.
BASE_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

#: Browser features the platform never uses, switched off for every page and anything it embeds.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer", "microphone",
    "midi", "payment", "usb",
))


def content_security_policy(**extra: str) -> str:
    """The header value: the base policy with `extra` directives (underscores for dashes) replacing theirs."""
    policy = dict(BASE_POLICY)
    policy.update({name.replace("_", "-"): sources for name, sources in extra.items()})
    return "; ".join(f"{name} {sources}" for name, sources in policy.items())


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (unless the view set its own) and the Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(CSP_HEADER, self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
