"""Daily use in Chromium (issue 10): one navigation entry lit per page, an inbox whose count is what it
lists (indicator values included), a board whose last tasks are reached by scrolling the page, that
tells a keyboard why a cell has its light and that reads as a list on a phone, and an indicator list
readable at phone width."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from qualitygov.indicators.models import IndicatorResponsibility
from qualitygov.indicators.services import observation_save_draft, observation_submit, periods_generate
from qualitygov.indicators.tests.engine_helpers import quarterly_indicator
from qualitygov.plans.tests.factories import indicator_factory, plan_factory, task_factory
from qualitygov.progress.services import lights_recompute, work_item_create, work_item_propose

from .conftest import DESKTOP, PHONE


def _board_plan(cast, tasks: int = 20):
    """`tasks` tasks, each with one item of 区经信局 and one of 沈家门街道; odd tasks far behind for the town."""
    today = timezone.localdate()
    plan = plan_factory()
    span = {"start_date": today - dt.timedelta(days=100), "deadline": today + dt.timedelta(days=100)}
    for n in range(1, tasks + 1):
        task = task_factory(plan=plan, title=f"第{n}项重点任务", lead=[cast.dept_a], co=[cast.town])
        for unit, pct in ((cast.dept_a, 55), (cast.town, 5 if n % 2 else 60)):
            item = work_item_create(actor=cast.office, task=task, lead_unit=unit, title=f"任务{n}事项", **span)
            type(item).objects.filter(pk=item.pk).update(progress_pct=pct)
    lights_recompute(on=today)
    return plan


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_each_progress_page_lights_exactly_one_navigation_entry(new_page, sign_in):
    page = new_page(DESKTOP)
    sign_in(page, "office")
    for name, label in [("progress:inbox", "待办"), ("progress:board", "推进看板"),
                        ("progress:work_item_list", "推进看板"), ("progress:supervised_list", "推进看板"),
                        ("progress:extension_list", "待办"), ("progress:finding_list", "整改台账")]:
        page.goto(reverse(name))
        lit = page.locator("#nav a.nav-link.active")
        expect(lit).to_have_count(1)
        expect(lit).to_have_text(label)
    page.goto(reverse("progress:finding_list"))
    expect(page.locator("h1")).to_have_text("整改台账")


def test_the_inbox_counts_the_lines_it_lists_with_indicator_values_to_review(new_page, sign_in, cast):
    today = timezone.localdate()
    task = task_factory(plan=plan_factory(), title="推动产业质量升级", lead=[cast.dept_a])
    work_item_propose(actor=cast.liaison_a, task=task, lead_unit=cast.dept_a, title="建设智能工厂3家",
                      start_date=today, deadline=today + dt.timedelta(days=90))
    indicator = quarterly_indicator(cast)
    periods_generate(indicator=indicator, until=dt.date(2023, 12, 31))
    draft = observation_save_draft(actor=cast.liaison_a, period=indicator.periods.get(label="2023-Q1"),
                                   unit=cast.dept_a, value="96.5")
    observation_submit(actor=cast.liaison_a, observation=draft)

    page = new_page(DESKTOP)
    sign_in(page, "office")
    page.locator("#nav a.nav-link", has_text="待办").click()
    lines = page.get_by_test_id("inbox-item")
    expect(lines).to_have_count(2)
    expect(page.get_by_test_id("inbox-total")).to_have_text("您有 2 项待办。")
    expect(page.get_by_test_id("inbox-review")).to_contain_text("Q1 Q1 抽检合格率 · 2023-Q1")
    page.get_by_test_id("inbox-review").get_by_role("link", name="Q1 Q1 抽检合格率 · 2023-Q1").click()
    expect(page.locator("h1")).to_contain_text("抽检合格率")


def test_the_board_has_no_inner_scroll_area_and_shows_why_as_text(new_page, sign_in, cast):
    plan = _board_plan(cast)
    page = new_page(DESKTOP)
    sign_in(page, "office")
    page.goto(reverse("progress:board") + f"?plan={plan.pk}")
    rows = page.get_by_test_id("board-row")
    expect(rows).to_have_count(20)
    wrapper = page.locator(".table-responsive").filter(has=page.get_by_test_id("board"))
    assert wrapper.evaluate("el => getComputedStyle(el).maxHeight") == "none"
    assert wrapper.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # nothing hides inside it
    last = rows.nth(19)
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    expect(last.get_by_test_id("task-reason")).to_be_visible()
    expect(last.get_by_test_id("task-spread")).to_have_text("（绿灯2）")
    expect(rows.nth(0).get_by_test_id("task-spread")).to_have_text("（红灯1/绿灯1）")
    expect(page.get_by_test_id("count-red")).to_have_text("10")


def test_a_keyboard_reaches_a_red_cell_and_reads_why_without_hovering(new_page, sign_in, cast):
    plan = _board_plan(cast, tasks=2)
    page = new_page(DESKTOP)
    sign_in(page, "office")
    page.goto(reverse("progress:board") + f"?plan={plan.pk}")
    why = page.get_by_test_id("board-why")
    expect(why).to_have_text("点击有颜色的单元格，或用 Tab 键移到该单元格，即可在此看到它亮此灯的原因。")
    first = page.get_by_test_id("board-row").first
    first.get_by_role("link").focus()
    page.keyboard.press("Tab")  # 区经信局's cell, then 沈家门街道's (far behind: red)
    expect(page.locator("button.board-cell:focus")).to_have_accessible_name(
        "区经信局：绿灯，1 项工作事项（牵头 1 项），最差一项：符合序时进度")
    page.keyboard.press("Tab")
    red = first.locator('td[data-light="red"] button.board-cell')
    expect(red).to_be_focused()
    reason = "沈家门街道：红灯，1 项工作事项（牵头 1 项），最差一项：严重落后于序时进度"
    expect(red).to_have_accessible_name(reason)
    expect(why).to_have_text(reason)
    expect(why).to_be_in_viewport()


def test_a_town_liaison_on_a_phone_reads_its_own_column_as_a_list(new_page, sign_in, cast):
    plan = _board_plan(cast, tasks=6)
    page = new_page(PHONE, touch=True)
    sign_in(page, "town_liaison")
    page.goto(reverse("progress:board") + f"?plan={plan.pk}")
    expect(page.get_by_test_id("board")).to_be_hidden()
    items = page.get_by_test_id("board-list-row")
    expect(items).to_have_count(6)
    expect(items.first).to_contain_text("本单位灯：红灯")
    expect(items.nth(1)).to_contain_text("本单位灯：绿灯")
    expect(items.first.get_by_test_id("own-reason")).to_have_text(
        "沈家门街道：红灯，1 项工作事项（牵头 1 项），最差一项：严重落后于序时进度")
    # Its own column counted, not the district's task lights.
    expect(page.get_by_test_id("board-counts")).to_contain_text("按沈家门街道亮灯统计任务：")
    expect(page.get_by_test_id("count-red")).to_have_text("3")
    expect(page.get_by_test_id("count-green")).to_have_text("3")
    assert _no_horizontal_scroll(page)


def test_the_indicator_list_is_readable_at_phone_width(new_page, sign_in, cast):
    plan = plan_factory()
    for code, name in [("I01", "规上工业增加值占全区生产总值比重"), ("I02", "规上制造业企业研发经费占营业收入比重")]:
        indicator = indicator_factory(plan=plan, code=code, name=name, comparator=">=", value="17", unit="%")
        IndicatorResponsibility.objects.create(indicator=indicator, unit=cast.dept_a, role="lead")
    page = new_page(PHONE, touch=True)
    sign_in(page, "office")
    page.goto(reverse("indicators:dashboard"))
    row = page.get_by_test_id("indicator-row").first
    name = row.locator("td").nth(1)
    # The name has a line of its own: 16 characters fit on one or two lines, not one line per 3–4 characters.
    height = name.evaluate("el => el.getBoundingClientRect().height")
    line = name.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 24")
    assert height <= 2.5 * line, (height, line)
    light = row.locator("td").nth(4)
    box = light.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    expect(light.locator(".light")).to_be_in_viewport()
    assert _no_horizontal_scroll(page)
