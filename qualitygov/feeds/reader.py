"""Reading an upper system's export as it comes: .xlsx or .csv, title rows and merged title cells above the
header, the header found by its column names, merged (or, in CSV, blank) cells in the town column, totals
rows (合计/总计 checked against the rows above, 小计 skipped), notes under the table, blank rows, GB18030
or UTF-8 (with or without BOM) text, "98.5%" and "1,234".

`read_feed` never raises on a file's content: whatever it cannot read becomes a `RowError` with the row
and column as a spreadsheet shows them and a Chinese message. It touches no database; town names are
turned into ids by the `resolve_town` callable the caller passes.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter

from .mappings import FieldSpec, Mapping

#: Rows searched for the header.
HEADER_SEARCH_ROWS = 30
#: Errors kept in a result; the count of the rest is still reported.
MAX_ERRORS = 500
EMPTY_MARKS = frozenset({"", "-", "－", "—", "--", "/", "／", "无", "\\"})
NOTE_STARTS = ("注", "备注", "说明", "填表", "制表", "审核", "数据来源", "单位负责人", "统计人", "联系电话")
TOTAL_WORDS = ("合计", "总计", "全区合计", "全区")
_TOTAL_FIRST = ("合", "总", "小", "全")
SUBTOTAL_WORDS = ("小计",)
_MONTH_RANGE = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月?\s*(?:-|－|—|~|～|至|到)\s*(\d{1,2})\s*月")
_MONTH_TEXT = re.compile(r"(20\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|$)")
_MONTH_COMPACT = re.compile(r"^(20\d{2})(\d{2})$")
_DAY_TEXT = re.compile(r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DAY_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)\"")
_PERCENT_BUILTIN = frozenset({9, 10})


@dataclass(frozen=True)
class RowError:
    """What could not be read: `row` as the spreadsheet numbers it (0 for the file as a whole), `column`
    as a letter with its header ("C列（受理量）"; "" when the whole row is concerned)."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{' ' + self.column if self.column else ''}：{self.message}"


@dataclass
class ParsedRow:
    row: int
    period_start: dt.date
    period_end: dt.date
    town_id: int | None
    town_name: str
    category: str
    subject: str
    figures: list[tuple[str, Decimal, Decimal | None]]  # (measure, value, weight)


@dataclass
class ReadResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    header_row: int = 0
    title: str = ""
    skipped_totals: list[int] = field(default_factory=list)

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message))

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def months(self) -> set[tuple[int, int]]:
        """The months the file covers (its rows' periods)."""
        return {(r.period_start.year, r.period_start.month) for r in self.rows}


# ---------------------------------------------------------------------------------------------
# Rows of a file
# ---------------------------------------------------------------------------------------------


class Unreadable(Exception):
    """The file as a whole cannot be read (Chinese message)."""


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any], set[int]]]:
    """(row number, values, indexes of percent-formatted cells) of the first worksheet, merged cells filled
    with their top-left value. Streams through openpyxl's parser; memory stays flat."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise Unreadable("无法打开该Excel文件（文件已损坏或不是.xlsx格式）") from exc
    try:
        if not wb.worksheets:
            raise Unreadable("该Excel文件没有工作表")
        ws = wb.worksheets[0]
        percent_styles = set()
        for index, style in enumerate(getattr(wb, "_cell_styles", [])):
            fmt_id = getattr(style, "numFmtId", 0)
            if fmt_id in _PERCENT_BUILTIN:
                percent_styles.add(index)
            elif fmt_id >= 164:
                formats = getattr(wb, "_number_formats", [])
                if 0 <= fmt_id - 164 < len(formats) and "%" in str(formats[fmt_id - 164]):
                    percent_styles.add(index)
        merges = _merged_ranges(wb, ws)
        carried: dict[tuple[int, int], Any] = {}  # (range index, ) top-left values
        with wb._archive.open(ws._worksheet_path) as src:
            parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            expected = 1
            for number, cells in parser.parse():
                while expected < number:
                    yield expected, [], set()
                    expected += 1
                expected = number + 1
                width = max((c["column"] for c in cells), default=0)
                values: list[Any] = [None] * width
                percent: set[int] = set()
                for cell in cells:
                    col = cell["column"] - 1
                    value = cell["value"]
                    if cell["data_type"] == "e":
                        value = None
                    values[col] = value
                    if cell["style_id"] in percent_styles:
                        percent.add(col)
                if merges:
                    values = _fill_merged(number, values, merges, carried)
                yield number, values, percent
    except Unreadable:
        raise
    except Exception as exc:
        raise Unreadable("Excel文件内容损坏，无法继续读取") from exc
    finally:
        wb.close()


def _column_index(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _merged_ranges(wb, ws) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of the sheet's merged cells, read from its XML without parsing it."""
    try:
        raw = wb._archive.read(ws._worksheet_path)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError):
        return []
    found = []
    for c1, r1, c2, r2 in _MERGE.findall(raw):
        min_row, max_row = int(r1), int(r2)
        min_col, max_col = _column_index(c1), _column_index(c2)
        if min_row <= max_row and min_col <= max_col and (max_row - min_row + 1) * (max_col - min_col + 1) <= 100_000:
            found.append((min_row, min_col, max_row, max_col))
    return sorted(found)


