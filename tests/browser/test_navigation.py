"""The navigation bar is usable on a 1366×768 office screen and on a 390×844 phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE


def _nav_links(page):
    return page.locator("#nav .navbar-nav.me-auto a.nav-link")


def _last_page_link(links):
    """The last entry leading to one of our pages (the API docs page has a layout of its own)."""
    for i in reversed(range(links.count())):
        if not links.nth(i).get_attribute("href").startswith("/api/"):
            return links.nth(i)
    raise AssertionError("no navigation entry leads to a page")


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_navigation_at_1366x768(new_page, sign_in):
    page = new_page(DESKTOP)
    sign_in(page, "office")
    expect(page.locator(".navbar-toggler")).to_be_hidden()
    links = _nav_links(page)
    assert links.count() >= 1
    for i in range(links.count()):
        expect(links.nth(i)).to_be_visible()
    expect(page.get_by_test_id("logout")).to_be_visible()
    assert _no_horizontal_scroll(page)

    last = _last_page_link(links)
    href = last.get_attribute("href")
    last.click()
    page.wait_for_url(re.compile(re.escape(href)))
    assert _no_horizontal_scroll(page)


def test_navigation_on_a_phone_uses_the_toggler(new_page, sign_in):
    page = new_page(PHONE, touch=True)
    sign_in(page, "liaison_a")
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    links = _nav_links(page)
    assert links.count() >= 1
    expect(links.first).to_be_hidden()
    assert _no_horizontal_scroll(page)

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    # Bootstrap sets "show" when the opening animation ends; a click during it may land on a moving link.
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    for i in range(links.count()):
        expect(links.nth(i)).to_be_visible()
    expect(page.get_by_test_id("logout")).to_be_visible()

    last = _last_page_link(links)
    href = last.get_attribute("href")
    last.click()
    page.wait_for_url(re.compile(re.escape(href)))
    expect(page.locator(".navbar-toggler")).to_be_visible()
    assert _no_horizontal_scroll(page)
