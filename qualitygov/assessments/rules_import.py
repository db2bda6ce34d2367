"""Reading a scoring table (评分细则) from Excel (.xlsx) or Word (.docx) into the exchange format.

The usual table has the columns 序号 / 考核内容 / 分值 / 评分标准 [/ 责任单位], found by name (also
考核项目/评价内容, 分数/标准分, 评分细则/考核标准, 牵头单位, and 指标/类别 columns that group rows). The
tree comes from the numbering (一、 and （一） are groups, 1. an item, 1.1 a sub-item of 1.), from
heading rows spanning the table, from 指标/类别 columns and from a 考核内容 cell merged over several
rows (the parent group of those rows). Merged cells are carried down. Rows under a 加分 heading are
bonus items, rows under a 一票否决 heading (or saying 一票否决) vetoes.

`parse_rules(name, data)` → `ParsedRules` (never raises anything but `RulesFileError`); each row's
problems (`row_problems`) are recomputed after the office's corrections, and `build_document`
turns a parse without open problems into a scheme document the engine validates. Every leaf is
scored `judged` by default; the 评分标准 text is kept as the item's `description`, the unit as `owner`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

#: Methods the office may pick for an imported row: those needing no parameters.
ROW_METHODS = ("judged", "binary")
DEFAULT_GRADES = [{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}, {"grade": "合格", "min": 60},
                  {"grade": "不合格", "min": None}]
MAX_ROWS = 2000

GROUP, ITEM, BONUS, VETO = "group", "item", "bonus", "veto"

_HEADERS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序"),
    "content": ("考核内容", "考核项目", "评价内容", "考核事项", "工作内容", "考核要点", "评价项目", "内容"),
    "max": ("分值", "分数", "标准分", "满分", "赋分"),
    "criteria": ("评分标准", "评分细则", "考核标准", "评分办法", "计分方法", "评分方法", "考核细则", "评价标准"),
    "owner": ("责任单位", "牵头单位", "责任部门", "牵头部门", "考核单位"),
}
_CATEGORY_WORDS = ("指标", "类别", "项目类别", "考核类别")
_CN_DIGITS = "一二三四五六七八九十"
_CN_HEAD = re.compile(rf"^\s*([{_CN_DIGITS}]+)\s*[、.．]\s*")
_CN_SUB = re.compile(rf"^\s*[（(]\s*([{_CN_DIGITS}]+)\s*[）)]\s*")
_NUM_SEQ = re.compile(r"^\s*(\d+(?:\s*[.．]\s*\d+)*)\s*[.．、]?\s*$")
_POINTS = re.compile(r"(\d+(?:\.\d+)?)\s*分")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TOTAL = re.compile(r"\s*(合\s*计|总\s*计|总\s*分|小\s*计)\s*")


class RulesFileError(Exception):
    """The file cannot be read as a scoring table; `message` is one Chinese line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class RuleRow:
    """One row of the table as the review shows it; `parent` is the index of its group row."""

    row: int
    seq: str
    name: str
    max_text: str
    criteria: str = ""
    owner: str = ""
    kind: str = ITEM
    parent: int | None = None
    method: str = "judged"
    skip: bool = False
    stated: bool = True  # a group's max was written in the table (not only derived)
    code: str = ""
    depth: int = 0


@dataclass
class ParsedRules:
    """The rows of a scoring table and the header names it used (for messages: row and column)."""

    rows: list[RuleRow]
    columns: dict[str, str]
    title: str = ""
    sheet: str = ""
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"rows": [asdict(r) for r in self.rows], "columns": self.columns, "title": self.title,
                "sheet": self.sheet, "notes": self.notes}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParsedRules:
        return cls(rows=[RuleRow(**r) for r in data["rows"]], columns=dict(data["columns"]),
                   title=data.get("title", ""), sheet=data.get("sheet", ""), notes=list(data.get("notes", [])))


# --- reading cells ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()


@dataclass
class _Cell:
    text: str
    origin: int  # the row a (vertically) merged cell starts on; its own row otherwise


