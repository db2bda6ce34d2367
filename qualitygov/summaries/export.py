"""The district summary as an official .docx (GB/T 9704 layout from `core.io_docx`): the title, the
issuer and date, each section (numbered 一、二、… headings in 黑体, paragraphs in 仿宋_GB2312), and the
appended figures table citing each unit's submitted figures with their source."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from qualitygov.core import io_docx

from .models import DistrictSummary

ISSUER = "质量强区工作领导小组办公室"
NUMERALS = "一二三四五六七八九十"


def _numeral(index: int) -> str:
    return NUMERALS[index] if index < len(NUMERALS) else str(index + 1)


def district_docx(district: DistrictSummary) -> bytes:
    doc = io_docx.official_document()
    io_docx.title(doc, district.title)
    day = (district.finalised_at or district.generated_at).date()
    status = "" if district.finalised_at else "（初稿）"
    io_docx.body(doc, f"{ISSUER}{status}　　{day.year}年{day.month}月{day.day}日", indent=False,
                 align=WD_ALIGN_PARAGRAPH.CENTER)
    io_docx.body(doc, "", indent=False)
    for index, section in enumerate(district.sections):
        heading = section["heading"]
        if heading[:1] not in NUMERALS:
            heading = f"{_numeral(index)}、{heading}"
        io_docx.body(doc, heading, font=io_docx.HEADING_FONT)
        for line in (section["text"] or "").splitlines():
            if line.strip():
                io_docx.body(doc, line.strip())
    if district.figure_rows:
        io_docx.body(doc, "附表：各单位报送的主要数据", font=io_docx.HEADING_FONT, indent=False)
        widths = [Mm(w) for w in (24, 34, 22, 40, 36)]
        table = io_docx.table(doc, ["单位", "数据项", "数值", "对照（目标、灯色、完成情况）", "来源"], widths)
        for row in district.figure_rows:
            cells = table.add_row().cells
            for cell, text, width in zip(cells, row, widths, strict=True):
                cell.width = width
                io_docx.cell_text(cell, text, size=10.5)
    return io_docx.docx_bytes(doc)


def district_filename(district: DistrictSummary) -> str:
    return f"{district.title}.docx"
