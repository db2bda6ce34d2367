"""Every page lights exactly one entry of the navigation bar (the section it belongs to); pages of
no section (the sign-in, the password form, the API docs page with its own layout) light none."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from .urlwalk import missing_kwargs, routes, samples, url_kwargs

#: Pages that belong to no section of the bar: signing in and one's own account settings (reached from
#: the user's name on the right of the bar).
NO_SECTION = {"accounts:login", "accounts:password_change", "accounts:password_change_done", "accounts:two_step",
              "accounts:token_list",
              # the search box's results, reached from every page
              "core:search", "core:help",
              # htmx fragments polled by the jobs page (no layout of their own)
              "core:job_rows", "core:job_progress"}
#: Pages whose entry only the office's bar shows; others reach them by a link (the calendar from a
#: deadline, one's own jobs from the export that started them) and see no entry lit.
OFFICE_SECTION = {"core:calendar", "core:job_list", "core:job_detail"}
#: The public site (/public/) and the open-data API's pages (/api/open/v1/) have their own layouts without
#: the staff navigation bar, so they light no entry of it.
PUBLIC_PREFIXES = ("portal:public_", "opendata:")


def _active(html: str) -> list[str]:
    """Labels of the lit entries: a link on the bar, or the 更多 menu's button when one of its entries is lit."""
    found = re.findall(r'<a class="nav-link active" href="[^"]*"[^>]*>([^<]*)</a>'
                       r'|<button class="nav-link dropdown-toggle active"[^>]*>([^<]*)</button>', html)
    return [(link or menu).strip() for link, menu in found]


def _pages(cast) -> list[tuple[str, str]]:
    found = []
    sample_factories = samples()
    for route in routes():
        if not route.name or route.is_drf or route.name.startswith("api"):
            continue
        factory = sample_factories.get(route.name)
        if route.kwarg_names and (factory is None or missing_kwargs(route, set(factory(cast)))):
            continue
        sample = dict(factory(cast)) if factory else {}
        if sample.get("get_status"):
            continue
        found.append((route.name, reverse(route.name, kwargs=url_kwargs(route, sample))))
    return found


@pytest.mark.parametrize("member", ["office", "liaison_a"])
def test_every_page_lights_exactly_one_navigation_entry(cast, member):
    client = Client()
    client.force_login(cast.members[member])
    problems = []
    for name, url in _pages(cast):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        lit = _active(response.content.decode())
        expected = 0 if name in NO_SECTION or name.startswith(PUBLIC_PREFIXES) or (member != "office" and name in OFFICE_SECTION) else 1
        if len(lit) != expected:
            problems.append(f"{name} {url}: {lit}")
    assert problems == [], "\n".join(problems)