def _xlsx_tables(data: bytes) -> list[tuple[str, list[list[_Cell]]]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), data_only=True)
    tables = []
    for ws in wb.worksheets:
        if not hasattr(ws, "merged_cells"):
            continue
        max_row, max_col = min(ws.max_row or 0, MAX_ROWS), min(ws.max_column or 0, 40)
        grid = [[_Cell(_text(ws.cell(row=r, column=c).value), r) for c in range(1, max_col + 1)]
                for r in range(1, max_row + 1)]
        for rng in ws.merged_cells.ranges:
            top = _text(ws.cell(row=rng.min_row, column=rng.min_col).value)
            for r in range(rng.min_row, min(rng.max_row, max_row) + 1):
                for c in range(rng.min_col, min(rng.max_col, max_col) + 1):
                    grid[r - 1][c - 1] = _Cell(top, rng.min_row)
        tables.append((ws.title, grid))
    return tables


def _docx_tables(data: bytes) -> list[tuple[str, list[list[_Cell]]]]:
    from docx import Document

    document = Document(io.BytesIO(data))
    tables = []
    for number, table in enumerate(document.tables, start=1):
        seen: dict[Any, int] = {}
        grid = []
        for r, row in enumerate(table.rows[:MAX_ROWS], start=1):
            cells = []
            for cell in list(row.cells)[:40]:
                origin = seen.setdefault(cell._tc, r)
                cells.append(_Cell(_text(cell.text), origin))
            grid.append(cells)
        tables.append((f"表{number}", grid))
    return tables


# --- the header ------------------------------------------------------------------------------------


def _column_kind(text: str) -> str | None:
    text = re.sub(r"\s+", "", text)
    if not text or len(text) > 12:
        return None
    for kind, names in _HEADERS.items():
        if any(text == n or (len(n) > 1 and text.startswith(n)) for n in names):
            return kind
    if any(word in text for word in _CATEGORY_WORDS):
        return "category"
    return None


def _find_header(grid: list[list[_Cell]]) -> tuple[int, dict[str, int], list[int]] | None:
    for index, row in enumerate(grid[:15]):
        found: dict[str, int] = {}
        categories: list[int] = []
        for col, cell in enumerate(row):
            kind = _column_kind(cell.text)
            if kind == "category":
                if col not in categories and cell.text not in {row[c].text for c in categories}:
                    categories.append(col)
            elif kind == "content" and "content" in found:
                # 考核项目 | 考核内容: the first names the group, the second the item.
                categories.append(found["content"])
                found["content"] = col
            elif kind and kind not in found:
                found[kind] = col
        if "max" in found and ("content" in found or "criteria" in found):
            categories = [c for c in categories if c not in found.values()]
            return index, found, categories
    return None


# --- the tree --------------------------------------------------------------------------------------


def _points(text: str) -> Decimal | None:
    """A score written in a cell: "5", "5分", "5.0"; for bonus items also "最高加5分" (None: not a number)."""
    cleaned = re.sub(r"\s+", "", text).removesuffix("分")
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        try:
            return Decimal(cleaned)
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            return None
    return None


def _bonus_points(text: str) -> Decimal | None:
    value = _points(text)
    if value is not None:
        return value
    match = _NUMBER.search(text) if "加" in text else None
    return Decimal(match.group()) if match else None


def _heading(text: str) -> tuple[int, str, str, str]:
    """(level, numbering, name, stated points) of a heading row's text such as "一、组织领导（20分）"."""
    level, seq, rest = 1, "", text
    if match := _CN_SUB.match(text):
        level, seq, rest = 2, match.group(0).strip(), text[match.end():]
    elif match := _CN_HEAD.match(text):
        level, seq, rest = 1, match.group(0).strip(), text[match.end():]
    points = ""
    if m := re.search(r"[（(][^（）()]*?(\d+(?:\.\d+)?)\s*分[^（）()]*[）)]\s*$", rest):
        points, rest = m.group(1), rest[:m.start()]
    return level, seq, rest.strip(), points


def _kind_of(text: str) -> str:
    if "否决" in text:
        return VETO
    if "加分" in text:
        return BONUS
    return GROUP


def _first_clause(text: str) -> str:
    clause = re.split(r"[。；;\n]", text.strip(), maxsplit=1)[0]
    return clause[:60]


