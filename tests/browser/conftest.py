"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work on these machines, so the tests need
/usr/bin/chromium (`apt-get install -y chromium`); without it they fail with that instruction
instead of being skipped. A failed test leaves a screenshot in var/test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from qualitygov.accounts.testing import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"The browser tests need Debian's Chromium at {CHROMIUM}: run `apt-get install -y chromium` "
                    "(or `make browser-deps` as root). Playwright's bundled browsers are not used.", pytrace=False)
    # The sync API runs an event loop in this thread; the ORM calls the tests make between browser
    # steps (building the cast, looking up URLs) are still synchronous and safe.
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(request, browser, live_server) -> Iterator[Callable]:
    """`new_page(viewport=DESKTOP)` → a page in a fresh browser context pointed at the live server."""
    contexts = []

    def make(viewport: dict[str, int] = DESKTOP, *, touch: bool = False):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="zh-CN",
                                      has_touch=touch, is_mobile=touch)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is None or report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{stem}-{n}{m}.png"), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(cast):
    """`sign_in(page, "liaison_a")`: fill in the sign-in form as that cast member and land on the home page."""

    def do(page, member: str) -> None:
        page.goto(reverse("accounts:login"))
        page.fill("#id_username", cast.members[member].username)
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(re.escape(reverse("core:home")) + "$"))

    return do
