from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from .access import rule_allows
from .help import help_anchor
from .registry import NAV_MENUS, nav_entries


def navigation(request) -> dict:
    """The navigation bar for the signed-in user: the entries their rules allow, one of them active.

    At most one entry is active. An entry naming the current URL in `active_url_names` wins;
    otherwise the one whose URL is the longest prefix of the current path. An entry whose URL is a
    prefix of another entry's ("/progress/" and "/progress/board/") lights only on its own page, so
    the inbox does not stay lit on every progress page.

    Entries with a `menu` go into that dropdown (`registry.NAV_MENUS`), which stands where its first
    entry would and lights when one of its entries is active, so the bar keeps one line on an office
    screen. `nav_items` is the bar in order: an entry, or a menu `{"menu", "label", "entries",
    "active"}`; the "admin" menu (更多) comes last.

    Built once per request: a page that renders fragments with the request (the home page's cards)
    runs the context processors again, and the bar's badges and checks cost queries.
    """
    cached = getattr(request, "_qualitygov_nav", None)
    if cached is not None:
        return cached
    out = _navigation(request)
    items: list[dict] = []
    menus: dict[str, dict] = {}
    for entry in out["nav_entries"]:
        key = entry.get("menu")
        if not key:
            items.append(entry)
            continue
        if key not in menus:
            menus[key] = {"menu": key, "label": NAV_MENUS.get(key, key), "entries": [], "active": False}
            if key != "admin":
                items.append(menus[key])
        menus[key]["entries"].append(entry)
        menus[key]["active"] = menus[key]["active"] or entry["active"]
    if "admin" in menus:
        items.append(menus["admin"])
    result = {"nav_items": items}
    request._qualitygov_nav = result
    return result


def _navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": []}
    entries = []
    for entry in nav_entries():
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        if rule_allows(entry.rule, user) and entry.visible_to(user):
            entries.append({"key": entry.key, "label": entry.label, "url": url, "active": False,
                            "badge": entry.badge_count(request), "names": entry.active_url_names,
                            "menu": entry.menu})
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    named = [e for e in entries if view_name and view_name in e["names"]]
    if named:
        named[0]["active"] = True
        return {"nav_entries": entries}
    path = request.path
    urls = [e["url"] for e in entries]

    def covers(entry: dict) -> bool:
        if path == entry["url"]:
            return True
        is_parent = any(other != entry["url"] and other.startswith(entry["url"]) for other in urls)
        return not is_parent and path.startswith(entry["url"])

    matches = [e for e in entries if covers(e)]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return {"nav_entries": entries}


def help_link(request) -> dict:
    """`help_url`: the user guide's section for the current page (by its URL name, see `core.help`)."""
    match = getattr(request, "resolver_match", None)
    return {"help_url": f"{reverse('core:help')}#{help_anchor(match.view_name if match else None)}"}