class _Builder:
    def __init__(self) -> None:
        self.rows: list[RuleRow] = []
        self.headings: list[tuple[int, int]] = []  # (level, row index)
        self.path: list[tuple[Any, int]] = []  # (identity, row index) of the open groups below the headings
        self.numbered: dict[str, int] = {}

    def add(self, row: RuleRow) -> int:
        self.rows.append(row)
        return len(self.rows) - 1

    def heading(self, level: int, row: RuleRow) -> None:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        row.parent = self.headings[-1][1] if self.headings else None
        if row.parent is not None and row.kind == GROUP:
            row.kind = self.rows[row.parent].kind if self.rows[row.parent].kind in (BONUS, VETO) else GROUP
        self.headings.append((level, self.add(row)))
        self.path = []
        self.numbered = {}

    def under(self, groups: list[tuple[Any, RuleRow]]) -> int | None:
        """Open the group path `groups` (identity, row to create) below the headings; its last index."""
        keep = 0
        while keep < len(self.path) and keep < len(groups) and self.path[keep][0] == groups[keep][0]:
            keep += 1
        self.path = self.path[:keep]
        parent = self.path[-1][1] if self.path else (self.headings[-1][1] if self.headings else None)
        for identity, row in groups[keep:]:
            row.parent = parent
            parent = self.add(row)
            self.path.append((identity, parent))
        return parent


def _inherited_kind(rows: list[RuleRow], parent: int | None, own: str) -> str:
    if "否决" in own:
        return VETO
    while parent is not None:
        if rows[parent].kind in (BONUS, VETO):
            return rows[parent].kind
        parent = rows[parent].parent
    if own.startswith("加分") or "加分项" in own:
        return BONUS
    return ITEM


def _rows_of(grid: list[list[_Cell]], header: int, cols: dict[str, int], cats: list[int]) -> list[RuleRow]:
    width = max(len(r) for r in grid)
    b = _Builder()
    merged_leaf: dict[int, int] = {}  # content origin row → the leaf row combining a merged item

    def cell(row: list[_Cell], kind: str) -> _Cell:
        col = cols.get(kind)
        if col is None or col >= len(row):
            return _Cell("", -1)
        return row[col]

    for index in range(header + 1, len(grid)):
        raw = grid[index]
        number = index + 1
        texts = {c.text for c in raw if c.text}
        if not texts:
            continue
        filled = [c.text for c in raw if c.text]
        lone = len(filled) == 1 and (_CN_HEAD.match(filled[0]) or _CN_SUB.match(filled[0])
                                     or "加分" in filled[0] or "否决" in filled[0])
        if len(texts) == 1 and ((width >= 3 and len(filled) >= min(3, len(raw))) or lone):
            level, seq, name, points = _heading(next(iter(texts)))
            b.heading(level, RuleRow(row=number, seq=seq, name=name, max_text=points, kind=_kind_of(name),
                                     stated=bool(points)))
            continue
        seq, content, score = cell(raw, "seq"), cell(raw, "content"), cell(raw, "max")
        criteria, owner = cell(raw, "criteria").text, cell(raw, "owner").text
        if _TOTAL.fullmatch(seq.text) or _TOTAL.fullmatch(content.text):
            continue  # the 合计 row under the table
        cn_top = re.fullmatch(rf"[{_CN_DIGITS}]+\s*[、.．]?", seq.text)
        cn_sub = re.fullmatch(rf"[（(]\s*[{_CN_DIGITS}]+\s*[）)]", seq.text)
        if cn_top or cn_sub:
            name = content.text or criteria
            b.heading(2 if cn_sub else 1, RuleRow(row=number, seq=seq.text, name=name, max_text=score.text,
                                                  criteria=criteria, owner=owner, kind=_kind_of(name),
                                                  stated=bool(score.text)))
            continue
        groups: list[tuple[Any, RuleRow]] = []
        for col in cats:
            if col < len(raw) and raw[col].text and raw[col].text != content.text:
                c = raw[col]
                groups.append((("cat", col, c.origin, c.text),
                               RuleRow(row=number, seq="", name=c.text, max_text="", kind=_kind_of(c.text),
                                       stated=False)))
        content_merged = content.origin not in (-1, number) or (
            index + 1 < len(grid) and cell(grid[index + 1], "content").origin == number)
        score_merged = score.origin not in (-1, number) or (
            index + 1 < len(grid) and cell(grid[index + 1], "max").origin == number)
        if content_merged and score_merged and score.origin == content.origin:
            # One item written over several rows (its criteria line by line): one leaf.
            if content.origin in merged_leaf and content.origin != number:
                leaf = b.rows[merged_leaf[content.origin]]
                if criteria and criteria not in leaf.criteria.split("\n"):
                    leaf.criteria = f"{leaf.criteria}\n{criteria}".strip()
                if owner and not leaf.owner:
                    leaf.owner = owner
                continue
            parent = b.under(groups)
            own = f"{content.text}{criteria}"
            leaf_row = RuleRow(row=number, seq=seq.text, name=content.text, max_text=score.text, criteria=criteria,
                               owner=owner, parent=parent, kind=_inherited_kind(b.rows, parent, own))
            merged_leaf[content.origin] = b.add(leaf_row)
            continue
        if content_merged:
            seq_merged = seq.origin == content.origin and seq.text
            group_row = RuleRow(row=content.origin, seq=seq.text if seq_merged else "", name=content.text,
                                max_text="", kind=_kind_of(content.text), stated=False)
            groups.append((("merged", content.origin), group_row))
            parent = b.under(groups)
            name = _first_clause(criteria) or content.text
            if seq_merged:
                seq = _Cell("", number)
        else:
            parent = b.under(groups)
            name = content.text or ("" if "content" in cols else _first_clause(criteria))
        sub = _NUM_SEQ.match(seq.text)
        parts = re.split(r"\s*[.．]\s*", sub.group(1)) if sub else []
        if len(parts) > 1 and (top := b.numbered.get(".".join(parts[:-1]))) is not None:
            if b.rows[top].kind == ITEM:
                b.rows[top].kind = GROUP
            parent = top
        own = f"{content.text}{criteria}"
        leaf = RuleRow(row=number, seq=seq.text, name=name, max_text=score.text, criteria=criteria, owner=owner,
                       parent=parent, kind=_inherited_kind(b.rows, parent, own))
        at = b.add(leaf)
        if parts:
            b.numbered[".".join(parts)] = at
    rows = b.rows
    # A group row that got no children is an item (a numbered row written like a heading, say).
    has_child = {r.parent for r in rows if r.parent is not None}
    for i, r in enumerate(rows):
        if r.kind == GROUP and i not in has_child:
            r.kind = ITEM if r.max_text else r.kind
        r.depth = 0 if r.parent is None else rows[r.parent].depth + 1
    return rows


