"""The work item list pages and sorts in the browser, and the top bar's search box finds across apps,
each within the signed-in user's scope."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from qualitygov.progress.tests.factories import make_item, make_task

from .conftest import DESKTOP


def _items(cast) -> None:
    """55 items led by 区经信局 (事项00–事项54) and one led by 沈家门街道 alone."""
    task = make_task(cast, title="推动产业质量升级")
    for i in range(55):
        make_item(cast, task, title=f"事项{i:02d}", co=[cast.dept_b], deadline=dt.date(2026, 6, 1) + dt.timedelta(days=i))
    make_item(cast, task, title="街道专属事项", lead=cast.town, co=[])


def test_work_items_page_and_sort_in_the_browser(cast, new_page, sign_in):
    _items(cast)
    page = new_page(DESKTOP)
    sign_in(page, "liaison_a")
    page.goto("/progress/items/")
    expect(page.get_by_test_id("pager-text")).to_have_text("第 1/2 页 共 55 条")
    expect(page.get_by_test_id("work-item-row")).to_have_count(50)
    page.get_by_test_id("pager-next").click()
    expect(page.get_by_test_id("pager-text")).to_have_text("第 2/2 页 共 55 条")
    expect(page.get_by_test_id("work-item-row")).to_have_count(5)
    page.get_by_role("link", name="完成时限", exact=True).click()  # ascending…
    page.wait_for_url("**sort=deadline")
    page.get_by_role("link", name="完成时限", exact=True).click()  # …then descending
    page.wait_for_url("**sort=-deadline")
    expect(page.get_by_test_id("work-item-row").first).to_contain_text("事项54")


def test_the_search_box_finds_within_scope(cast, new_page, sign_in):
    _items(cast)
    page = new_page(DESKTOP)
    sign_in(page, "office")
    page.get_by_test_id("search-box").locator("input").fill("专属")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("search-group-work_items")).to_contain_text("街道专属事项")

    liaison = new_page(DESKTOP)
    sign_in(liaison, "liaison_a")
    liaison.get_by_test_id("search-box").locator("input").fill("专属")
    liaison.keyboard.press("Enter")
    expect(liaison.get_by_test_id("empty")).to_be_visible()
    expect(liaison.get_by_test_id("search-hit")).to_have_count(0)
