"""The official-document (.docx) base every Word export builds on: layout after GB/T 9704 (党政机关公文格式).

A4; portrait margins 37/35/28/26 mm (top/bottom/left/right), or a landscape page for wide tables;
the title in 方正小标宋简体 22 pt (Word falls back to 黑体 where it is missing); body text in 仿宋_GB2312
16 pt on a fixed 28 pt line with a two-character first-line indent; level-one headings in 黑体, level
two in 楷体_GB2312; page numbers "— 1 —" centred in the footer in 宋体 14 pt. Chinese fonts go in the
run's w:eastAsia slot (Word reads it for CJK text), Latin text in Times New Roman.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = 16
TITLE_SIZE = 22
LINE_PITCH = 28


def xml_text(text: str) -> str:
    """`text` without the control characters XML 1.0 forbids (Word would refuse the file)."""
    return "".join(ch for ch in str(text) if ch in "\t\n\r" or ord(ch) >= 32)


def set_fonts(run, east_asia: str, size: float | None = None, *, bold: bool | None = None,
              colour: RGBColor | None = None) -> None:
    """Latin text in Times New Roman, Chinese in `east_asia`."""
    run.font.name = LATIN_FONT
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)


def official_document(*, landscape: bool = False):
    """A new document: Normal style in 仿宋_GB2312 16 pt, A4 with the official margins (portrait) or
    25/22 mm margins (landscape, for wide tables), and "— n —" page numbers in the footer."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(25)
        section.left_margin = section.right_margin = Mm(22)
        section.footer_distance = Mm(12)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    page_number_footer(section)
    return document


def field_run(paragraph, instruction: str, placeholder: str, *, font: str = PAGE_NUMBER_FONT, size: float = 14):
    """A run holding a Word field (PAGE, NUMPAGES…); Word computes its value when laying out the page."""
    run = paragraph.add_run()
    set_fonts(run, font, size)
    begin, separate, end = (OxmlElement("w:fldChar") for _ in range(3))
    begin.set(qn("w:fldCharType"), "begin")
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    shown = OxmlElement("w:t")
    shown.text = placeholder
    for element in (begin, code, separate, shown, end):
        run._r.append(element)
    return run


def page_number_footer(section) -> None:
    """Footer "— 1 —", centred, as official documents number their pages."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(paragraph.add_run("— "), PAGE_NUMBER_FONT, 14)
    field_run(paragraph, "PAGE", "1")
    set_fonts(paragraph.add_run(" —"), PAGE_NUMBER_FONT, 14)


def paragraph(container, text: str, *, font: str = BODY_FONT, size: float = BODY_SIZE, bold: bool = False,
              indent: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT, pitch: float | None = None,
              space_after: float = 0, colour: RGBColor | None = None):
    """A paragraph of one run; `indent` adds the two-character first-line indent, `pitch` a fixed line height."""
    para = container.add_paragraph()
    para.alignment = align
    fmt = para.paragraph_format
    if pitch is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(pitch)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    set_fonts(para.add_run(xml_text(text)), font, size, bold=bold, colour=colour)
    return para


def body(container, text: str, *, font: str = BODY_FONT, indent: bool = True,
         align=WD_ALIGN_PARAGRAPH.JUSTIFY, colour: RGBColor | None = None):
    """Body text: 16 pt on the fixed 28 pt line, indented by two characters unless `indent` is false."""
    return paragraph(container, text, font=font, size=BODY_SIZE, indent=indent, align=align, pitch=LINE_PITCH,
                     colour=colour)


def title(container, text: str, *, space_after: float = 0, pitch: float | None = LINE_PITCH):
    """The document title: 方正小标宋简体 22 pt, centred."""
    return paragraph(container, text, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
                     pitch=pitch, space_after=space_after)


def cell_text(cell, text: str, *, font: str = BODY_FONT, size: float = 10.5, bold: bool = False,
              align=WD_ALIGN_PARAGRAPH.LEFT, colour: RGBColor | None = None) -> None:
    """Write `text` as the first paragraph of a table cell, vertically centred."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    para = cell.paragraphs[0]
    para.alignment = align
    para.paragraph_format.space_after = Pt(0)
    set_fonts(para.add_run(xml_text(text)), font, size, bold=bold, colour=colour)


def _row_flag(row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def repeat_header(row) -> None:
    """Mark a table row as a header row, repeated at the top of every page."""
    _row_flag(row, "w:tblHeader")


def keep_row_together(row) -> None:
    """Keep a table row on one page."""
    _row_flag(row, "w:cantSplit")


def table(container, header, widths, *, font: str = HEADING_FONT, size: float = 12, bold: bool = False):
    """A bordered table centred on the page, its header row (repeated on every page) in `font`."""
    grid = container.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    first = grid.rows[0]
    repeat_header(first)
    for cell, text, width in zip(first.cells, header, widths, strict=True):
        cell.width = width
        cell_text(cell, text, font=font, size=size, bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER)
    return grid


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