def _fill_merged(number: int, values: list[Any], merges, carried: dict) -> list[Any]:
    for index, (min_row, min_col, max_row, max_col) in enumerate(merges):
        if min_row > number:
            break
        if number > max_row:
            continue
        if number == min_row:
            carried[index] = values[min_col - 1] if len(values) >= min_col else None
        value = carried.get(index)
        if value is None:
            continue
        if len(values) < max_col:
            values = values + [None] * (max_col - len(values))
        for col in range(min_col - 1, max_col):
            if values[col] in (None, ""):
                values[col] = value
    return values


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030; Unreadable when neither reads the bytes."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable("无法识别CSV文件的编码（应为UTF-8或GB18030）")


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any], set[int]]]:
    text = decode_text(data)
    if "\x00" in text:
        raise Unreadable("CSV文件含有空字符，不是文本文件")
    first = text[:4096].split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for record in reader:
            number += 1
            yield number, list(record), set()
    except csv.Error as exc:
        raise Unreadable(f"第{number + 1}行CSV格式错误") from exc


def table_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[Any], set[int]]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx_rows(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _csv_rows(data)
    raise Unreadable("只接受.xlsx或.csv文件")


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def norm_header(value: Any) -> str:
    """A header as compared: full-width folded, blanks, units in brackets and marks removed."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\([^)]*\)", "", text)
    text = re.sub(r"[\s*:：#]", "", text)
    return text.lower()


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


class CellError(ValueError):
    """A cell that cannot be read; the message is Chinese."""


def parse_number(value: Any, *, percent_cell: bool = False) -> tuple[Decimal | None, bool]:
    """(number, written as a percent) of a cell; (None, False) for a blank or a dash. CellError otherwise.
    A percent-formatted spreadsheet cell holds a fraction (0.985) and is read as 98.5."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise CellError("应为数字")
        return None, False
    if isinstance(value, int | float):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise CellError("应为数字")
        number = Decimal(str(value))
        if percent_cell:
            return number * 100, True
        return number, False
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellError(f"“{text_of(value)}”不是数字")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text in EMPTY_MARKS:
        return None, False
    is_percent = text.endswith("%")
    clean = text.rstrip("%").replace(",", "").replace(" ", "").replace("\u3000", "")
    if len(clean) > 40:
        raise CellError(f"“{text[:20]}…”不是数字")
    try:
        number = Decimal(clean)
    except (InvalidOperation, ValueError):
        raise CellError(f"“{text[:40]}”不是数字") from None
    if not number.is_finite():
        raise CellError(f"“{text[:40]}”不是数字")
    return number, is_percent


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise CellError(f"月份“{year}年{month}月”无效")
    return dt.date(year, month, 1), _last_day(year, month)


def parse_month(value: Any) -> tuple[dt.date, dt.date]:
    if isinstance(value, dt.datetime | dt.date):
        return _month(value.year, value.month)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = text_of(value)
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    if _MONTH_RANGE.search(text):
        raise CellError(f"“{text}”跨越多个月份，请按月导出")
    found = _MONTH_COMPACT.match(text) or _MONTH_TEXT.search(text)
    if not found:
        raise CellError(f"“{text[:30]}”不是月份（应如2026年1月或2026-01）")
    return _month(int(found.group(1)), int(found.group(2)))


def parse_day(value: Any) -> tuple[dt.date, dt.date]:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not 2000 <= value.year <= 2100:
            raise CellError(f"日期“{value}”无效")
        return value, value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if 2000 <= day.year <= 2100:
                return day, day
    text = unicodedata.normalize("NFKC", text_of(value))
    found = _DAY_TEXT.match(text) or _DAY_COMPACT.match(text)
    if not found:
        raise CellError(f"“{text[:30]}”不是日期（应如2026-01-05）")
    try:
        day = dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        raise CellError(f"日期“{text}”无效") from None
    if not 2000 <= day.year <= 2100:
        raise CellError(f"日期“{text}”无效")
    return day, day


def title_month(title: str) -> tuple[dt.date, dt.date] | None:
    """The month a title names ("2026年1月…"); CellError for a span of months; None when none is named."""
    text = unicodedata.normalize("NFKC", title)
    if _MONTH_RANGE.search(text):
        raise CellError("表头标题中的统计期间跨越多个月份，请按月导出")
    found = _MONTH_TEXT.search(text)
    if not found:
        return None
    return _month(int(found.group(1)), int(found.group(2)))


def canonical(spec: FieldSpec, text: str) -> str | None:
    """The canonical value a mapped text stands for, None when the field's list does not know it."""
    if not spec.values:
        return text
    wanted = norm_header(text)
    for value, names in spec.values.items():
        if wanted == norm_header(value) or any(wanted == norm_header(name) for name in names):
            return value
    return None


# ---------------------------------------------------------------------------------------------
# The header
# ---------------------------------------------------------------------------------------------


@dataclass
class Header:
    row: int
    columns: dict[str, int]  # field/raw/figure name → column index
    names: dict[int, str]  # column index → header text, for messages


def _specs(mapping: Mapping) -> list[tuple[str, tuple[str, ...], bool]]:
    out = [(f"field:{name}", spec.headers, spec.required) for name, spec in mapping.fields.items()]
    out += [(f"raw:{name}", spec.headers, spec.required) for name, spec in mapping.raw.items()]
    out += [(f"figure:{spec.measure}", spec.headers, spec.required) for spec in mapping.figures]
    return out


def _match_header(row_no: int, values: list[Any], above: list[Any], mapping: Mapping) -> tuple[Header, list[str]]:
    """The columns this row names, and the labels of required columns it lacks."""
    candidates: dict[int, set[str]] = {}
    names: dict[int, str] = {}
    for col, value in enumerate(values):
        text = text_of(value)
        parent = text_of(above[col]) if col < len(above) else ""
        options = set()
        if text:
            options.add(norm_header(text))
            names[col] = text
            if parent and parent != text:
                options.add(norm_header(parent + text))
        if options:
            candidates[col] = options
    columns: dict[str, int] = {}
    missing = []
    labels = {f"field:{n}": s.label for n, s in mapping.fields.items()}
    labels |= {f"raw:{n}": s.label for n, s in mapping.raw.items()}
    labels |= {f"figure:{s.measure}": s.label for s in mapping.figures}
    taken: set[int] = set()
    for key, headers, required in _specs(mapping):
        wanted = [norm_header(h) for h in headers]
        found = None
        for alias in wanted:  # the first alias that some column carries wins: aliases are in preference order
            for col in sorted(candidates):
                if col not in taken and alias in candidates[col]:
                    found = col
                    break
            if found is not None:
                break
        if found is None:
            if required:
                missing.append(labels[key])
            continue
        columns[key] = found
        taken.add(found)
    return Header(row=row_no, columns=columns, names=names), missing


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

TownResolver = Callable[[str], tuple[int | None, str]]


def _no_towns(name: str) -> tuple[int | None, str]:
    return None, ""


def read_feed(data: bytes, filename: str, mapping: Mapping, *, resolve_town: TownResolver | None = None) -> ReadResult:
    """Read `data` (the file `filename`, .xlsx or .csv) with `mapping`. Never raises on content.

    `resolve_town(text) -> (id, "")` or `(None, Chinese reason)`; without it town names are kept as text.
    """
    result = ReadResult()
    try:
        _read(table_rows(data, filename), mapping, resolve_town or _no_towns, result)
    except Unreadable as exc:
        result.error(0, "", str(exc))
    except RecursionError:  # a pathological XML nesting
        result.error(0, "", "文件结构过深，无法读取")
    return result


def _total_columns(header: Header) -> tuple[int, ...]:
    keys = [header.columns.get(k) for k in ("field:town", "field:category", "field:subject", "field:period")]
    return tuple(sorted({c for c in keys if c is not None} | {0, 1}))


def _is_total(values: list[Any], looked: tuple[int, ...]) -> str:
    """"total", "subtotal" or "" for a data row."""
    width = len(values)
    for col in looked:
        if col >= width:
            continue
        value = values[col]
        if not isinstance(value, str) or not value:
            continue
        text = value.strip()
        if not text.startswith(_TOTAL_FIRST) and not text.endswith(("计", "区")):
            continue
        text = re.sub(r"\s", "", text)
        if any(text.startswith(word) for word in SUBTOTAL_WORDS):
            return "subtotal"
        if any(text.startswith(word) or text.endswith(word) for word in TOTAL_WORDS if word != "全区") or text == "全区":
            return "total"
    return ""


def _read(rows: Iterator[tuple[int, list[Any], set[int]]], mapping: Mapping, resolve_town: TownResolver,
          result: ReadResult) -> None:
    header: Header | None = None
    title_lines: list[str] = []
    above: list[Any] = []
    best_missing: list[str] | None = None
    for number, values, _percent in rows:
        if header is None:
            if number > HEADER_SEARCH_ROWS:
                break
            found, missing = _match_header(number, values, above, mapping)
            if not missing and found.columns:
                header = found
                result.header_row = number
                result.title = " ".join(title_lines)
                _read_body(rows, mapping, header, resolve_town, result)
                return
            if best_missing is None or len(missing) < len(best_missing):
                best_missing = missing
            # merged title cells repeat their text across the range: keep each text once
            line = " ".join(dict.fromkeys(t for t in (text_of(v) for v in values) if t))
            if line:
                title_lines.append(line)
            above = values
    if header is None:
        wanted = "、".join(f"“{m}”" for m in (best_missing or [])) or "映射中的列"
        result.error(0, "", f"未找到表头：在前{HEADER_SEARCH_ROWS}行中没有一行同时含有{wanted}")


def _col_label(header: Header, col: int) -> str:
    name = header.names.get(col, "")
    return f"{get_column_letter(col + 1)}列" + (f"（{name}）" if name else "")


def _read_body(rows, mapping: Mapping, header: Header, resolve_town: TownResolver, result: ReadResult) -> None:
    cols = header.columns
    period_col = cols.get("field:period")
    title_period: tuple[dt.date, dt.date] | None = None
    if period_col is None:
        if mapping.period_kind != "month":
            result.error(header.row, "", "缺少日期列")
            return
        try:
            title_period = title_month(result.title)
        except CellError as exc:
            result.error(0, "", str(exc))
            return
        if title_period is None:
            result.error(0, "", "无法确定统计月份：表中没有月份列，标题中也没有“××××年×月”")
            return
    fields = mapping.fields
    fills: dict[str, str] = {}
    towns: dict[str, tuple[int | None, str]] = {}
    seen: dict[tuple, int] = {}
    sums: dict[str, Decimal] = {}
    counts_ok = True
    figure_specs = [(spec, cols[f"figure:{spec.measure}"]) for spec in mapping.figures if f"figure:{spec.measure}" in cols]
    raw_specs = [(name, cols[f"raw:{name}"]) for name in mapping.raw if f"raw:{name}" in cols]
    mapped = [c for c in cols.values()]
    looked = _total_columns(header)
    for number, values, percent in rows:
        width = len(values)

        def cell(col: int | None, _values=values, _width=width) -> Any:
            return _values[col] if col is not None and col < _width else None

        if all(text_of(cell(c)) == "" for c in mapped):
            continue
        first = values[0] if width and values[0] not in (None, "") else (values[1] if width > 1 else None)
        if (isinstance(first, str) and first.lstrip().startswith(NOTE_STARTS)
                and all(cell(c) in (None, "") for _s, c in figure_specs)):
            continue
        kind = _is_total(values, looked)
        if kind == "subtotal":
            result.skipped_totals.append(number)
            continue
        if kind == "total":
            result.skipped_totals.append(number)
            if counts_ok and result.ok:
                for spec, col in figure_specs:
                    if spec.kind != "count":
                        continue
                    try:
                        total, _pct = parse_number(cell(col))
                    except CellError:
                        continue
                    if total is not None and spec.measure in sums and total != sums[spec.measure]:
                        result.error(number, _col_label(header, col),
                                     f"合计行与明细之和不符：合计为{_fmt(total)}，明细之和为{_fmt(sums[spec.measure])}")
            fills.clear()
            continue
        errors_before = result.error_count
        texts: dict[str, str] = {}
        for role in ("town", "category", "subject"):
            spec = fields.get(role)
            col = cols.get(f"field:{role}")
            if spec is None or col is None:
                texts[role] = ""
                continue
            text = text_of(cell(col))
            if not text and spec.fill_down:
                text = fills.get(role, "")
            if text:
                fills[role] = text
            if not text and spec.required:
                result.error(number, _col_label(header, col), f"{spec.label}为空")
            elif text and spec.values:
                value = canonical(spec, text)
                if value is None:
                    result.error(number, _col_label(header, col),
                                 f"{spec.label}“{text[:30]}”无法识别（应为：{'、'.join(spec.values)}）")
                text = value or ""
            texts[role] = text[:200]
        town_id = None
        if texts["town"]:
            if texts["town"] not in towns:
                towns[texts["town"]] = resolve_town(texts["town"])
            town_id, reason = towns[texts["town"]]
            if reason:
                result.error(number, _col_label(header, cols["field:town"]), reason)
        if period_col is not None:
            try:
                start, end = (parse_month if mapping.period_kind == "month" else parse_day)(cell(period_col))
            except CellError as exc:
                result.error(number, _col_label(header, period_col), str(exc))
                start = end = dt.date(2000, 1, 1)
        else:
            assert title_period is not None
            start, end = title_period
        figures: list[tuple[str, Decimal, Decimal | None]] = []
        by_measure: dict[str, Decimal] = {}
        for spec, col in figure_specs:
            try:
                value, is_percent = parse_number(cell(col), percent_cell=col in percent)
            except CellError as exc:
                result.error(number, _col_label(header, col), str(exc))
                counts_ok = False
                continue
            if value is None:
                continue
            problem = _check(spec.kind, value, is_percent)
            if problem:
                result.error(number, _col_label(header, col), problem)
                counts_ok = False
                continue
            by_measure[spec.measure] = value
        for spec, _col in figure_specs:
            if spec.measure in by_measure:
                weight = by_measure.get(spec.weight) if spec.kind == "rate" and spec.weight else None
                figures.append((spec.measure, by_measure[spec.measure].quantize(Decimal("0.0001")), weight))
        if mapping.derive is not None:
            raw = {name: cell(col) for name, col in raw_specs}
            try:
                derived = mapping.derive(raw)
            except (ValueError, ArithmeticError) as exc:
                col = raw_specs[0][1] if raw_specs else 0
                result.error(number, _col_label(header, col), str(exc)[:200])
                derived = {}
            figures += [(measure, value, None) for measure, value in derived.items()]
        if result.error_count > errors_before:
            continue
        if not figures:
            continue
        key = (start, end, town_id if town_id is not None else texts["town"], texts["category"], texts["subject"])
        if key in seen:
            result.error(number, "", f"与第{seen[key]}行重复（同一期间、镇街、类别）")
            continue
        seen[key] = number
        for measure, value, _weight in figures:
            sums[measure] = sums.get(measure, Decimal(0)) + value
        result.rows.append(ParsedRow(row=number, period_start=start, period_end=end, town_id=town_id,
                                     town_name=texts["town"], category=texts["category"], subject=texts["subject"],
                                     figures=figures))


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _check(kind: str, value: Decimal, is_percent: bool) -> str:
    if kind == "rate":
        if value < 0 or value > 100:
            return f"比率{_fmt(value)}%应在0～100之间"
        return ""
    if is_percent:
        return "应为数量，不是百分比"
    if value < 0:
        return f"{_fmt(value)}不能为负数"
    if kind == "count" and value != value.to_integral_value():
        return f"{_fmt(value)}应为整数"
    if abs(value) >= Decimal("1e12"):
        return f"{_fmt(value)}超出范围"
    return ""
