"""Excel (.xlsx) and Word (.docx) helpers shared by every export.

Exports stream through openpyxl's write-only mode so memory stays flat for long lists.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CJK_FONT = "宋体"

_ILLEGAL = {i for i in range(32) if i not in (9, 10, 13)}
_FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})


def _cell_value(value: Any) -> Any:
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
    text = str(value)
    # Excel refuses control characters, and a leading = + - @ (or a tab or carriage return before
    # one, which spreadsheet programs skip) would be run as a formula.
    text = "".join(ch for ch in text if ord(ch) not in _ILLEGAL)
    if text[:1] in _FORMULA_STARTS:
        text = "'" + text
    return text


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
            cell = WriteOnlyCell(ws, value=str(name))
            cell.font = header_font
            cell.fill = fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cells.append(cell)
        ws.append(cells)
        for row in rows:
            out = []
            for value in row:
                cell = WriteOnlyCell(ws, value=_cell_value(value))
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
