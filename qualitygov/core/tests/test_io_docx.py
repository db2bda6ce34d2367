"""The official-document base (GB/T 9704 layout) that the breakdown table and the bulletin build on."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn

from qualitygov.core import io_docx


def _reopen(document):
    return Document(io.BytesIO(io_docx.docx_bytes(document)))


def _east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_portrait_page_margins_fonts_and_page_numbers():
    document = io_docx.official_document()
    io_docx.title(document, "质量强区工作进展通报")
    io_docx.body(document, "现将情况通报如下。\x07")
    document = _reopen(document)
    section = document.sections[0]
    assert [round(v.mm) for v in (section.page_width, section.page_height, section.top_margin,
                                  section.bottom_margin, section.left_margin, section.right_margin)] == [
        210, 297, 37, 35, 28, 26]
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title, body = document.paragraphs
    assert (title.text, _east_asia(title.runs[0]), title.runs[0].font.size.pt) == ("质量强区工作进展通报", "方正小标宋简体", 22)
    assert (body.text, _east_asia(body.runs[0]), body.runs[0].font.size.pt, body.paragraph_format.line_spacing.pt,
            body.paragraph_format.first_line_indent.pt) == ("现将情况通报如下。", "仿宋_GB2312", 16, 28, 32)
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert {_east_asia(run) for run in footer.runs} == {"宋体"}
    assert " PAGE " in footer._p.xml


def test_landscape_table_with_repeated_header():
    from docx.shared import Mm

    document = io_docx.official_document(landscape=True)
    table = io_docx.table(document, ["序号", "任务名称"], [Mm(14), Mm(40)], size=10.5, bold=True)
    io_docx.cell_text(table.add_row().cells[1], "任务一")
    document = _reopen(document)
    section = document.sections[0]
    assert [round(v.mm) for v in (section.page_width, section.page_height, section.top_margin,
                                  section.left_margin)] == [297, 210, 25, 22]
    grid = document.tables[0]
    assert [[c.text for c in row.cells] for row in grid.rows] == [["序号", "任务名称"], ["", "任务一"]]
    header_run = grid.rows[0].cells[0].paragraphs[0].runs[0]
    assert (_east_asia(header_run), header_run.font.size.pt, header_run.font.bold) == ("黑体", 10.5, True)
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
