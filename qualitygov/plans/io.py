"""Exports of the task breakdown table (任务分解表) as .xlsx, .docx and PDF, of a unit's task list, and of the plan list.

The breakdown table and a unit's task list are official exchange documents: their Chinese header
texts are fixed by convention and do not follow the interface language. The plan list is an
ordinary list export and does.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import pgettext_lazy
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from qualitygov.core import io_docx, io_pdf
from qualitygov.core.io import CJK_FONT, counted, write_cell, xlsx_response

from .models import Plan, Task
from .selectors import task_co_text, task_lead_text, task_time_limit

#: The breakdown table's columns, in this order, exactly as official tables head them.
BREAKDOWN_HEADER = ["序号", "任务名称", "主要内容", "牵头单位", "配合单位", "完成时限"]
#: The .xlsx adds the task group after 序号 so that a spreadsheet row stands alone when filtered.
BREAKDOWN_XLSX_HEADER = ["序号", "任务组", "任务名称", "主要内容", "牵头单位", "配合单位", "完成时限"]
BREAKDOWN_XLSX_WIDTHS = [7, 26, 22, 70, 26, 22, 14]

def breakdown_title(plan: Plan) -> str:
    return f"{plan.title}任务分解表"


def breakdown_filename(plan: Plan, ext: str) -> str:
    # Slashes and other path characters would break the download name.
    safe = "".join(ch for ch in breakdown_title(plan) if ch not in '\\/:*?"<>|\r\n\t')
    return f"{safe}.{ext}"


@dataclass(frozen=True)
class BreakdownRow:
    number: str
    group: str
    title: str
    text: str
    lead: str
    co: str
    time_limit: str


def breakdown_rows(tasks: Sequence[Task]) -> list[BreakdownRow]:
    """One row per task, in the order given (tasks with plan, group and responsibilities loaded)."""
    return [
        BreakdownRow(
            number=task.number, group=str(task.group) if task.group_id else "", title=task.title, text=task.text,
            lead=task_lead_text(task), co=task_co_text(task), time_limit=task_time_limit(task),
        )
        for task in tasks
    ]


def breakdown_xlsx(plan: Plan, tasks: Sequence[Task], progress: Callable[[int, int], None] | None = None) -> bytes:
    """The breakdown table as a workbook: title row, fixed header, one row per task, printable on A4 landscape.

    `progress(done, total)` hears of each row written (the export job's progress bar)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    columns = len(BREAKDOWN_XLSX_HEADER)

    write_cell(ws, 1, 1, breakdown_title(plan))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    title = ws.cell(row=1, column=1)
    title.font = Font(name=CJK_FONT, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 36

    for col, text in enumerate(BREAKDOWN_XLSX_HEADER, start=1):
        cell = write_cell(ws, 2, col, text)
        cell.font = Font(name=CJK_FONT, size=11, bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border

    # Named styles are registered once; giving one to a cell is far cheaper than setting font,
    # alignment and border objects on each of thousands of cells.
    for name, horizontal in (("breakdown_centre", "center"), ("breakdown_left", "left")):
        wb.add_named_style(NamedStyle(
            name=name, font=Font(name=CJK_FONT, size=10.5), border=border,
            alignment=Alignment(horizontal=horizontal, vertical="center", wrap_text=True),
        ))
    styles = ["breakdown_centre", *["breakdown_left"] * 5, "breakdown_centre"]
    for r, row in enumerate(counted(breakdown_rows(tasks), progress, len(tasks)), start=3):
        values = (row.number, row.group, row.title, row.text, row.lead, row.co, row.time_limit)
        for c, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            cell = ws.cell(row=r, column=c)
            cell.style = style
            write_cell(ws, r, c, value)

    for index, width in enumerate(BREAKDOWN_XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.auto_filter.ref = f"A2:{get_column_letter(columns)}{max(ws.max_row, 2)}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Word -----------------------------------------------------------------------------------

def _prototype_row(table, widths, *, group: bool):
    """A fully formatted body row (merged across the table when `group`), detached from the table."""
    row = table.add_row()
    cells = row.cells
    if group:
        io_docx.cell_text(cells[0].merge(cells[-1]), "-", font=io_docx.HEADING_FONT, size=10.5, bold=True)
    else:
        io_docx.keep_row_together(row)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            cell.width = width
            centred = index in (0, 5)
            io_docx.cell_text(cell, "-", align=WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT)
    tr = row._tr
    table._tbl.remove(tr)
    return tr


def _append_copy(table, prototype, texts: Sequence[str]) -> None:
    tr = copy.deepcopy(prototype)
    for element, text in zip(tr.iter(qn("w:t")), texts, strict=True):
        element.text = io_docx.xml_text(text)
        element.set(qn("xml:space"), "preserve")
    table._tbl.append(tr)


def breakdown_docx(plan: Plan, tasks: Sequence[Task]) -> bytes:
    """The breakdown table as an official document: A4 landscape, title, repeated header row, page numbers.

    Task groups are rows merged across the table, above their tasks.
    """
    document = io_docx.official_document(landscape=True)
    io_docx.title(document, breakdown_title(plan), space_after=6, pitch=None)
    subtitle = "　".join(part for part in (plan.issuer, plan.doc_number) if part)
    if subtitle:
        io_docx.paragraph(document, subtitle, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)

    widths = [Mm(14), Mm(40), Mm(115), Mm(38), Mm(22), Mm(24)]
    table = io_docx.table(document, BREAKDOWN_HEADER, widths, size=10.5, bold=True)
    table.autofit = False

    # Rows are copies of two formatted prototypes with their texts replaced: building every cell through
    # python-docx's object layer costs about 1 ms a cell, copying a finished row a few microseconds.
    task_proto = _prototype_row(table, widths, group=False)
    group_proto = _prototype_row(table, widths, group=True)
    current_group = None
    for task, row in zip(tasks, breakdown_rows(tasks), strict=True):
        if task.group_id and task.group_id != current_group:
            current_group = task.group_id
            _append_copy(table, group_proto, [row.group])
        _append_copy(table, task_proto, [row.number, row.title, row.text, row.lead, row.co, row.time_limit])

    return io_docx.docx_bytes(document)


def breakdown_pdf(plan: Plan, tasks: Sequence[Task]) -> bytes:
    """The breakdown table as PDF, laid out as the .docx: A4 landscape, title, issuer and document number,
    header repeated on every page, group rows above their tasks. io_pdf.PdfUnavailable where none can be made."""
    document = io_pdf.PdfDocument(landscape=True, table_size="10.5pt")
    document.title(breakdown_title(plan))
    subtitle = "　".join(part for part in (plan.issuer, plan.doc_number) if part)
    if subtitle:
        document.paragraph(subtitle, style="centre")
    rows: list[object] = []
    current_group = None
    for task, row in zip(tasks, breakdown_rows(tasks), strict=True):
        if task.group_id and task.group_id != current_group:
            current_group = task.group_id
            rows.append(row.group)
        rows.append([row.number, row.title, row.text, row.lead, row.co, row.time_limit])
    document.table(BREAKDOWN_HEADER, rows, widths=[14, 40, 115, 38, 22, 24])
    return document.pdf_bytes()


# --- A unit's tasks -------------------------------------------------------------------------

UNIT_TASKS_HEADER = ["方案", "序号", "任务名称", "本单位职责", "牵头单位", "配合单位", "完成时限"]
UNIT_TASKS_WIDTHS = [40, 7, 30, 14, 30, 24, 14]
UNIT_ROLE_TEXT = {"lead": "牵头", "co": "配合", "towns": "各镇（街道）落实"}


def unit_tasks_sheet(tasks: Sequence[Task]) -> list[list[str]]:
    """Rows for a unit's task list (tasks from `unit_task_list`, carrying `unit_role`)."""
    return [
        [task.plan.title, task.number, task.title, UNIT_ROLE_TEXT[task.unit_role], task_lead_text(task),
         task_co_text(task), task_time_limit(task)]
        for task in tasks
    ]


def unit_tasks_xlsx(unit, tasks: Sequence[Task]) -> HttpResponse:
    """A unit's task list (tasks from `unit_task_list`) as .xlsx, named after the unit."""
    return xlsx_response(f"{unit.label}任务清单.xlsx", [("任务清单", UNIT_TASKS_HEADER, unit_tasks_sheet(tasks))],
                         widths={"任务清单": UNIT_TASKS_WIDTHS})


# --- The plan list --------------------------------------------------------------------------


PLAN_LIST_HEADER = [pgettext_lazy("plan list export", "Plan name"), pgettext_lazy("plan list export", "Issued by"),
                    pgettext_lazy("plan list export", "Document number"), pgettext_lazy("plan list export", "Period"),
                    pgettext_lazy("plan list export", "Revision"), pgettext_lazy("plan list export", "Tasks"),
                    pgettext_lazy("plan list export", "Indicators")]
PLAN_LIST_WIDTHS = [60, 30, 24, 14, 8, 8, 8]


def plan_list_rows(plans) -> Iterable[list]:
    """One row per plan (plans from `plan_list_visible`, with their counts)."""
    for p in plans:
        yield [p.title, p.issuer, p.doc_number, p.period_label, p.revision, p.task_count, p.indicator_count]


# --- The task list ---------------------------------------------------------------------------

TASK_LIST_HEADER = ["方案", "序号", "任务名称", "牵头单位", "配合单位", "完成时限"]
TASK_LIST_WIDTHS = [40, 7, 40, 30, 30, 14]


def task_list_rows(tasks) -> Iterable[list]:
    """One row per task (tasks from `task_list_visible`, responsibilities prefetched)."""
    for task in tasks:
        yield [task.plan.title, task.number, task.title, task_lead_text(task), task_co_text(task),
               task_time_limit(task)]
