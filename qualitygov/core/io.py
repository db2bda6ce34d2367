"""Excel (.xlsx) helpers shared by every export.

Exports stream through openpyxl's write-only mode so memory stays flat for long lists. Every cell
of every export is written through `set_cell` (`text_cell`, `write_cell`), which never writes a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CJK_FONT = "宋体"

_ILLEGAL = {i for i in range(32) if i not in (9, 10, 13)}
_FORMULA_STARTS = frozenset({"=", "+", "-", "@"})


def cell_value(value: Any) -> Any:
    """What a spreadsheet cell holds for `value`: text without the control characters Excel refuses,
    local naive datetimes, Yes/No in the interface language; numbers and dates unchanged."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return pgettext("spreadsheet cell", "Yes") if value else pgettext("spreadsheet cell", "No")
    if isinstance(value, int | float | dt.date):
        return value
    return "".join(ch for ch in str(value) if ord(ch) not in _ILLEGAL)


def set_cell(cell: Cell, value: Any) -> Cell:
    """Put `value` into `cell` as data, never as a formula: the one way exports write a cell.

    Text is stored as a string cell exactly as typed, so "=1+1" reads back as "=1+1" and is not run;
    text a spreadsheet program would take for a formula when edited (a leading = + - @, or a tab or
    carriage return before one) also gets Excel's quote prefix, the hidden apostrophe of typed text.
    """
    value = cell_value(value)
    cell.value = value if value != "" else None
    if isinstance(value, str) and value:
        cell.data_type = "s"
        if value.lstrip("\t\r")[:1] in _FORMULA_STARTS:
            cell.quotePrefix = True
    return cell


def text_cell(ws, value: Any) -> Cell:
    """A write-only cell holding `value` through `set_cell`."""
    return set_cell(WriteOnlyCell(ws), value)


def write_cell(ws, row: int, column: int, value: Any) -> Cell:
    """Write `value` at (`row`, `column`) of an ordinary worksheet through `set_cell`."""
    return set_cell(ws.cell(row=row, column=column), value)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
               widths: dict[str, Sequence[int]] | None = None) -> bytes:
    """Build a workbook: one `(title, header, rows)` per sheet; a bold header row, frozen panes."""
    wb = Workbook(write_only=True)
    header_font = Font(name=CJK_FONT, bold=True)
    body_font = Font(name=CJK_FONT)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        ws.freeze_panes = "A2"
        for index, width in enumerate((widths or {}).get(title, [])):
            ws.column_dimensions[get_column_letter(index + 1)].width = width
        cells = []
        for name in header:
            cell = text_cell(ws, str(name))
            cell.font = header_font
            cell.fill = fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cells.append(cell)
        ws.append(cells)
        for row in rows:
            out = []
            for value in row:
                cell = text_cell(ws, value)
                cell.font = body_font
                out.append(cell)
            ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """An attachment response; the Chinese file name survives through RFC 5987 encoding."""
    response = HttpResponse(content, content_type=content_type)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(filename: str, sheets, widths=None) -> HttpResponse:
    return download(xlsx_bytes(sheets, widths), filename, XLSX_MIME)


def counted(items: Iterable[Any], progress: Callable[[int, int], None] | None, total: int) -> Iterator[Any]:
    """`items` unchanged, calling `progress(done, total)` as each is consumed (for export jobs)."""
    done = 0
    for item in items:
        yield item
        done += 1
        if progress is not None:
            progress(done, total)
