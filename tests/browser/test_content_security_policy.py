"""Pages run under the Content-Security-Policy without a single violation: charts, htmx, the language switch, API docs."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from qualitygov.indicators.tests.url_samples import world


def _watch(page) -> list[str]:
    """Console messages and page errors that mention the policy (Chromium logs every refusal)."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return seen


def _nav_pages(page) -> list[str]:
    # The bar's own entries and those under 更多 (visited by address, the menu need not be open).
    links = page.locator("#nav .navbar-nav.me-auto a.nav-link, #nav .navbar-nav.me-auto a.dropdown-item")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def _visit_all(page, hrefs) -> None:
    for href in hrefs:
        response = page.goto(href)
        assert response.status == 200, href
        assert "script-src 'self'" in response.headers["content-security-policy"], href
        page.wait_for_load_state("networkidle")


def test_office_pages_chart_htmx_and_api_docs_raise_no_violation(cast, new_page, sign_in):
    a1 = world(cast).a1
    page = new_page()
    violations = _watch(page)
    sign_in(page, "office")
    _visit_all(page, [*_nav_pages(page), reverse("indicators:indicator_detail", args=[a1.pk])])

    page.goto(reverse("indicators:indicator_detail", args=[a1.pk]))
    expect(page.locator("#indicator-chart canvas")).to_have_count(1)  # ECharts drew the chart

    page.goto(reverse("audit:list"))
    page.get_by_test_id("audit-verify").click()  # htmx posts and swaps the result in
    expect(page.get_by_test_id("audit-chain-result")).to_have_attribute("data-ok", "true")

    page.goto(reverse("api-docs"))
    expect(page.locator("#redoc-container")).to_contain_text("质量强区数字治理平台接口", timeout=60_000)  # Redoc started from the static file
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_liaison_pages_and_the_language_switch_raise_no_violation(cast, new_page, sign_in):
    a1 = world(cast).a1
    page = new_page()
    violations = _watch(page)
    sign_in(page, "liaison_a")
    _visit_all(page, [*_nav_pages(page), reverse("indicators:indicator_detail", args=[a1.pk])])
    expect(page.locator("#indicator-chart canvas")).to_have_count(1)

    page.select_option("#language", "en")  # submits through core/site.js, not an inline handler
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []
