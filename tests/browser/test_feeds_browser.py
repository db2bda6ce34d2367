"""The office checks a 12315 export with a bad row (errors by row and column, nothing imported), discards
it, uploads the corrected export, confirms it and sees the import result and the figures by row; then opens
the own indicator computed from the 12315 figures, sees the new value, unfolds its provenance and follows it
to the file's page with the rows behind the value marked."""

from __future__ import annotations

import re
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from qualitygov.feeds.models import FeedFile, FeedSource, Figure
from qualitygov.feeds.sheets import xlsx_bytes
from qualitygov.indicators.models import Observation
from qualitygov.indicators.services import indicator_create
from qualitygov.plans.tests.factories import plan_factory


def _export(accepted) -> bytes:
    rows = [["普陀区12315投诉举报统计月报"], ["统计期间：2026年1月"],
            ["镇街", "类别", "受理量（件）", "按时办结率", "调解成功率", "投诉公示率"],
            ["沈家门街道", "食品", accepted, "100%", "90%", "100%"],
            [None, "日用消费品", 20, "95%", "85%", "100%"],
            ["合计", None, 30, None, None, None]]
    return xlsx_bytes(rows, merges=["A1:F1", "A2:F2", "A4:A5"])


def test_office_dry_runs_and_imports_a_12315_file(new_page, sign_in, cast, tmp_path):
    # The shipped source rows come from a data migration; a browser test before this one on the same
    # worker flushed every table (live-server tests are transactional), so write the row back.
    FeedSource.objects.get_or_create(key="c12315", defaults={"label": "12315投诉举报月度统计"})
    bad = tmp_path / "12315-2026年1月.xlsx"
    bad.write_bytes(_export("十"))
    good = tmp_path / "12315-2026年1月（修正）.xlsx"
    good.write_bytes(_export(10))
    # The office's own indicator over the 12315 figures, computed quarterly by formula.
    indicator = indicator_create(actor=cast.office, plan=plan_factory(), name="12315按时办结率", unit="%",
                                 comparator=">=", baseline_year=2025, baseline_value="95", frequency="quarterly",
                                 data_source="computed", formula="feeds.c12315.ontime_rate", targets={2026: "98"},
                                 units=[(cast.dept_a, "lead")])
    page = new_page()
    sign_in(page, "office")

    page.goto(reverse("feeds:sources"))
    page.get_by_test_id("upload-c12315").click()
    page.wait_for_url(re.compile(r"/feeds/sources/c12315/upload/$"))
    page.get_by_test_id("upload-form").locator("input[type=file]").set_input_files(str(bad))
    page.get_by_test_id("check").click()
    page.wait_for_url(re.compile(r"/feeds/files/\d+/$"))
    expect(page.get_by_test_id("error")).to_have_count(1)
    expect(page.get_by_test_id("error")).to_contain_text("C列（受理量（件））")
    expect(page.get_by_test_id("error")).to_contain_text("“十”不是数字")
    expect(page.get_by_test_id("confirm")).to_have_count(0)
    page.get_by_test_id("discard").click()
    page.wait_for_url(re.compile(r"/feeds/sources/c12315/$"))
    assert not Figure.objects.exists()

    page.get_by_test_id("upload").click()
    page.get_by_test_id("upload-form").locator("input[type=file]").set_input_files(str(good))
    page.get_by_test_id("check").click()
    page.wait_for_url(re.compile(r"/feeds/files/\d+/$"))
    expect(page.get_by_test_id("dry-run-ok")).to_contain_text("共读取2行")
    expect(page.get_by_test_id("dry-run-measure").first).to_contain_text("受理量")
    assert not Figure.objects.exists()  # the preview writes no figure
    page.get_by_test_id("confirm").click()
    page.wait_for_url(re.compile(r"/feeds/files/\d+/$"))
    expect(page.get_by_test_id("file-status")).to_have_attribute("data-status", "imported")
    expect(page.get_by_test_id("import-result")).to_contain_text("新增8项")
    expect(page.get_by_test_id("file-row")).to_have_count(2)
    expect(page.locator("#row-4")).to_contain_text("受理量 10")
    feed_file = FeedFile.objects.get(status="imported")
    assert Figure.objects.filter(file=feed_file, is_current=True).count() == 8

    page.goto(reverse("feeds:figures") + "?measure=c12315.accepted")
    expect(page.get_by_test_id("figure")).to_have_count(2)

    # The import recomputed the indicator: (100×10 + 95×20) / 30 = 96.67, waiting for review.
    obs = Observation.objects.get(indicator=indicator, period__label="2026-Q1")
    assert (obs.value, obs.status) == (Decimal("96.67"), "submitted")
    page.goto(reverse("indicators:indicator_detail", args=[indicator.pk]))
    row = page.get_by_test_id("periods").locator("tr", has_text="2026-Q1")
    expect(row).to_contain_text("96.67")
    provenance = row.get_by_test_id("provenance")
    expect(provenance).to_be_hidden()  # folded until asked for
    row.locator("summary", has_text="输入数据与来源").click()
    expect(provenance).to_be_visible()
    name = "12315-2026年1月（修正）.xlsx"
    expect(provenance).to_contain_text(f"12315按时办结率：{name}（第4～5行）")
    expect(provenance).to_contain_text(f"文件 {name}")
    expect(provenance).to_contain_text("行 4-5")
    provenance.get_by_role("link", name=f"12315按时办结率：{name}（第4～5行）").click()
    page.wait_for_url(re.compile(rf"/feeds/files/{feed_file.pk}/\?rows=4-5#row-4$"))
    expect(page.get_by_test_id("file-row")).to_have_count(2)
    expect(page.locator("[data-testid=file-row][data-marked='1']")).to_have_count(2)
    expect(page.locator("#row-4")).to_contain_text("按时办结率 100")
    expect(page.locator("#row-5")).to_contain_text("按时办结率 95")
