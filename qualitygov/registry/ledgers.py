"""One small engine for the ledgers kept against the directory's firms (the `registers` app's registers,
the one-stop window's import): a `Register` declares a ledger once — its model, columns (form
fields, .xlsx template/import/export columns), list, filters, the dates it counts by, its events and
measures — and the engine gives it list/detail/edit/delete pages, the .xlsx round trip and audited
writes, scoped to the keeping unit.

Columns (`Col`) name a model field and the fixed Chinese heading it carries in the spreadsheets. Kinds:
text, int, decimal, date, bool, choice (the choice's Chinese label or its code), entity (the firm's
统一社会信用代码; the export adds the firm's name, which the import ignores) and fk (a related record
matched by one of its fields, e.g. an award round by its title).

Reading a file (`read_rows`) touches the database only to look firms and related records up; it never
raises on a bad file: every problem is a Chinese line naming the row and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext

from qualitygov.core.events import EventType
from qualitygov.registry.models import MarketEntity

MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 1_500_000
TEXT, INT, DECIMAL, DATE, BOOL, CHOICE, ENTITY, FK = "text", "int", "decimal", "date", "bool", "choice", "entity", "fk"
ENTITY_NAME_HEADER = "企业名称"
UNIT_HEADER = "登记单位"
_TRUE = {"是", "y", "yes", "true", "1", "√", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", ""}


@dataclass(frozen=True)
class Col:
    """A column of a register: `name` is the model field, `header` its fixed Chinese heading."""

    name: str
    header: str
    kind: str = TEXT
    required: bool = False
    fk_lookup: str = ""  # kind fk: the related model's field a cell is matched on
    in_form: bool = True


@dataclass(frozen=True)
class ListCol:
    """A column of the list page: label, the value shown, and the sort key/order (blank: not sortable)."""

    label: Any
    value: Callable[[Any], Any]
    key: str = ""
    order: tuple = ()


@dataclass(frozen=True)
class Register:
    """The declaration of one register (see the module docstring)."""

    key: str  # URL prefix and URL-name prefix: "brands" → registers:brands_list
    model: type[models.Model]
    label: Any  # plural, the list's title
    noun: Any  # one record ("brand")
    columns: tuple[Col, ...]
    list_columns: tuple[ListCol, ...]
    date_field: str  # the date a record counts by (period filters, measures)
    events: tuple[EventType, EventType, EventType, EventType]  # create, update, delete, import
    measures: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()  # choice/bool fields offered as list filters
    search: tuple[str, ...] = ()  # fields the list's search box looks in
    natural_key: tuple[str, ...] = ()  # an imported row with these values updates the record that has them
    filename: str = ""  # stem of the export and template files (Chinese)
    description: Any = ""
    check: Callable[[Any], dict[str, str]] | None = None  # cross-field rules: field → message
    select_related: tuple[str, ...] = ("unit",)
    default_sort: str = "-date"
    personal: tuple[str, ...] = field(default=())  # personal data: never in a public snapshot

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)

    @property
    def form_columns(self) -> list[Col]:
        return [c for c in self.columns if c.in_form]

    def headers(self) -> list[str]:
        """The spreadsheet headings, in order: the template's and the export's (the export adds the unit)."""
        out = []
        for c in self.columns:
            out.append(c.header)
            if c.kind == ENTITY:
                out.append(ENTITY_NAME_HEADER)
        return out

    def queryset(self) -> models.QuerySet:
        return self.model.objects.select_related(*self.select_related)

    def has_entity(self) -> bool:
        return any(c.kind == ENTITY for c in self.columns)


# ── Values ──────────────────────────────────────────────────────────────────────────────────────────


def choice_label(model: type[models.Model], name: str, value: Any) -> str:
    """The Chinese label of a choice value (spreadsheets are Chinese whatever the interface language)."""
    choices = dict(model._meta.get_field(name).choices or ())
    with translation.override("zh-hans"):
        return str(choices.get(value, value or ""))


def cell_of(register: Register, obj: Any, col: Col) -> Any:
    """What a record holds in a column, as the export writes it."""
    value = getattr(obj, col.name)
    if col.kind == CHOICE:
        return choice_label(register.model, col.name, value)
    if col.kind == ENTITY:
        return value.uscc if value is not None else ""
    if col.kind == FK:
        return getattr(value, col.fk_lookup) if value is not None else ""
    if col.kind == BOOL:
        return "" if value is None else "是" if value else "否"
    return value


def export_row(register: Register, obj: Any) -> list[Any]:
    row: list[Any] = []
    for c in register.columns:
        row.append(cell_of(register, obj, c))
        if c.kind == ENTITY:
            entity = getattr(obj, c.name)
            row.append(entity.name if entity is not None else "")
    row.append(obj.unit.label if hasattr(obj.unit, "label") else str(obj.unit))
    return row


def export_header(register: Register) -> list[str]:
    return [*register.headers(), UNIT_HEADER]


def _letter(index: int) -> str:
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


class CellError(ValueError):
    pass


def _convert(register: Register, col: Col, raw: Any, lookups: dict) -> Any:
    """The value of one cell for the model field; CellError (Chinese) when it is not one."""
    text = _text(raw)
    if text == "":
        if col.required:
            raise CellError("必填")
        if col.kind == TEXT:
            return ""
        if col.kind == BOOL:  # blank: unknown where the field may say so, else no
            return None if register.model._meta.get_field(col.name).null else False
        return None
    field_ = register.model._meta.get_field(col.name)
    if col.kind == TEXT:
        limit = getattr(field_, "max_length", None)
        if limit and len(text) > limit:
            raise CellError(f"超过 {limit} 个字")
        return text
    if col.kind == INT:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(f"“{text[:20]}”不是整数") from None
        if number != number.to_integral_value() or number < 0 or number > 2_000_000_000:
            raise CellError(f"“{text[:20]}”不是整数")
        return int(number)
    if col.kind == DECIMAL:
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise CellError(f"“{text[:20]}”不是数字") from None
        if not number.is_finite() or number < 0 or number >= Decimal(10) ** (field_.max_digits - field_.decimal_places):
            raise CellError(f"“{text[:20]}”超出范围")
        return number.quantize(Decimal(1).scaleb(-field_.decimal_places))
    if col.kind == DATE:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        m = _DATE.match(text)
        try:
            if not m:
                raise ValueError
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise CellError(f"“{text[:20]}”不是日期（如 2026-03-15）") from None
    if col.kind == BOOL:
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise CellError(f"“{text[:20]}”应为“是”或“否”")
    if col.kind == CHOICE:
        choices = lookups.setdefault(("choice", col.name), _choice_map(register.model, col.name))
        if text in choices:
            return choices[text]
        shown = "、".join(dict.fromkeys(label for label in choices if not label.isascii()))
        raise CellError(f"“{text[:20]}”不是可选值（可选：{shown}）")
    if col.kind == ENTITY:
        code = text.upper()
        entities = lookups.setdefault("entities", {})
        if code not in entities:
            entities[code] = MarketEntity.objects.filter(uscc=code).first()
        if entities[code] is None:
            raise CellError(f"“{code[:20]}”不在市场主体名录中")
        return entities[code]
    if col.kind == FK:
        related = field_.related_model
        found = lookups.setdefault(("fk", col.name), {})
        if text not in found:
            found[text] = lookups["fk_queryset"](col.name, related).filter(**{col.fk_lookup: text}).first()
        if found[text] is None:
            raise CellError(f"找不到“{text[:30]}”")
        return found[text]
    raise CellError("无法识别")  # pragma: no cover - every kind is handled above


def _choice_map(model: type[models.Model], name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, label in model._meta.get_field(name).choices or ():
        with translation.override("zh-hans"):
            zh = str(label)
        out[str(value)] = value
        out[zh] = value
        out[str(label)] = value
        short = re.sub(r"[（(].*?[)）]", "", zh).strip()
        if short:
            out.setdefault(short, value)
    return out


# ── Reading a file ──────────────────────────────────────────────────────────────────────────────────


@dataclass
class ParsedRow:
    line: int  # the row number in the sheet (header = 1)
    values: dict[str, Any]


@dataclass
class ReadResult:
    rows: list[ParsedRow]
    errors: list[str]

    def bad_lines(self) -> set[int]:
        """The row numbers some error names ("第N行…")."""
        return {int(m.group(1)) for m in (re.match(r"第(\d+)行", e) for e in self.errors) if m}


class RecordMatcher:
    """Matches a file's rows to recorded ones by the register's natural key, for an import's dry run:
    `match(row)` gives (the record the row updates or None, None) or (None, the row's error) when the
    row repeats an earlier one or names a record `changeable` (the actor's) does not hold."""

    def __init__(self, register: Register, changeable: models.QuerySet):
        self.register, self.changeable, self.seen = register, changeable, {}

    def match(self, row: ParsedRow) -> tuple[Any | None, str | None]:
        key = natural_key_of(self.register, row.values)
        if key is None:
            return None, None
        if key in self.seen:
            return None, gettext("Row %(line)d repeats row %(first)d.") % {"line": row.line, "first": self.seen[key]}
        self.seen[key] = row.line
        lookup = {n: row.values[n] for n in self.register.natural_key}
        existing = self.register.model.objects.filter(**lookup).first()
        if existing is not None and not self.changeable.filter(pk=existing.pk).exists():
            return None, gettext("Row %(line)d: this record is kept by another unit.") % {"line": row.line}
        return existing, None


def _grid(data: bytes, filename: str) -> list[list[Any]]:
    """The first sheet's rows (.xlsx) or the CSV's rows; ValueError (Chinese) for an unreadable file."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError("无法识别文件编码（请用 UTF-8 或 GB18030 保存 CSV）")
        if "\x00" in text:
            raise ValueError("文件不是文本格式的 CSV")
        return [list(row) for row in csv.reader(io.StringIO(text))][: MAX_IMPORT_ROWS + 2]
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types on a damaged file; all mean "cannot read it"
        raise ValueError("无法读取该 Excel 文件（请用模板另存为 .xlsx 后再导入）") from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_IMPORT_ROWS + 1:
                break
        return rows
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError):
        raise ValueError("无法读取该 Excel 文件（请用模板另存为 .xlsx 后再导入）") from None
    finally:
        wb.close()


def read_rows(register: Register, data: bytes, filename: str, *,
              fk_queryset: Callable[[str, type], models.QuerySet] | None = None) -> ReadResult:
    """Every data row of the file as model values, and every problem as "第N行“列名”列（C）：…".

    The header row is the first row holding the register's headings; columns are found by heading
    (their order does not matter; unknown columns are ignored); blank rows are skipped.
    """
    try:
        grid = _grid(data, filename)
    except ValueError as exc:
        return ReadResult([], [str(exc)])
    except Exception:  # a parser's internal failure on a malformed file is still "unreadable"
        return ReadResult([], ["无法读取该文件"])
    wanted = {c.header: c for c in register.columns}
    header_at, positions = None, {}
    for r, row in enumerate(grid[:10]):
        found = {_text(v).replace(" ", ""): i for i, v in enumerate(row)}
        if sum(1 for h in wanted if h in found) >= max(1, len([c for c in register.columns if c.required]) // 2):
            header_at, positions = r, {h: found[h] for h in wanted if h in found}
            break
    if header_at is None:
        return ReadResult([], [f"找不到表头行：请使用本登记簿的导入模板（表头含“{'”“'.join(list(wanted)[:3])}”等）"])
    errors = [f"缺少“{c.header}”列" for c in register.columns if c.required and c.header not in positions]
    if errors:
        return ReadResult([], errors)
    if len(grid) - header_at - 1 > MAX_IMPORT_ROWS:
        return ReadResult([], [f"一次最多导入 {MAX_IMPORT_ROWS} 行，请分批导入"])
    lookups: dict = {"fk_queryset": fk_queryset or (lambda name, model: model._default_manager.all())}
    rows: list[ParsedRow] = []
    for r in range(header_at + 1, len(grid)):
        row = grid[r]
        if all(_text(v) == "" for v in row):
            continue
        line = r + 1
        values: dict[str, Any] = {}
        for col in register.columns:
            index = positions.get(col.header)
            raw = row[index] if index is not None and index < len(row) else None
            if index is None and not col.required:
                continue
            try:
                values[col.name] = _convert(register, col, raw, lookups)
            except CellError as exc:
                errors.append(f"第{line}行“{col.header}”列（{_letter(index if index is not None else 0)}）：{exc}")
        rows.append(ParsedRow(line, values))
    if not rows and not errors:
        errors.append("文件中没有数据行")
    return ReadResult(rows, errors)


def validation_messages(register: Register, exc: ValidationError) -> dict[str, list[str]]:
    """A model's ValidationError as field → messages, in Chinese."""
    with translation.override("zh-hans"):
        if hasattr(exc, "error_dict"):
            return {name: [str(m) for e in errors for m in e.messages] for name, errors in exc.error_dict.items()}
        return {"__all__": [str(m) for m in exc.messages]}


def header_of(register: Register, name: str) -> str:
    for c in register.columns:
        if c.name == name:
            return c.header
    return ""


def natural_key_of(register: Register, values: dict[str, Any]) -> tuple | None:
    if not register.natural_key or any(values.get(n) in (None, "") for n in register.natural_key):
        return None
    return tuple(getattr(values[n], "pk", values[n]) for n in register.natural_key)


def template_sheets(register: Register) -> list[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]:
    """The import template: the headings, and a sheet explaining each column (required, allowed values)."""
    notes = []
    for c in register.columns:
        allowed = ""
        if c.kind == CHOICE:
            allowed = "、".join(choice_label(register.model, c.name, v) for v, _l in
                               register.model._meta.get_field(c.name).choices)
        elif c.kind == DATE:
            allowed = "日期，如 2026-03-15"
        elif c.kind == BOOL:
            allowed = "是 / 否"
        elif c.kind == ENTITY:
            allowed = "18位统一社会信用代码，须已在市场主体名录中（“企业名称”列仅供核对，导入时不读取）"
        elif c.kind in (INT, DECIMAL):
            allowed = "数字"
        elif c.kind == FK:
            allowed = "须与已登记的名称完全一致"
        notes.append([c.header, "必填" if c.required else "选填", allowed])
    if register.natural_key:
        keys = "、".join(header_of(register, n) for n in register.natural_key)
        notes.append(["说明", "", f"与已登记记录的“{keys}”相同的行更新该记录，其余行新增；一行有错则整批不导入"])
    else:
        notes.append(["说明", "", "每行新增一条记录；一行有错则整批不导入"])
    return [("导入", register.headers(), []), ("填写说明", ["列", "是否必填", "填写要求"], notes)]