def _title_above(grid: list[list[_Cell]], header: int) -> str:
    for row in grid[:header]:
        texts = {c.text for c in row if c.text}
        if len(texts) == 1:
            return next(iter(texts))[:200]
    return ""


def parse_rules(name: str, data: bytes) -> ParsedRules:
    """The rows of the first table in `data` (.xlsx or .docx) with a 分值 and a 考核内容/评分标准 column."""
    ext = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    try:
        if ext == "xlsx":
            tables = _xlsx_tables(data)
        elif ext == "docx":
            tables = _docx_tables(data)
        else:
            raise RulesFileError("只能导入 Excel（.xlsx）或 Word（.docx）格式的评分细则表")
    except RulesFileError:
        raise
    except Exception as exc:
        # openpyxl and python-docx raise many kinds of error on a damaged file; all mean "unreadable".
        raise RulesFileError(f"文件“{name}”已损坏或不是有效的 .{ext} 文件，无法读取") from exc
    for sheet, grid in tables:
        if not grid:
            continue
        found = _find_header(grid)
        if found is None:
            continue
        header, cols, cats = found
        labels = {kind: grid[header][col].text for kind, col in cols.items()}
        rows = _rows_of(grid, header, cols, cats)
        if not rows:
            raise RulesFileError(f"“{sheet}”表头下没有任何考核内容")
        assign_codes(rows)
        return ParsedRules(rows=rows, columns=labels, title=_title_above(grid, header), sheet=sheet)
    raise RulesFileError("没有找到评分细则表：表头应含“分值”列和“考核内容”或“评分标准”列")


# --- problems, codes and the document --------------------------------------------------------------


