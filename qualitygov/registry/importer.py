"""Reading an entity export (登记注册 / 信用公示 export, .xlsx or .csv) into rows; no database.

Exports come as the upper systems write them: a merged title row or two above the header, the header
in Chinese with the systems' various names for a column, a 合计 row at the bottom, CSVs in UTF-8 (with
or without BOM) or GB18030. `read_table` finds the header (the first row, among the first
`HEADER_SEARCH_ROWS`, naming the 统一社会信用代码 column), maps the known columns and yields one
`RawRow` per data row with its row number in the file (1 = the file's first row; for a CSV, the line
where the record starts). `parse_row` turns a raw row into `EntityRow` or a list of `CellError`s
naming row, column and the reason in Chinese. Blank rows and totals rows are skipped.

Memory stays flat: .xlsx is read with openpyxl's read-only mode and rows are yielded as they are read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from qualitygov.utilities import uscc

HEADER_SEARCH_ROWS = 20

#: field → header names seen in exports (compared after removing blanks, case-insensitive).
COLUMNS: dict[str, tuple[str, ...]] = {
    "uscc": ("统一社会信用代码", "社会统一信用代码", "统一信用代码", "信用代码", "统一社会信用代码/注册号", "uscc"),
    "name": ("企业名称", "主体名称", "市场主体名称", "名称", "单位名称", "name"),
    "kind": ("类型", "主体类型", "市场主体类型", "企业类型", "企业类型（主体类型）", "kind"),
    "industry_code": ("行业代码", "国民经济行业代码", "行业门类代码", "industry_code"),
    "industry": ("行业", "所属行业", "行业名称", "国民经济行业", "国民经济行业名称", "industry"),
    "town": ("所属镇街", "镇街", "所属乡镇（街道）", "乡镇（街道）", "所属街道（乡镇）", "乡镇街道", "所属镇（街道）", "town"),
    "above_scale": ("规上", "是否规上", "规上企业", "是否规上企业", "规模以上", "above_scale"),
    "legal_representative": ("法定代表人", "法定代表人（负责人）", "法定代表人/负责人", "负责人", "经营者",
                             "legal_representative"),
    "address": ("住所", "住所（经营场所）", "经营场所", "地址", "注册地址", "address"),
    "registered_on": ("成立日期", "注册日期", "登记日期", "成立时间", "registered_on"),
    "status": ("登记状态", "经营状态", "企业状态", "状态", "status"),
}
LABELS: dict[str, str] = {
    "uscc": "统一社会信用代码", "name": "企业名称", "kind": "类型", "industry_code": "行业代码", "industry": "行业",
    "town": "所属镇街", "above_scale": "规上", "legal_representative": "法定代表人", "address": "住所",
    "registered_on": "成立日期", "status": "登记状态",
}
REQUIRED = ("uscc", "name")
_ALIASES = {re.sub(r"\s+", "", alias).lower(): key for key, names in COLUMNS.items() for alias in names}
_TOTALS = ("合计", "总计", "小计", "共计")

#: GB/T 4754-2017: the section (门类) of each two-digit division (大类).
_SECTIONS = (("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50), ("F", 51, 52), ("G", 53, 60),
             ("H", 61, 62), ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72), ("M", 73, 75),
             ("N", 76, 79), ("O", 80, 82), ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90), ("S", 91, 97),
             ("T", 98, 98))
SECTION_OF = {division: letter for letter, low, high in _SECTIONS for division in range(low, high + 1)}
_INDUSTRY = re.compile(r"^\s*([A-Ta-t])?\s*(\d{2,4})\s*[-—_:：、.．]?\s*(.*)$")

_YES = frozenset({"是", "规上", "y", "yes", "true", "1", "√", "✓", "规模以上"})
_NO = frozenset({"", "否", "n", "no", "false", "0", "×", "规下", "-", "—"})
_INACTIVE = ("注销", "吊销", "撤销", "迁出", "停业", "歇业", "清算")
_ACTIVE = ("存续", "在业", "开业", "正常", "在营", "确立", "迁入")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_DATE8 = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


class TableError(ValueError):
    """The file cannot be read as an entity table at all (no header, bad encoding…); `message` in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CellError:
    row: int
    column: str  # the column letter ("B"), "" when the error is about the row
    label: str  # the column's header as the file writes it
    message: str

    def __str__(self) -> str:
        where = f"{self.column}列（{self.label}）" if self.column else ""
        return f"第{self.row}行{where}：{self.message}"

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "label": self.label, "message": self.message}


