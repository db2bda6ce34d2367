"""Writing files shaped like the upper systems' exports: title rows over merged cells, a header (one or
two rows), body rows with merged town cells, a totals row, notes; or CSV in UTF-8 or GB18030. Used by the
demo, the tests and the benchmark (never by the importer)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, merges: Sequence[str] = (), percent_cells: Sequence[str] = (),
               sheet: str = "Sheet1") -> bytes:
    """A workbook of `rows` (row 1 first); `merges` like "A1:F1"; `percent_cells` get the 0.0% format.
    Without merges or formats it is written in write-only mode (long files)."""
    if not merges and not percent_cells:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet)
        for row in rows:
            ws.append(list(row))
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = sheet
        for row in rows:
            ws.append(list(row))
        for ref in merges:
            ws.merge_cells(ref)
            first = ws[ref.split(":")[0]]
            first.alignment = Alignment(horizontal="center", vertical="center")
        if ws.max_row:
            ws["A1"].font = Font(bold=True, size=14)
        for ref in percent_cells:
            ws[ref].number_format = "0.0%"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    """CSV text of `rows` in `encoding` (gb18030 as the older systems write it; utf-8-sig with a BOM)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return text.getvalue().encode(encoding)
