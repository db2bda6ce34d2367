"""Accessibility: axe-core (bundled in tests/browser/vendor/axe-core) over every page of the permission-matrix walk.

Every GET page of `config.urls` (routes and url samples of tests/test_permission_matrix.py) that answers
an HTML page is opened in Chromium as the office, as a department liaison and signed out, when they may
open it, and otherwise as the first cast member who may. axe runs the WCAG 2.0/2.1 A and AA rules
(labels, contrast, landmarks, names of links and buttons, keyboard-reachable scroll areas…); any
violation of impact "serious" or "critical" fails, listed with the page, the rule and the elements.
Moderate and minor findings are not part of the bar the issue sets (WCAG 2.1 AA, no serious or critical).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from qualitygov.accounts.testing import Cast, build_cast
from tests.test_permission_matrix import MEMBERS, ROUTES, may_use, owner_of, prepare
from tests.urlwalk import FRAGMENTS

from .conftest import DESKTOP

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
#: Who looks at each page: these when they may, else the first member who may.
VIEWERS = ("office", "liaison_a", "anonymous")
PAGE_ROUTES = [route for route in ROUTES if not route.is_api and route.accepts("get") and route.name not in FRAGMENTS]



@pytest.fixture
def cast(transactional_db) -> Cast:
    """The permission matrix's cast, with `office_dept` (an office admin granted on one department)."""
    return build_cast(scoped_office=True)


RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def _pages(cast) -> dict[str, list[str]]:
    """member → the walk's URLs that answer that member with an HTML page."""
    plan: dict[str, list[str]] = {}
    for route in PAGE_ROUTES:
        case = prepare(route, cast)
        owner_unit, owner_action, owner_user = owner_of(case, cast)
        allowed = [m for m in MEMBERS if may_use(case.rule, cast.members[m], owner_unit, owner_action, owner_user)]
        members = [m for m in VIEWERS if m in allowed] or allowed[:1]
        for member in members:
            client = Client()
            if cast.members[member] is not None:
                client.force_login(cast.members[member])
            response = client.get(case.url)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                plan.setdefault(member, []).append(case.url)
    return plan


def _context_as(browser, live_server, cast, member: str):
    """A browser context signed in as `member` (the session cookie of a forced login), CSP bypassed so
    that the test can inject axe; the pages themselves are unchanged."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="zh-CN", bypass_csp=True)
    context.set_default_timeout(15_000)
    user = cast.members[member]
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
    return context


def test_no_serious_or_critical_violation_on_any_page(browser, live_server, cast):
    source = AXE.read_text(encoding="utf-8")
    plan = _pages(cast)
    assert sum(len(urls) for urls in plan.values()) >= 60, plan
    problems: list[str] = []
    for member, urls in plan.items():
        context = _context_as(browser, live_server, cast, member)
        page = context.new_page()
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.add_script_tag(content=source)
            for v in page.evaluate(RUN_AXE, WCAG_AA):
                if v["impact"] in BLOCKING:
                    problems.append(f"{member} {url}: [{v['impact']}] {v['id']} — {v['help']} — {v['nodes']}")
        context.close()
    assert problems == [], f"{len(problems)} serious or critical axe violations:\n" + "\n".join(problems)


def test_the_keyboard_reaches_the_skip_link_first_and_it_moves_to_the_content(browser, live_server, cast):
    context = _context_as(browser, live_server, cast, "liaison_a")
    page = context.new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.getAttribute('href')]")
    assert focused == ["A", "#main"]
    assert page.evaluate("() => getComputedStyle(document.activeElement).position") != "absolute"  # shown on focus
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    context.close()
