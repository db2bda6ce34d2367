"""A visitor on a phone (375 px wide, touch) opens the public site without signing in, goes to a published
indicator, sees its chart and its table (the same figures) and downloads its CSV; nothing unpublished is on
the way."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from qualitygov.portal.tests.world import SECRET_STRINGS, build_world

PHONE_375 = {"width": 375, "height": 812}


def test_phone_visitor_opens_an_indicator_and_downloads_its_csv(new_page, cast):
    world = build_world(cast)
    item = world.items["p1"]
    page = new_page(PHONE_375, touch=True)
    page.goto("/public/", timeout=90_000)  # the first request of the live server loads every URLconf
    expect(page.get_by_test_id("public-district")).to_have_text("舟山市普陀区")
    body = page.locator("body").inner_text()
    for secret in SECRET_STRINGS:
        assert secret not in body
    # Nothing is wider than the phone: no sideways scrolling of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("link", name="P1 产品质量监督抽查合格率").first.click()
    page.wait_for_url(f"**/public/p/{item.slug}/")
    expect(page.get_by_test_id("latest-value")).to_have_text("96.25")
    expect(page.locator("#indicator-chart canvas")).to_have_count(1)  # the chart drew
    rows = page.get_by_test_id("values-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("95.5")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    with page.expect_download() as info:
        page.get_by_test_id("download-csv").tap()
    download = info.value
    assert download.suggested_filename == f"{item.slug}.csv"
    content = open(download.path(), encoding="utf-8-sig").read()
    table = list(csv.reader(io.StringIO(content)))
    assert [row[2] for row in table[1:]] == ["2026-Q1", "2026-Q2"]
    assert [row[5] for row in table[1:]] == ["95.5", "96.25"]


def test_public_pages_pass_axe_at_phone_and_desktop_widths(browser, live_server, cast):
    """WCAG 2.1 AA (axe, no serious or critical violation) on every kind of public page, signed out, at 375 px
    and on a desktop; and the office's disclosure pages."""
    from django.test import Client

    from tests.browser.conftest import DESKTOP
    from tests.browser.test_accessibility import AXE, BLOCKING, RUN_AXE, WCAG_AA

    world = build_world(cast)
    slug = world.items["p1"].slug
    public = ["/public/", "/public/changes/", "/public/k/indicator/", "/public/k/taskgroup/", "/public/k/bulletin/",
              f"/public/p/{slug}/", f"/public/p/{slug}/v1/", f"/public/p/{world.items['group'].slug}/",
              f"/public/p/{world.items['bulletin'].slug}/", f"/public/p/{world.items['plan'].slug}/"]
    office = ["/disclosure/", f"/disclosure/items/{world.items['p1'].pk}/", "/disclosure/publishable/indicator/",
              "/disclosure/rules/", "/disclosure/rules/new/", "/disclosure/masking/"]
    source = AXE.read_text(encoding="utf-8")
    problems: list[str] = []
    client = Client()
    client.force_login(cast.office)
    for viewport, urls, signed_in in ((PHONE_375, public, False), (DESKTOP, public, False), (DESKTOP, office, True)):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="zh-CN", bypass_csp=True)
        context.set_default_timeout(90_000)
        if signed_in:
            context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                  "url": live_server.url}])
        page = context.new_page()
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.add_script_tag(content=source)
            for v in page.evaluate(RUN_AXE, WCAG_AA):
                if v["impact"] in BLOCKING:
                    problems.append(f"{viewport['width']} {url}: [{v['impact']}] {v['id']} — {v['help']} — {v['nodes']}")
        context.close()
    assert problems == [], "\n".join(problems)
