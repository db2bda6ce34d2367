"""The batch import: its .xlsx template and the reader (.xlsx or .csv in UTF-8 or GB18030).

`read_rows(data, extension)` never raises on any input (fuzz-tested): it answers the rows as
`{column: text or date}` with their spreadsheet row numbers, or a Chinese error. Checking the rows
against the plan and the market-entity directory is `services_import.batches_import`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from qualitygov.core.io import xlsx_bytes

#: Column key → the template's heading. `name` is informational (the code identifies the entity).
COLUMNS: list[tuple[str, str]] = [
    ("uscc", "统一社会信用代码"), ("name", "受检单位名称"), ("product", "产品名称"), ("sampled_on", "抽样日期"),
    ("lab", "检验机构"), ("report_no", "报告编号"), ("verdict", "检验结论"), ("failed_items", "不合格项目"),
    ("notes", "备注"),
]
HEADINGS = {heading: key for key, heading in COLUMNS}
REQUIRED = ("uscc", "product", "sampled_on", "report_no", "verdict")
MAX_ROWS = 5000
SHEET = "抽查批次"


@dataclass
class ReadResult:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    error: str = ""


def template_bytes() -> bytes:
    """The empty template with one example row (a passed batch)."""
    example = ["91330903MA28K0XX0X", "（示例，导入前删除此行）", "电热水壶", dt.date(2026, 5, 12), "浙江省检验院",
               "BG2026-0001", "合格", "", ""]
    return xlsx_bytes([(SHEET, [h for _k, h in COLUMNS], [example])],
                      widths={SHEET: [22, 28, 16, 12, 20, 16, 10, 30, 20]})


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, dt.date) else str(value).strip()


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        out = []
        for row in ws.iter_rows(values_only=True):
            out.append([_cell(v) for v in row[:40]])
            if len(out) > MAX_ROWS + 1:
                break
        return out
    finally:
        wb.close()


def _csv_rows(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("encoding")
    return [[_cell(v) for v in row[:40]] for row, _n in zip(csv.reader(io.StringIO(text)), range(MAX_ROWS + 2),
                                                           strict=False)]


def read_rows(data: bytes, extension: str) -> ReadResult:
    """The data rows under the header row (row 1), keyed by column; blank rows skipped."""
    try:
        table = _xlsx_rows(data) if extension == ".xlsx" else _csv_rows(data)
    except Exception:  # openpyxl raises assorted errors on damaged workbooks; never crash on a user's file
        return ReadResult(error="文件无法读取：请使用下载的模板（.xlsx）或 UTF-8/GB18030 编码的 .csv。")
    if not table:
        return ReadResult(error="文件是空的。")
    header = [str(h).strip() if h is not None else "" for h in table[0]]
    positions = {HEADINGS[h]: i for i, h in enumerate(header) if h in HEADINGS}
    missing = [heading for key, heading in COLUMNS if key in REQUIRED and key not in positions]
    if missing:
        return ReadResult(error="第1行缺少列：" + "、".join(f"“{m}”" for m in missing) + "。请使用下载的模板。")
    if len(table) - 1 > MAX_ROWS:
        return ReadResult(error=f"一次最多导入{MAX_ROWS}行，请分批导入。")
    result = ReadResult()
    for number, raw in enumerate(table[1:], start=2):
        row = {key: (raw[i] if i < len(raw) else "") for key, i in positions.items()}
        if all(v in ("", None) for v in row.values()):
            continue
        result.rows.append((number, row))
    if not result.rows:
        result.error = "模板中没有数据行。"
    return result


def parse_date(value: Any) -> dt.date | None:
    """A date cell, or text as 2026-05-12, 2026/5/12, 2026.5.12 or 2026年5月12日; None when unreadable."""
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("年", "-").replace("月", "-").replace("日", "")
    for sep in ("/", "."):
        text = text.replace(sep, "-")
    parts = text.split("-")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except (ValueError, OverflowError):
        return None
