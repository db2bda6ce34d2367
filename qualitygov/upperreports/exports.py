"""The report's files: the indicator table as .xlsx and as an official .docx (GB/T 9704 layout).

Both are built from the report's snapshot alone and are byte-for-byte reproducible: the packages'
timestamps (zip entries and the documents' created/modified properties) are the report's own
date, so a download made at any moment equals the file stored as sent.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from qualitygov.core.io import CJK_FONT, write_cell
from qualitygov.core.io_docx import (
    HEADING_FONT,
    body,
    cell_text,
    docx_bytes,
    keep_row_together,
    official_document,
    paragraph,
    table,
    title,
)

from .choices import ReportStatus

LIGHT_RGB = {"green": "1E7B34", "yellow": "B7791F", "red": "C00000", "grey": "606060"}
WIDTHS = {"name": 30, "unit": 8, "baseline": 14, "target": 12, "value": 10, "data_period": 14, "yoy": 12,
          "light": 10, "units": 20, "source": 18, "remarks": 26}
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def report_day(report) -> dt.date:
    """The date printed as 报送日期: the day the report was reviewed (its content froze), else generated."""
    from django.utils import timezone

    moment = report.reviewed_at or report.generated_at or report.created_at
    return timezone.localtime(moment).date()


def _stamp(report) -> dt.datetime:
    from django.utils import timezone

    moment = report.reviewed_at or report.generated_at or report.created_at
    return timezone.localtime(moment).replace(microsecond=0, tzinfo=None)


def stable_package(data: bytes, when: dt.datetime) -> bytes:
    """The same zip package with every entry dated `when` and the core properties' dates set to it."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            entry = zipfile.ZipInfo(info.filename, date_time=max(when, dt.datetime(1980, 1, 1)).timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


def file_stem(report) -> str:
    name = report.template.title.strip("《》")
    edition = f"（更正第{report.edition - 1}版）" if report.edition > 1 else ""
    draft = "（草稿）" if report.status == ReportStatus.DRAFT else ""
    return f"{name}{report.period_label}{edition}{draft}"