@dataclass(frozen=True, slots=True)
class RawRow:
    row: int
    values: tuple


@dataclass(slots=True)
class EntityRow:
    """One entity as the file states it (town as written; the service resolves it)."""

    row: int
    uscc: str
    name: str
    kind: str = ""
    industry_code: str = ""
    industry_name: str = ""
    town: str = ""
    above_scale: bool = False
    legal_representative: str = ""
    address: str = ""
    registered_on: dt.date | None = None
    is_active: bool = True
    given: frozenset = field(default_factory=frozenset)  # the optional fields the file has a column for


@dataclass
class Table:
    """A readable export: where its header is, which column holds what, and its data rows (lazy)."""

    header_row: int
    columns: dict[str, int]  # field → 0-based column index
    headers: dict[str, str]  # field → header text as written
    rows: Iterator[RawRow]

    def where(self, key: str) -> tuple[str, str]:
        return get_column_letter(self.columns[key] + 1), self.headers[key]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_key(value) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value)).lower().lstrip("\ufeff").replace("*", "")
    return _ALIASES.get(text)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise TableError("无法识别文件编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV，或 .xlsx 文件") from None


def _csv_rows(data: bytes) -> Iterator[RawRow]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for record in reader:
            yield RawRow(start, tuple(record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TableError(f"第{start}行：CSV 格式有误（{exc}）") from None


def _xlsx_rows(data: bytes) -> Iterator[RawRow]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise TableError(f"无法读取 Excel 文件（{type(exc).__name__}）：请确认是 .xlsx 格式") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return
        # A read-only sheet numbers rows from its first stored row; count from min_row to keep file rows.
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=sheet.min_row or 1):
            yield RawRow(number, values)
    finally:
        workbook.close()


def raw_rows(name: str, data: bytes) -> Iterator[RawRow]:
    """Every row of the file's first sheet (xlsx) or of the CSV, with its row number."""
    lowered = name.lower()
    if lowered.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if lowered.endswith((".csv", ".txt")):
        return _csv_rows(data)
    raise TableError("只接受 .xlsx 或 .csv 文件")


def read_table(name: str, data: bytes, *, required: tuple[str, ...] = REQUIRED) -> Table:
    """Find the header and map the columns; TableError when there is no header naming `required`."""
    rows = raw_rows(name, data)
    for raw in rows:
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        for index, value in enumerate(raw.values):
            key = _header_key(value)
            if key is not None and key not in columns:
                columns[key] = index
                headers[key] = _text(value)
        if "uscc" in columns:
            missing = [LABELS[key] for key in required if key not in columns]
            if missing:
                raise TableError(f"第{raw.row}行表头缺少“{'”“'.join(missing)}”列")
            return Table(raw.row, columns, headers, rows)
        if raw.row >= HEADER_SEARCH_ROWS:
            break
    raise TableError(f"在前{HEADER_SEARCH_ROWS}行中没有找到“统一社会信用代码”列（表头应有一列名为“统一社会信用代码”）")


def is_skipped(values: tuple) -> bool:
    """Blank rows, and totals rows (合计/总计… in one of the first cells, no valid code), are not data."""
    for value in values:
        if value is not None and (not isinstance(value, str) or value.strip()):
            break
    else:
        return True
    for value in values[:3]:
        if isinstance(value, str) and value.replace(" ", "").lstrip().startswith(_TOTALS):
            return not any(uscc.is_valid(v) for v in values if isinstance(v, str))
    return False


def split_industry(code_text: str, name_text: str) -> tuple[str, str, str]:
    """(GB/T 4754 code like "C1361", name, error) from a code cell and/or an industry cell such as
    "C1361 水产品冷冻加工" or "1361"; the section letter is added or checked from the division."""
    code, name = code_text.strip(), name_text.strip()
    source = code or name
    if not source:
        return "", "", ""
    match = _INDUSTRY.match(source)
    if match is None:
        if code:
            return "", name, f"行业代码“{code}”不是国民经济行业分类（GB/T 4754）代码，如 C1361"
        return "", name, ""  # a name only
    letter, digits, rest = match.groups()
    division = int(digits[:2])
    section = SECTION_OF.get(division)
    if section is None:
        return "", name, f"行业代码“{source}”的大类“{digits[:2]}”不存在"
    if letter and letter.upper() != section:
        return "", name, f"行业代码“{source}”的门类应为“{section}”（大类{digits[:2]}属于门类{section}）"
    if not code:
        name = rest.strip()
    elif not name:
        name = rest.strip()
    return f"{section}{digits}", name, ""


def parse_date(value) -> tuple[dt.date | None, str]:
    if value is None or value == "":
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    text = _text(value)
    if not text:
        return None, ""
    match = _DATE.match(text) or _DATE8.match(text)
    if match is not None:
        try:
            return dt.date(*(int(g) for g in match.groups())), ""
        except ValueError:
            pass
    return None, f"“{text}”不是日期（应写作 2015-03-02 或 2015年3月2日）"


def parse_flag(value) -> tuple[bool, str]:
    if isinstance(value, bool):
        return value, ""
    text = _text(value).lower()
    if text in _YES:
        return True, ""
    if text in _NO:
        return False, ""
    return False, f"“{_text(value)}”应填“是”或“否”"


def parse_status(value) -> tuple[bool, str]:
    text = _text(value)
    if not text:
        return True, ""
    if any(word in text for word in _INACTIVE):
        return False, ""
    if any(word in text for word in _ACTIVE):
        return True, ""
    return True, f"无法识别的登记状态“{text}”（应为存续、在业、注销、吊销等）"


def kind_of(text: str, code: str) -> str:
    """EntityKind value from the 类型 cell, else from the code's 登记管理部门/机构类别 (91/92/93)."""
    if text:
        if "个体" in text:
            return "individual"
        if "合作社" in text:
            return "cooperative"
        if any(word in text for word in ("公司", "企业", "合伙", "独资", "分支", "外商")):
            return "enterprise"
    return {"91": "enterprise", "92": "individual", "93": "cooperative"}.get(code[:2], "other")


def _cell(values: tuple, index: int | None):
    if index is None or index >= len(values):
        return None
    return values[index]


def parse_row(table: Table, raw: RawRow) -> EntityRow | list[CellError]:
    """One data row as an `EntityRow`, or every error in it (row, column, reason in Chinese)."""
    cols = table.columns
    values = raw.values
    errors: list[CellError] = []

    def err(key: str, message: str) -> None:
        letter, label = table.where(key)
        errors.append(CellError(raw.row, letter, label, message))

    result = uscc.check(_cell(values, cols["uscc"]))
    if not result.valid:
        err("uscc", result.reason)
    name = _text(_cell(values, cols["name"]))
    if not name:
        err("name", "企业名称为空")
    elif len(name) > 200:
        err("name", "企业名称超过200字")
    get = cols.get
    industry_code, industry_name, problem = split_industry(_text(_cell(values, get("industry_code"))),
                                                           _text(_cell(values, get("industry"))))
    if problem:
        err("industry_code" if "industry_code" in cols else "industry", problem)
    above, problem = parse_flag(_cell(values, get("above_scale")))
    if problem:
        err("above_scale", problem)
    registered_on, problem = parse_date(_cell(values, get("registered_on")))
    if problem:
        err("registered_on", problem)
    active, problem = parse_status(_cell(values, get("status")))
    if problem:
        err("status", problem)
    kind_text = _text(_cell(values, get("kind")))
    legal = _text(_cell(values, get("legal_representative")))
    address = _text(_cell(values, get("address")))
    for key, text, limit in (("legal_representative", legal, 60), ("address", address, 200),
                             ("industry", industry_name, 100)):
        if len(text) > limit and key in cols:
            err(key, f"超过{limit}字")
    if errors:
        return errors
    return EntityRow(
        row=raw.row, uscc=result.code, name=name, kind=kind_of(kind_text, result.code), industry_code=industry_code,
        industry_name=industry_name, town=_text(_cell(values, get("town"))), above_scale=above,
        legal_representative=legal, address=address, registered_on=registered_on, is_active=active,
        given=frozenset(cols),
    )


def check_codes(name: str, data: bytes) -> dict:
    """`qualitygov entities check`: every data row's code checked, no database.

    `{"rows": n, "valid": n, "invalid": [{"line": n, "code": "...", "reason": "..."}]}`; the code is
    reported as written (surrounding blanks removed). TableError when there is no 统一社会信用代码 column.
    """
    table = read_table(name, data, required=("uscc",))
    index = table.columns["uscc"]
    rows = valid = 0
    invalid: list[dict] = []
    for raw in table.rows:
        if is_skipped(raw.values):
            continue
        rows += 1
        value = _cell(raw.values, index)
        result = uscc.check(value)
        if result.valid:
            valid += 1
        else:
            invalid.append({"line": raw.row, "code": _text(value), "reason": result.reason})
    return {"rows": rows, "valid": valid, "invalid": invalid}