def _column(parsed: ParsedRules, kind: str, default: str) -> str:
    return parsed.columns.get(kind) or default


def _children(rows: list[RuleRow]) -> dict[int | None, list[int]]:
    out: dict[int | None, list[int]] = {}
    for i, r in enumerate(rows):
        if not r.skip:
            out.setdefault(r.parent, []).append(i)
    return out


def _live(rows: list[RuleRow], i: int) -> bool:
    while i is not None:
        if rows[i].skip:
            return False
        i = rows[i].parent
    return True


def _leaf_max(rows: list[RuleRow], kids: dict[int | None, list[int]], i: int) -> Decimal | None:
    if i in kids:
        total = Decimal(0)
        for k in kids[i]:
            value = _leaf_max(rows, kids, k)
            if value is None:
                return None
            total += value if rows[k].kind in (ITEM, GROUP) else 0
        return total
    return _points(rows[i].max_text) if rows[i].kind == ITEM else Decimal(0)


def row_problems(parsed: ParsedRules) -> dict[int, list[str]]:
    """Problems by row index, each naming the table row and column in Chinese; skipped rows have none."""
    rows, kids = parsed.rows, _children(parsed.rows)
    max_col, name_col = _column(parsed, "max", "分值"), _column(parsed, "content", "考核内容")
    out: dict[int, list[str]] = {}
    for i, r in enumerate(rows):
        if not _live(rows, i):
            continue
        problems = []
        if not (r.name.strip() or (r.kind == VETO and r.criteria.strip())):
            problems.append(f"第{r.row}行“{name_col}”列为空")
        if i in kids and r.kind in (GROUP, ITEM):
            total = _leaf_max(rows, kids, i)
            stated = _points(r.max_text) if r.max_text else None
            if r.max_text and stated is None:
                problems.append(f"第{r.row}行“{max_col}”列：“{r.max_text}”不是数字")
            elif stated is not None and total is not None and total != stated:
                problems.append(f"第{r.row}行“{max_col}”列：下设各项合计 {_fmt(total)} 分，与本项 {_fmt(stated)} 分不符")
        elif r.kind == ITEM:
            value = _points(r.max_text)
            if not r.max_text:
                problems.append(f"第{r.row}行“{max_col}”列为空")
            elif value is None:
                problems.append(f"第{r.row}行“{max_col}”列：“{r.max_text}”不是数字")
            elif value <= 0:
                problems.append(f"第{r.row}行“{max_col}”列：分值应大于 0")
            if r.method not in ROW_METHODS:
                problems.append(f"第{r.row}行：计分方式“{r.method}”无效")
        elif r.kind == BONUS and i not in kids:
            value = _bonus_points(r.max_text)
            if value is None or value <= 0:
                problems.append(f"第{r.row}行“{max_col}”列：加分项“{r.max_text}”不是有效分值")
        if problems:
            out[i] = problems
    return out


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _seq_code(seq: str) -> str:
    code = re.sub(r"[\s、.．。（）()]+$", "", seq.strip())
    code = re.sub(r"^[（(]|[）)]$", "", code)
    return re.sub(r"\s+", "", code)[:40]


