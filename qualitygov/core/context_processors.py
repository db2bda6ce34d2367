from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from .access import rule_allows
from .navigation import NAV


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": []}
    entries = []
    for entry in NAV:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        if rule_allows(entry.rule, user):
            entries.append({"label": entry.label, "url": url, "active": (request.path.startswith(url) and url != "/")
                            or request.path == url})
    return {"nav_entries": entries}
