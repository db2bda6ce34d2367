"""The API docs page (Redoc) asks no other host for anything, reads in Chinese and leads back to the platform."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect


def test_the_api_docs_load_from_this_server_alone_and_lead_back(new_page, sign_in, live_server):
    page = new_page()
    sign_in(page, "office")
    elsewhere: list[str] = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "blob:", "data:")) else None)
    page.goto(reverse("api-docs"))
    container = page.locator("#redoc-container")
    expect(container.locator("h1")).to_have_text("质量强区数字治理平台接口 (1.0.0)", timeout=60_000)
    expect(container).to_contain_text("每个列表只返回调用者有权查看的单位和记录")
    page.wait_for_load_state("networkidle")
    assert elsewhere == []
    # Redoc's vendor attribution (a link elsewhere, with a logo from a CDN) is not shown, and its image never loads.
    expect(container.locator('a[href^="https://redocly.com"]')).to_be_hidden()
    assert page.evaluate("() => [...document.images].filter(i => i.src && !i.src.startsWith(location.origin)"
                         " && !i.src.startsWith('data:')).length") == 0

    expect(page.get_by_test_id("help-link")).to_have_attribute("href", "/help/#api")
    page.get_by_test_id("back-to-app").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + "/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