def _letters(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def assign_codes(rows: list[RuleRow]) -> None:
    """Codes: a leaf keeps its 序号 when unique in the table, else (and for groups) a generated one
    — A, B… for top groups, A1, A2… below them, A1-1… further down; vetoes V1…, bonus items B-1…"""
    counts: dict[str, int] = {}
    for r in rows:
        if r.kind != GROUP and (code := _seq_code(r.seq)):
            counts[code] = counts.get(code, 0) + 1
    kids: dict[int | None, list[int]] = {}
    for i, r in enumerate(rows):
        kids.setdefault(r.parent, []).append(i)
    used: set[str] = set()
    vetoes = bonus = 0

    def generated(parent_code: str, n: int, depth: int) -> str:
        if depth == 0:
            return _letters(n)
        return f"{parent_code}{n + 1}" if depth == 1 else f"{parent_code}-{n + 1}"

    def walk(parent: int | None, parent_code: str, depth: int) -> None:
        nonlocal vetoes, bonus
        for n, i in enumerate(kids.get(parent, [])):
            r = rows[i]
            if r.kind == VETO and i not in kids:
                vetoes += 1
                r.code = f"V{vetoes}"
            elif r.kind == BONUS and i not in kids:
                bonus += 1
                r.code = f"J{bonus}"
            else:
                own = _seq_code(r.seq) if r.kind != GROUP else ""
                code = own if own and counts.get(own) == 1 and own not in used else generated(parent_code, n, depth)
                while code in used:
                    code += "'"
                r.code = code
            used.add(r.code)
            walk(i, r.code, depth + 1)

    walk(None, "", 0)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def build_document(parsed: ParsedRules, *, key: str, title: str) -> dict[str, Any]:
    """The scheme document (exchange format) of a parse with no open problem (`row_problems` empty).

    Groups keep their table numbering as `seq`; a leaf carries `seq`, `description` (评分标准),
    `owner` (责任单位) and `source_row`. Bonus items go to `bonus` (cap: the 加分 heading's points, else
    their sum), vetoes to `vetoes` forcing the lowest grade. `max_total` is the sum of the leaves.
    """
    rows, kids = parsed.rows, _children(parsed.rows)
    lowest = DEFAULT_GRADES[-1]["grade"]
    bonus_items: dict[str, dict[str, Any]] = {}
    bonus_caps: list[Decimal] = []
    vetoes: list[dict[str, Any]] = []

    def text_of(r: RuleRow) -> str:
        name, criteria = r.name.strip(), r.criteria.strip()
        return f"{name}：{criteria}" if name and criteria and criteria != name else (name or criteria)

    def node(i: int) -> dict[str, Any] | None:
        r = rows[i]
        if r.kind == BONUS:
            if i in kids:
                if r.stated and (cap := _bonus_points(r.max_text)) is not None:
                    bonus_caps.append(cap)
                for k in kids[i]:
                    node(k)
                return None
            bonus_items[r.code] = {"points": _number(_bonus_points(r.max_text) or Decimal(0)),
                                   "text": text_of(r), "seq": r.seq, "source_row": r.row}
            return None
        if r.kind == VETO:
            if i in kids:
                for k in kids[i]:
                    node(k)
                return None
            vetoes.append({"code": r.code, "text": text_of(r), "effect": {"force_grade": lowest},
                           "source_row": r.row})
            return None
        if i in kids:
            items = [n for n in (node(k) for k in kids[i]) if n is not None]
            if not items:
                return None
            out: dict[str, Any] = {"code": r.code, "title": r.name.strip()[:300], "items": items}
            if r.seq:
                out["seq"] = r.seq
            if r.stated and (stated := _points(r.max_text)) is not None:
                out["max"] = _number(stated)
            return out
        value = _points(r.max_text) or Decimal(0)
        leaf: dict[str, Any] = {"code": r.code, "title": r.name.strip()[:300], "max": _number(value),
                                "method": r.method}
        for k, v in (("seq", r.seq), ("description", r.criteria), ("owner", r.owner)):
            if v:
                leaf[k] = v
        leaf["source_row"] = r.row
        return leaf

    sections = [n for n in (node(i) for i in kids.get(None, [])) if n is not None]
    total = Decimal(0)

    def add(n: dict[str, Any]) -> None:
        nonlocal total
        if "items" in n:
            for c in n["items"]:
                add(c)
        else:
            total += Decimal(str(n["max"]))

    for s in sections:
        add(s)
    doc: dict[str, Any] = {"id": key, "title": title, "max_total": _number(total) if total > 0 else 100,
                           "grades": DEFAULT_GRADES, "sections": sections}
    if bonus_items:
        cap = bonus_caps[0] if bonus_caps else sum((Decimal(str(b["points"])) for b in bonus_items.values()),
                                                  Decimal(0))
        doc["bonus"] = {"cap": _number(cap), "items": bonus_items}
    if vetoes:
        doc["vetoes"] = vetoes
    doc["source"] = {"table": parsed.sheet, "columns": parsed.columns}
    return doc


def leaf_count(parsed: ParsedRules) -> int:
    kids = _children(parsed.rows)
    return sum(1 for i, r in enumerate(parsed.rows) if r.kind == ITEM and i not in kids and _live(parsed.rows, i))
