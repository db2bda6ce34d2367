"""The office imports the seed plan in the browser, corrects one unit, confirms, and downloads the breakdown table."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.services import org_unit_create
from qualitygov.plans.models import Plan, Task

SEED = Path(__file__).resolve().parents[2] / "qualitygov" / "plans" / "seed" / "putuo-quality-plan-2023-2027.txt"
TITLE = "普陀区深入贯彻落实《质量强国建设纲要》加快建设质量强区的实施方案（2023—2027年）"
HEADER = ["序号", "任务名称", "主要内容", "牵头单位", "配合单位", "完成时限"]


def _unit_select(page, name: str):
    row = page.get_by_test_id("unit-table").locator("tbody tr").filter(
        has=page.locator("th", has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")))
    expect(row).to_have_count(1)
    return row.locator("select")


def _download(page, test_id: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_test_id(test_id).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_office_imports_seed_corrects_a_unit_and_exports_breakdown(new_page, sign_in, cast):
    # The justice bureau exists under its full name only, so the plan's 区司法局 is not found at first.
    justice = org_unit_create(actor=None, name="舟山市普陀区司法局", kind=OrgUnitKind.DEPARTMENT, parent=cast.district)
    page = new_page()
    sign_in(page, "office")

    page.goto(reverse("plans:list"))
    expect(page.get_by_test_id("plans-empty")).to_contain_text("尚未导入实施方案。")
    page.get_by_role("link", name="导入方案文件").click()
    page.wait_for_url(re.compile(re.escape(reverse("planimport:import_upload")) + "$"))

    page.get_by_test_id("import-upload-form").locator("input[type=file]").set_input_files(str(SEED))
    page.get_by_test_id("import-upload-form").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/plans/import/\d+/$"))
    expect(page.get_by_test_id("import-counts")).to_contain_text("20")

    # Map 区司法局 to the existing bureau; saving shows the mapping before anything is imported.
    _unit_select(page, "区司法局").select_option(f"unit:{justice.pk}")
    page.get_by_test_id("save-corrections").click()
    page.wait_for_url(re.compile(r"/plans/import/\d+/$"))
    justice_row = page.get_by_test_id("unit-table").locator("tbody tr").filter(
        has=page.locator("th", has_text=re.compile(r"^\s*区司法局\s*$")))
    expect(justice_row).to_contain_text("舟山市普陀区司法局")
    assert not Plan.objects.exists()

    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    plan = Plan.objects.get()
    assert page.url.endswith(reverse("plans:plan_detail", args=[plan.pk]))
    expect(page.get_by_test_id("plan-title")).to_have_text(TITLE)
    expect(page.get_by_test_id("task-count-note")).to_have_text("本方案共 20 项任务。")
    expect(page.get_by_test_id("task-row")).to_have_count(20)

    # The corrected unit carries its tasks; open one from the overview.
    assert OrgUnit.objects.named("区司法局").get() == justice  # the plan's spelling became an alias
    justice_task = Task.objects.filter(plan=plan, responsibilities__unit=justice).order_by("order").first()
    assert justice_task is not None
    page.get_by_test_id("task-row").filter(has_text=justice_task.title).get_by_role(
        "link", name=justice_task.title).click()
    page.wait_for_url(re.compile(re.escape(reverse("plans:task_detail", args=[justice_task.pk])) + "$"))
    expect(page.get_by_test_id("task-title")).to_have_text(f"{justice_task.number}. {justice_task.title}")
    # The note lists the bureau after the first unit, which leads by convention: a co unit, on the task
    # page as in the breakdown table.
    expect(page.get_by_test_id("co-units")).to_contain_text("舟山市普陀区司法局")
    expect(page.get_by_test_id("lead-units")).not_to_contain_text("舟山市普陀区司法局")
    expect(page.get_by_test_id("time-limit")).to_have_text("2027年底前")

    page.goto(reverse("plans:plan_detail", args=[plan.pk]))
    name, content = _download(page, "export-xlsx")
    assert name == f"{TITLE}任务分解表.xlsx"
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[1] == ("序号", "任务组", "任务名称", "主要内容", "牵头单位", "配合单位", "完成时限")
    assert len(rows[2:]) == 20
    assert [row[0] for row in rows[2:]] == [str(n) for n in range(1, 21)]
    justice_row_xlsx = rows[2 + int(justice_task.number) - 1]
    assert "舟山市普陀区司法局" not in justice_row_xlsx[4] and "舟山市普陀区司法局" in justice_row_xlsx[5]

    name, content = _download(page, "export-docx")
    assert name == f"{TITLE}任务分解表.docx"
    table = Document(BytesIO(content)).tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == HEADER
    task_rows = [row for row in cells[1:] if len(set(row)) > 1]
    assert len(task_rows) == 20
    assert [row[0] for row in task_rows] == [str(n) for n in range(1, 21)]


def test_office_imports_the_seed_as_a_text_layer_pdf(new_page, sign_in, cast, tmp_path):
    from qualitygov.planimport.tests.pdfgen import text_pdf
    from qualitygov.planimport.tests.test_pdf_input import paginate

    pdf = tmp_path / "putuo-quality-plan.pdf"
    pdf.write_bytes(text_pdf(paginate(SEED.read_text(encoding="utf-8"), header="普陀区人民政府办公室文件")))
    page = new_page()
    sign_in(page, "office")
    page.goto(reverse("planimport:import_upload"))
    page.get_by_test_id("import-upload-form").locator("input[type=file]").set_input_files(str(pdf))
    page.get_by_test_id("import-upload-form").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/plans/import/\d+/$"))
    expect(page.get_by_test_id("import-counts")).to_contain_text("20")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    plan = Plan.objects.get()
    assert (plan.title, plan.source_name, plan.tasks.count()) == (TITLE, "putuo-quality-plan.pdf", 20)
    expect(page.get_by_test_id("plan-title")).to_have_text(TITLE)
    expect(page.get_by_test_id("task-row")).to_have_count(20)