def _title_line(report) -> str:
    snap = report.snapshot
    edition = "（更正）" if report.edition > 1 else ""
    return f"{snap['title']}{edition}"


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def report_xlsx(report) -> bytes:
    """Sheet 指标完成情况: the title row, 填报单位/报送日期, the template's fixed header (序号 first), one
    row per indicator; sheet 工作进展 when the template asks for the progress section."""
    snap = report.snapshot
    wb = Workbook()
    ws = wb.active
    ws.title = "指标完成情况"
    header = ["序号", *snap["headings"]]
    width = len(header)
    bold = Font(name=CJK_FONT, bold=True)
    plain = Font(name=CJK_FONT)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    cell = write_cell(ws, 1, 1, _title_line(report))
    cell.font = Font(name=CJK_FONT, bold=True, size=16)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    write_cell(ws, 2, 1, f"（{snap['period']}）").alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    write_cell(ws, 3, 1, f"填报单位：{snap['filing_unit']}").font = plain
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=max(1, width // 2))
    dated = write_cell(ws, 3, max(2, width // 2 + 1), f"报送日期：{_date_text(report_day(report))}")
    dated.font = plain
    if width // 2 + 1 < width:
        ws.merge_cells(start_row=3, start_column=width // 2 + 1, end_row=3, end_column=width)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, text in enumerate(header, start=1):
        cell = write_cell(ws, 4, column, text)
        cell.font, cell.fill, cell.border = bold, fill, box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, row in enumerate(snap["rows"]):
        values = [row["number"], *row["cells"]]
        for column, value in enumerate(values, start=1):
            cell = write_cell(ws, 5 + offset, column, value)
            cell.font, cell.border = plain, box
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.freeze_panes = "B5"
    ws.column_dimensions["A"].width = 6
    for index, key in enumerate(snap["columns"], start=2):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, 12)
    if snap.get("problems"):
        at = 6 + len(snap["rows"])
        write_cell(ws, at, 1, "说明：" + "；".join(snap["problems"])).font = plain
        ws.merge_cells(start_row=at, start_column=1, end_row=at, end_column=width)
    progress = snap.get("progress")
    if progress is not None:
        sheet = wb.create_sheet("工作进展")
        c = progress["counts"]
        write_cell(sheet, 1, 1, f"工作事项共{progress['total']}项，已完成{progress['completed']}项；绿灯{c['green']}项、"
                                f"黄灯{c['yellow']}项、红灯{c['red']}项、暂无数据{c['grey']}项。").font = bold
        heads = ["序号", "任务", "工作事项", "牵头单位", "实际进度（%）", "序时进度（%）", "状态", "完成时限"]
        for column, text in enumerate(heads, start=1):
            cell = write_cell(sheet, 3, column, text)
            cell.font, cell.fill, cell.border = bold, fill, box
        for offset, item in enumerate(progress["behind"]):
            values = [offset + 1, item["task"], item["title"], item["unit"], item["progress"], item["expected"],
                      item["light_text"], item["deadline"]]
            for column, value in enumerate(values, start=1):
                cell = write_cell(sheet, 4 + offset, column, value)
                cell.font, cell.border = plain, box
        for index, w in enumerate([6, 30, 36, 18, 12, 12, 8, 12], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = w
    stamp = _stamp(report)
    wb.properties.creator = snap["filing_unit"]
    wb.properties.created = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    return stable_package(buffer.getvalue(), stamp)


def report_docx(report) -> bytes:
    """The table as an official document: landscape A4, title, period, 填报单位/报送日期, the table, the
    problems as a note, and the progress section (counts and the items behind schedule)."""
    snap = report.snapshot
    document = official_document(landscape=True)
    title(document, _title_line(report))
    paragraph(document, f"（{snap['period']}）", align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, f"填报单位：{snap['filing_unit']}　　　　报送日期：{_date_text(report_day(report))}",
              size=14, space_after=6)
    header = ["序号", *snap["headings"]]
    usable = 297 - 44
    weights = [6] + [WIDTHS.get(key, 12) for key in snap["columns"]]
    widths = [Mm(usable * w / sum(weights)) for w in weights]
    grid = table(document, header, widths, size=10.5, bold=True)
    light_at = snap["columns"].index("light") + 1 if "light" in snap["columns"] else None
    for row in snap["rows"]:
        cells = grid.add_row().cells
        keep_row_together(grid.rows[-1])
        for index, (cell, text) in enumerate(zip(cells, [str(row["number"]), *row["cells"]], strict=True)):
            cell.width = widths[index]
            colour = RGBColor.from_string(LIGHT_RGB[row["light"]]) if index == light_at else None
            cell_text(cell, text, size=10.5, colour=colour,
                      align=WD_ALIGN_PARAGRAPH.CENTER if index == 0 else WD_ALIGN_PARAGRAPH.LEFT)
    if snap.get("problems"):
        body(document, "说明：" + "；".join(snap["problems"]) + "。", indent=False)
    progress = snap.get("progress")
    if progress is not None:
        paragraph(document, "工作进展情况", font=HEADING_FONT, size=16, space_after=0)
        c = progress["counts"]
        body(document, f"质量强区工作事项共{progress['total']}项，已完成{progress['completed']}项；其中绿灯{c['green']}项、"
                       f"黄灯{c['yellow']}项、红灯{c['red']}项、暂无数据{c['grey']}项。"
                       + (f"滞后事项{len(progress['behind'])}项，详见下表。" if progress["behind"] else "暂无滞后事项。"))
        if progress["behind"]:
            heads = ["序号", "工作事项", "牵头单位", "实际进度（%）", "序时进度（%）", "状态", "完成时限"]
            item_widths = [Mm(w) for w in (14, 95, 40, 28, 28, 20, 28)]
            items = table(document, heads, item_widths, size=10.5, bold=True)
            for number, item in enumerate(progress["behind"], start=1):
                cells = items.add_row().cells
                for index, text in enumerate([str(number), item["title"], item["unit"], item["progress"],
                                              item["expected"], item["light_text"], item["deadline"]]):
                    cells[index].width = item_widths[index]
                    colour = RGBColor.from_string(LIGHT_RGB[item["light"]]) if index == 5 else None
                    cell_text(cells[index], text, size=10.5, colour=colour)
    stamp = _stamp(report)
    document.core_properties.author = snap["filing_unit"]
    document.core_properties.title = snap["title"]
    document.core_properties.last_modified_by = snap["filing_unit"]
    document.core_properties.revision = 1
    return stable_package(docx_bytes(document), stamp)
