"""PDF input: a text-layer PDF reads as the same plan as its text; scans, old Word and hostile files are refused."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qualitygov.core.errors import ServiceError
from qualitygov.planimport.importer import readers
from qualitygov.planimport.importer.errors import PlanReadError
from qualitygov.planimport.importer.parse import parse_plan
from qualitygov.planimport.importer.readers import SCANNED_PDF_MESSAGE, read_plan_bytes
from qualitygov.planimport.services import check_plan_source, plan_parse_upload

from .pdfgen import image_only_pdf, text_pdf

FIXTURES = Path(__file__).parent / "fixtures"
S1 = (FIXTURES / "synthetic_s1_city_plan.txt").read_text(encoding="utf-8")


def paginate(text: str, *, width: int = 34, per_page: int = 30, header: str = "云溪市人民政府办公室文件") -> list[list[str]]:
    """The text laid out as a printed PDF: paragraphs wrapped at `width`, a running header, — n — footers."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if paragraph.strip():
            lines.extend(textwrap.wrap(paragraph.strip(), width) or [""])
    pages = [lines[k:k + per_page] for k in range(0, len(lines), per_page)]
    return [[header, *page, f"— {n} —"] for n, page in enumerate(pages, 1)]


def test_text_layer_pdf_reads_as_the_text_it_prints():
    pdf = text_pdf(paginate(S1))
    from_pdf = parse_plan(read_plan_bytes(pdf, filename="plan.pdf"))
    from_text = parse_plan(S1)
    assert from_pdf["title"] == from_text["title"] == "云溪市加快建设质量强市的实施方案（2023—2027年）"
    assert from_pdf["issuer"] == from_text["issuer"]
    assert from_pdf["doc_number"] == "云政办发〔2023〕58号"
    assert [(t["number"], t["title"], t["lead_departments"], t["co_departments"]) for t in from_pdf["tasks"]] == [
        (t["number"], t["title"], t["lead_departments"], t["co_departments"]) for t in from_text["tasks"]]
    assert [t["text"] for t in from_pdf["tasks"]] == [t["text"] for t in from_text["tasks"]]
    assert [(i["name"], i["value"], i["year"]) for i in from_pdf["indicators"]] == [
        (i["name"], i["value"], i["year"]) for i in from_text["indicators"]]


def test_running_header_and_page_numbers_are_dropped():
    text = read_plan_bytes(text_pdf(paginate(S1)), filename="plan.pdf")
    assert "云溪市人民政府办公室文件" not in text
    assert "— 2 —" not in text
    assert "\n2\n" not in text


def test_a_two_line_wrap_is_rejoined_but_a_heading_is_not_glued():
    body = "为深入贯彻落实质量强国建设纲要，全面提升我市质量总体水平，推动经济社会高质量发展结合云溪实际，制定本方案。"
    page = ["某某市质量强市实施方案", *textwrap.wrap(body, 30), "一、总体要求", *textwrap.wrap(body, 30),
            "二、主要任务", "短行。"]
    text = read_plan_bytes(text_pdf([page]), filename="plan.pdf")
    assert text.split("\n") == ["某某市质量强市实施方案", body, "一、总体要求", body, "二、主要任务", "短行。"]


def test_scanned_pdf_is_refused_with_a_chinese_message():
    with pytest.raises(PlanReadError) as info:
        read_plan_bytes(image_only_pdf(3), filename="scan.pdf")
    assert info.value.message == SCANNED_PDF_MESSAGE
    with pytest.raises(ServiceError) as info:
        plan_parse_upload(filename="scan.pdf", data=image_only_pdf(1))
    assert info.value.message == SCANNED_PDF_MESSAGE


def test_damaged_pdf_is_one_line_not_a_crash():
    with pytest.raises(PlanReadError) as info:
        read_plan_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", filename="x.pdf")
    assert info.value.message.startswith("无法读取 PDF") or info.value.message == "PDF 文件没有页面"


def test_page_and_text_limits_bound_a_hostile_pdf(monkeypatch):
    pdf = text_pdf([["第一页质量强市实施方案的正文内容足够长"]] * 4)
    monkeypatch.setattr(readers, "MAX_PDF_PAGES", 3)
    with pytest.raises(PlanReadError) as info:
        read_plan_bytes(pdf, filename="x.pdf")
    assert info.value.message == "PDF 文件有 4 页，超过 3 页上限，不像一份实施方案"
    monkeypatch.setattr(readers, "MAX_PDF_PAGES", 300)
    monkeypatch.setattr(readers, "MAX_PDF_CHARS", 40)
    with pytest.raises(PlanReadError) as info:
        read_plan_bytes(pdf, filename="x.pdf")
    assert info.value.message == "PDF 文件的文字超过 0 万字上限，不像一份实施方案"


def test_the_upload_gate_sniffs_pdf_and_names_old_word():
    check_plan_source("plan.pdf", text_pdf([["质量强市"]]))
    with pytest.raises(ServiceError) as info:
        check_plan_source("plan.pdf", "一、总体要求".encode())
    assert info.value.message == "文件扩展名为 .pdf，但内容不是 PDF 文档。"
    for name in ("plan.doc", "plan.wps"):
        with pytest.raises(ServiceError) as info:
            check_plan_source(name, b"\xd0\xcf\x11\xe0" + b"\0" * 100)
        assert info.value.message.startswith("无法读取旧版 Word（.doc）或 WPS（.wps）文件：请在 Word 或 WPS 中打开，“另存为” .docx")
    with pytest.raises(PlanReadError) as info:
        read_plan_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100, filename="plan.doc")
    assert info.value.message == readers.OLD_WORD_MESSAGE
