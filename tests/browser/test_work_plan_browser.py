"""The office imports a 工作要点 (an .xlsx with merged cells and one unknown unit), fixes the review,
assigns a key point, issues the work plan; a liaison then finds the key points in their inbox."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from qualitygov.progress.models import WorkItem
from qualitygov.workplans.models import KeyPoint, WorkPlan
from qualitygov.workplans.tests.factories import make_plan, merged_xlsx


def test_office_imports_assigns_and_issues_a_liaison_sees_the_items(new_page, sign_in, cast, tmp_path):
    plan = make_plan(cast)
    upload = tmp_path / "2026年工作要点.xlsx"
    upload.write_bytes(merged_xlsx())
    page = new_page()
    sign_in(page, "office")

    page.goto(reverse("workplans:list"))
    expect(page.get_by_test_id("work-plans-empty")).to_be_visible()
    page.get_by_test_id("import-new").click()
    page.wait_for_url(re.compile(re.escape(reverse("workplans:import_upload")) + "$"))
    form = page.get_by_test_id("upload-form")
    form.locator("input[name=year]").fill("2026")
    form.locator("input[type=file]").set_input_files(str(upload))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/workplans/import/\d+/$"))
    expect(page.get_by_test_id("review-point")).to_have_count(4)
    expect(page.get_by_test_id("review-counts")).to_contain_text("2 个问题待处理")
    expect(page.get_by_test_id("unknown-unit")).to_have_text(re.compile(r"区火星局"))

    # Confirming with problems left is refused; nothing is written.
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("review-error")).to_contain_text("请先处理列出的 2 个问题")
    assert not WorkPlan.objects.exists()

    # 区火星局 is the subdistrict; key point 3 serves task 1.
    page.get_by_test_id("unknown-unit").locator("select").select_option(label="沈家门街道")
    page.get_by_test_id("review-point").nth(2).locator("select").select_option(label="1. 坚持质量发展创新驱动")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(re.compile(r"/workplans/\d+/$"))
    work_plan = WorkPlan.objects.get()
    expect(page.get_by_test_id("work-plan-title")).to_have_text("区质量强区工作领导小组办公室2026年工作要点")
    expect(page.get_by_test_id("key-point")).to_have_count(4)

    # Assign key point 4: 区经信局 co-operates with 区住建局.
    page.get_by_test_id("key-point").nth(3).get_by_test_id("key-point-edit").click()
    page.wait_for_url(re.compile(r"/workplans/key-points/\d+/edit/$"))
    page.locator("select[name=co_units]").select_option(label="区经信局")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(reverse("workplans:detail", args=[work_plan.pk])) + "$"))
    assert list(KeyPoint.objects.get(number=4).co_units.all()) == [cast.dept_a]

    page.get_by_test_id("publish").click()
    page.wait_for_url(re.compile(re.escape(reverse("workplans:detail", args=[work_plan.pk])) + "$"))
    expect(page.get_by_test_id("work-plan-status")).to_contain_text("已下达")
    assert WorkItem.objects.filter(key_point__work_plan=work_plan, status="active").count() == 4

    # The 区经信局 liaison leads 1–3 and co-operates on 4: all four wait in the inbox.
    liaison = new_page()
    sign_in(liaison, "liaison_a")
    liaison.goto(reverse("progress:inbox"))
    items = liaison.get_by_test_id("inbox-due").get_by_test_id("inbox-item")
    expect(items).to_have_count(4)
    expect(items.filter(has_text="2026年工作要点第1项 · 在规上工业企业全面推行首席质量官制度")).to_have_count(1)
    expect(items.filter(has_text="2026年工作要点第4项 · 开展在建工程质量安全专项检查")).to_contain_text("牵头单位 区住建局")
    items.filter(has_text="第1项").get_by_role("link").click()
    item = KeyPoint.objects.get(number=1).work_item
    liaison.wait_for_url(re.compile(re.escape(reverse("progress:work_item_detail", args=[item.pk])) + "$"))
    assert plan.pk == work_plan.plan_id
