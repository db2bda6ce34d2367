"""帮助: every page of the permission-matrix walk links to its section of the user guide, served at /help/."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from qualitygov.accounts.testing import Cast, build_cast
from qualitygov.core.access import PUBLIC
from qualitygov.core.help import guide_html, help_anchor

from .test_permission_matrix import MEMBERS, ROUTES, _route_id, client_as, may_use, owner_of, prepare
from .urlwalk import FRAGMENTS

PAGE_ROUTES = [route for route in ROUTES if not route.is_api and route.accepts("get")]
HELP_LINK = re.compile(r'<a\b[^>]*\bhref="(/help/#[^"]*)"[^>]*data-testid="help-link"')


@pytest.fixture
def cast(db) -> Cast:
    return build_cast(scoped_office=True)


def _anchors() -> set[str]:
    rendered = guide_html()
    assert rendered is not None, "docs/user-guide.md is missing"
    return set(rendered[1])


@pytest.mark.parametrize("route", [r for r in PAGE_ROUTES if r.name not in FRAGMENTS], ids=_route_id)
def test_every_page_links_to_its_section_of_the_guide(route, cast):
    """As the first member who may open the page (anonymous for public pages): one 帮助 link, to an anchor
    the guide has, the one `help_anchor` maps the page's URL name to."""
    case = prepare(route, cast)
    owner_unit, owner_action, owner_user = owner_of(case, cast)
    member = "anonymous" if case.rule == PUBLIC else next(
        (m for m in MEMBERS if may_use(case.rule, cast.members[m], owner_unit, owner_action, owner_user)), None)
    assert member is not None
    response = client_as(cast, member).get(case.url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return  # downloads, redirects and JSON have no page to link from
    links = HELP_LINK.findall(response.content.decode())
    assert len(links) == 1, f"{case.url} as {member}: 帮助 links {links}"
    anchor = links[0].split("#", 1)[1]
    assert anchor == help_anchor(route.name)
    assert anchor in _anchors(), f"{case.url}: the guide has no section #{anchor}"


def test_the_mapping_names_only_sections_the_guide_has():
    from qualitygov.core.help import HELP_SECTIONS

    assert set(HELP_SECTIONS.values()) - _anchors() == set()
    assert (help_anchor("progress:finding_list"), help_anchor("indicators:excel_upload"),
            help_anchor("accounts:two_step"), help_anchor("accounts:user_list"), help_anchor("nothing")) == (
        "progress", "liaisons", "sign-in", "org-users", "top")


def test_the_guide_is_served_with_an_anchor_per_section(client, db):
    response = client.get(reverse("core:help"))
    assert response.status_code == 200
    html = response.content.decode()
    ids = re.findall(r'<h[1-6] id="([^"]+)">', html)
    assert ids == ["top", "office", "org-users", "plan-import", "indicators", "computed-indicators", "progress", "audit", "calendar",
                   "leadership", "summaries", "workplans", "assessment", "assessment-rounds", "assessment-inputs",
                   "upper-assessment", "jobs", "search", "upper-reports", "feeds", "registry", "sampling", "registers", "onestop",
                   "regulatory-dashboard", "public-disclosure", "liaisons", "pdf", "leaders", "api", "sign-in", "notifications",
                   "notification-settings", "robots", "open-data"]
    assert '<h2 id="leaders">三、领导</h2>' in html and "{#" not in html
    # A line break inside a Chinese paragraph is no space.
    assert "所有页面只显示当前用户权限范围内的单位和数据" in html


def test_the_guide_is_rendered_as_text_not_markup(client, db, settings, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text('## 说明 {#intro}\n<script>alert(1)</script> <img src=x onerror="alert(2)">\n\n'
                     "[链接](javascript:alert(3))\n", encoding="utf-8")
    settings.QUALITYGOV_USER_GUIDE = guide
    html = client.get(reverse("core:help")).content.decode()
    assert '<h2 id="intro">说明</h2>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    assert 'href="javascript' not in html and "<p>[链接](javascript:alert(3))</p>" in html


def test_no_guide_installed_answers_404(client, db, settings, tmp_path):
    settings.QUALITYGOV_USER_GUIDE = tmp_path / "absent.md"
    assert client.get(reverse("core:help")).status_code == 404
