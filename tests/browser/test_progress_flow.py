"""A co unit files its part, the lead unit consolidates and submits, the office approves, the board's light changes."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory
from qualitygov.progress.models import ProgressReport, ReportPart
from qualitygov.progress.services import cycle_create, cycle_open, lights_recompute, work_item_create


def _setup(cast):
    """Task 1 led by 区经信局 with 区住建局 co-operating; one item halfway through its span; the cycle opened."""
    today = timezone.localdate()
    plan = plan_factory()
    group = group_factory(plan=plan, number="一", title="增强发展动能")
    task = task_factory(plan=plan, group=group, title="坚持质量发展创新驱动", lead=[cast.dept_a], co=[cast.dept_b])
    item = work_item_create(actor=cast.office, task=task, lead_unit=cast.dept_a, title="建成数字化车间10个",
                            start_date=today - dt.timedelta(days=100), deadline=today + dt.timedelta(days=100),
                            co_units=[cast.dept_b])
    cycle = cycle_create(actor=cast.office, plan=plan, frequency="monthly", period_start=today.replace(day=1),
                         period_end=today + dt.timedelta(days=5), due_date=today + dt.timedelta(days=5), label="本月")
    cycle_open(actor=cast.office, cycle=cycle)
    lights_recompute(on=today)
    report = ProgressReport.objects.get(work_item=item)
    return plan, report, ReportPart.objects.get(report=report)


def _board_cell(page, plan, unit):
    page.goto(reverse("progress:board") + f"?plan={plan.pk}")
    row = page.get_by_test_id("board-row").first
    index = page.locator("thead th[data-unit]").evaluate_all(
        f"(ths) => ths.findIndex(th => th.dataset.unit === '{unit.pk}')")
    return row.locator("td.text-center").nth(index)


def test_co_unit_files_lead_consolidates_office_approves_and_the_light_turns_green(new_page, sign_in, cast):
    plan, report, _part = _setup(cast)

    office = new_page()
    sign_in(office, "office")
    expect(_board_cell(office, plan, cast.dept_a)).to_have_attribute("data-light", "grey")
    expect(office.get_by_test_id("task-light")).to_have_attribute("data-light", "grey")

    co = new_page()
    sign_in(co, "liaison_b")
    co.goto(reverse("progress:inbox"))
    co.get_by_test_id("inbox-due").get_by_role("link", name="本月 · 建成数字化车间10个").click()
    co.get_by_label("已完成工作").fill("配合完成企业走访12家。")
    co.get_by_label("下步计划").fill("继续走访。")
    co.get_by_test_id("submit-part").click()
    expect(co.get_by_role("alert").filter(has_text="分报已报送牵头单位。")).to_be_visible()
    expect(co.get_by_test_id("part-status")).to_have_text("已报送")

    lead = new_page()
    sign_in(lead, "liaison_a")
    lead.goto(reverse("progress:inbox"))
    expect(lead.get_by_test_id("inbox-review")).to_contain_text("区住建局 已报送分报")
    lead.get_by_test_id("inbox-due").get_by_role("link", name="本月 · 建成数字化车间10个").click()
    expect(lead.get_by_test_id("part")).to_contain_text("配合完成企业走访12家。")
    lead.get_by_label("完成进度（%）").fill("52")
    lead.get_by_label("已完成工作").fill("已建成5个车间，区住建局完成企业走访12家。")
    lead.get_by_test_id("submit-report").click()
    expect(lead.get_by_role("alert").filter(has_text="报告已提交质量强区办。")).to_be_visible()
    expect(lead.get_by_test_id("report-status")).to_have_text("已报送")

    office.goto(reverse("progress:inbox"))
    office.get_by_test_id("inbox-review").get_by_role("link", name="本月 · 建成数字化车间10个").click()
    expect(office.get_by_test_id("report-progress")).to_have_text("52.00")
    office.get_by_test_id("approve-report").click()
    expect(office.get_by_role("alert").filter(has_text="报告已审核通过。")).to_be_visible()
    expect(office.get_by_test_id("report-status")).to_have_text("已审核")

    cell = _board_cell(office, plan, cast.dept_a)
    expect(cell).to_have_attribute("data-light", "green")
    expect(_board_cell(office, plan, cast.dept_b)).to_have_attribute("data-light", "green")
    expect(office.get_by_test_id("task-light")).to_have_attribute("data-light", "green")
    report.refresh_from_db()
    assert (report.status, str(report.progress_pct)) == ("approved", "52.00")
