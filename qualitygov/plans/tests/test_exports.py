"""The task breakdown table (任务分解表) exports, read back with openpyxl and python-docx."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from qualitygov.core.testing import pdf_fonts, pdf_text
from qualitygov.plans.models import Plan

from .factories import PLAN_TITLE, group_factory, plan_factory, task_factory, workspace_plan

XLSX_HEADER = ("序号", "任务组", "任务名称", "主要内容", "牵头单位", "配合单位", "完成时限")
DOCX_HEADER = ["序号", "任务名称", "主要内容", "牵头单位", "配合单位", "完成时限"]
ROW_1 = ("1", "（一）增强发展动能", "坚持质量发展创新驱动", "大力实施数字经济“一号发展工程”。", "区经信局", "区住建局",
         "2027年底前")
ROW_2 = ("2", "（一）增强发展动能", "提升建设工程品质", "推进工程质量提升。", "区住建局", None, "2027年底前")
ROW_3 = ("3", "（二）提升质量供给", "提高全民质量素养", "开展质量月活动。", "质量强区办、各镇（街道）、管委会", None,
         "2025年底前")
ROW_4 = ("4", "（二）提升质量供给", "打造街道质量示范", "建设质量示范街区。", "沈家门街道", None, "2026年6月30日前")


@pytest.fixture
def plan(cast) -> Plan:
    return workspace_plan(cast)


def _xlsx(response):
    return load_workbook(BytesIO(response.content)).active


def _docx(response):
    return Document(BytesIO(response.content))


def _table_rows(document) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


# --- xlsx ---------------------------------------------------------------------------------------

def test_xlsx_for_office_has_every_task_in_plan_order(client_for, plan):
    response = client_for("office").get(reverse("plans:export_xlsx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(PLAN_TITLE + '任务分解表.xlsx')}"
    ws = _xlsx(response)
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (f"{PLAN_TITLE}任务分解表", None, None, None, None, None, None)
    assert rows[1] == XLSX_HEADER
    assert rows[2:] == [ROW_1, ROW_2, ROW_3, ROW_4]


def test_xlsx_layout(client_for, plan):
    ws = _xlsx(client_for("office").get(reverse("plans:export_xlsx", args=[plan.pk])))
    assert ws.title == "任务分解表"
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:G1"]
    assert [ws.column_dimensions[c].width for c in "ABCDEFG"] == [7, 26, 22, 70, 26, 22, 14]
    assert ws["D3"].font.name == "宋体"
    assert ws["D3"].alignment.wrap_text is True
    assert ws["A2"].font.bold is True


@pytest.mark.parametrize(("member", "rows"), [
    ("liaison_a", [ROW_1]),
    ("liaison_b", [ROW_1, ROW_2]),
    ("town_liaison", [ROW_3, ROW_4]),
    ("leader", [ROW_1, ROW_2, ROW_3, ROW_4]),
])
def test_xlsx_is_scoped_to_visible_tasks(client_for, plan, member, rows):
    ws = _xlsx(client_for(member).get(reverse("plans:export_xlsx", args=[plan.pk])))
    assert list(ws.iter_rows(min_row=3, values_only=True)) == rows


def test_xlsx_cells_are_not_formulas(client_for, cast):
    plan = plan_factory(title="=方案")
    task_factory(plan=plan, title="=SUM(A1)", text="+1", lead=[cast.dept_a])
    ws = _xlsx(client_for("office").get(reverse("plans:export_xlsx", args=[plan.pk])))
    assert [(c.value, c.data_type) for c in ws[3]][2:4] == [("=SUM(A1)", "s"), ("+1", "s")]
    assert (ws["A1"].value, ws["A1"].data_type) == ("=方案任务分解表", "s")


def test_xlsx_without_period_or_units(client_for, cast):
    plan = plan_factory(title="无期限方案", period=None)
    task_factory(plan=plan, title="全体镇街任务", all_towns=True)
    ws = _xlsx(client_for("office").get(reverse("plans:export_xlsx", args=[plan.pk])))
    assert list(ws.iter_rows(min_row=3, values_only=True)) == [
        ("1", None, "全体镇街任务", "全体镇街任务。推进第1项工作。", "各镇（街道）、管委会", None, None),
    ]


# --- docx ---------------------------------------------------------------------------------------

def test_docx_table_has_header_group_rows_and_tasks(client_for, plan):
    response = client_for("office").get(reverse("plans:export_docx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(PLAN_TITLE + '任务分解表.docx')}"
    document = _docx(response)
    rows = _table_rows(document)
    group_1, group_2 = ["（一）增强发展动能"] * 6, ["（二）提升质量供给"] * 6

    def docx_row(row):
        return [row[0], *[value or "" for value in row[2:]]]

    assert rows == [DOCX_HEADER, group_1, docx_row(ROW_1), docx_row(ROW_2), group_2, docx_row(ROW_3),
                    docx_row(ROW_4)]
    assert [p.text for p in document.paragraphs[:2]] == [
        f"{PLAN_TITLE}任务分解表", "舟山市普陀区质量强区工作领导小组　普质强区发〔2023〕1号",
    ]


def test_docx_layout(client_for, plan):
    document = _docx(client_for("office").get(reverse("plans:export_docx", args=[plan.pk])))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    title_run = document.paragraphs[0].runs[0]
    assert title_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title_run.font.size.pt == 22
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    table = document.tables[0]
    header_tr = table.rows[0]._tr
    assert header_tr.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    body_run = table.rows[2].cells[2].paragraphs[0].runs[0]
    assert body_run.font.size.pt == 10.5
    assert body_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and 'w:fldCharType="begin"' in footer_xml
    # The official page number of the shared base (core.io_docx), as in the bulletin: "— 1 —" in 宋体.
    footer = section.footer.paragraphs[0]
    assert (footer.text, {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in footer.runs}) == ("— 1 —", {"宋体"})


def test_docx_is_scoped_to_visible_tasks(client_for, plan):
    rows = _table_rows(_docx(client_for("town_liaison").get(reverse("plans:export_docx", args=[plan.pk]))))
    assert [row[0] for row in rows] == ["序号", "（二）提升质量供给", "3", "4"]


# --- access and queries -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["plans:export_xlsx", "plans:export_docx", "plans:export_pdf"])
def test_export_of_missing_plan_is_404(client_for, plan, name):
    assert client_for("office").get(reverse(name, args=[plan.pk + 100])).status_code == 404


@pytest.mark.parametrize("name", ["plans:export_xlsx", "plans:export_docx", "plans:export_pdf"])
def test_export_requires_login(client, plan, name):
    response = client.get(reverse(name, args=[plan.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _plan_with_tasks(cast, n: int) -> Plan:
    plan = plan_factory(title=f"方案{n}")
    groups = [group_factory(plan=plan, number=str(i), title=f"任务组{i}") for i in range(1, 4)]
    for i in range(n):
        task_factory(plan=plan, group=groups[i % 3], lead=[cast.dept_a], co=[cast.dept_b], all_towns=i % 2 == 0)
    return plan


@pytest.mark.parametrize("name", ["plans:export_xlsx", "plans:export_docx"])
def test_export_query_count_does_not_grow_with_tasks(client_for, cast, name):
    client = client_for("liaison_a")
    counts = []
    for n in (5, 20):
        plan = _plan_with_tasks(cast, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=[plan.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- the seed plan, imported through the services -------------------------------------------------

SEED_TASK_1 = (
    "1", "（一）增强发展动能，推动经济质量效益型发展", "坚持质量发展创新驱动",
    "坚持质量发展创新驱动。大力实施数字经济“一号发展工程”，推进质量管理数字化赋能行动。加大数字化基础设施建设投入，"
    "持续深化工业互联网平台建设，推动大数据、人工智能、区块链等新技术与产业深度融合。全力推进技术专利化、专利标准化、"
    "标准产业化，打通质量创新成果转化应用渠道。深化知识产权保护“一件事”改革，形成知识产权创造、运用、保护、管理和"
    "服务全链条。",
    # 责任部门：A、B、C按职责分工负责 names no lead: the first listed leads (the import's default convention).
    "区发改局、各镇（街道）、管委会", "区经信局、区市场监管分局", "2027年底前",
)


# --- pdf ----------------------------------------------------------------------------------------

def test_pdf_has_the_title_header_group_rows_and_tasks(client_for, plan):
    response = client_for("office").get(reverse("plans:export_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(PLAN_TITLE + '任务分解表.pdf')}"
    text = "".join(pdf_text(response.content)).replace(" ", "")
    position = 0
    for expected in [f"{PLAN_TITLE}任务分解表", "舟山市普陀区质量强区工作领导小组　普质强区发〔2023〕1号",
                     "".join(DOCX_HEADER), "（一）增强发展动能", "1坚持质量发展创新驱动", "区经信局区住建局2027年底前",
                     "2提升建设工程品质", "（二）提升质量供给", "3提高全民质量素养", "4打造街道质量示范", "沈家门街道"]:
        position = text.index(expected, position) + len(expected)
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC"} <= pdf_fonts(response.content)
    page = PdfReader(BytesIO(response.content)).pages[0].mediabox
    assert (round(float(page.width)), round(float(page.height))) == (842, 595)  # A4 landscape


def test_pdf_is_scoped_to_visible_tasks(client_for, plan):
    text = "".join(pdf_text(client_for("town_liaison").get(reverse("plans:export_pdf", args=[plan.pk])).content))
    assert "提高全民质量素养" in text and "打造街道质量示范" in text
    assert "坚持质量发展创新驱动" not in text and "提升建设工程品质" not in text


def test_pdf_for_a_user_without_any_scope_is_404(cast, plan):
    """A plan is shown to anyone with a scope; a user holding no role sees no plan, and no PDF of it."""
    from django.test import Client

    from qualitygov.accounts.services import user_create

    nobody = user_create(actor=None, username="nobody", password="Cast-password-2026", display_name="nobody",
                         unit=cast.dept_a, grants=[])
    client = Client()
    client.force_login(nobody)
    assert client.get(reverse("plans:export_pdf", args=[plan.pk])).status_code == 404


def test_the_plan_page_links_the_pdf(client_for, plan):
    page = client_for("office").get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert f'href="{reverse("plans:export_pdf", args=[plan.pk])}" data-testid="export-pdf"' in page
