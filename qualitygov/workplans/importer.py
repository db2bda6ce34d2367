"""Read a 工作要点 file (.xlsx, .docx, .txt) into key points; no database access.

Contract: ``parse_work_plan(data, filename, year=…) -> ParsedWorkPlan`` or ``WorkPlanParseError``
whose message is Chinese, one line per error, each naming its row and column (tables) or its
paragraph (text). It never raises anything else on any input (fuzz-tested).

Layouts understood:
* a table (a worksheet, or a table in a .docx) with a header row holding 工作要点（内容）and 牵头单位,
  optionally 序号, 配合单位, 完成时限, a group column (类别…) or a plan-task column (方案任务…). Merged
  cells are carried down and across; a row whose cells all hold one text (a merged heading row) is
  a group heading; a row merged into the key point above adds its units to that key point.
* numbered paragraphs ``1. 内容（牵头单位：…；配合单位：…；完成时限：2026年6月底前）`` under headings
  ``一、…`` / ``（一）…`` — in a .txt or a .docx without such a table. Text goes through the plan
  import's cleanup (``planimport.importer.cleanup.clean_text``) and reader first.

Each key point keeps the unit names and the time limit as written; resolving names to units and
headings to plan tasks is the review's work (``review.py``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import asdict, dataclass, field

from qualitygov.planimport.importer.cleanup import clean_text
from qualitygov.planimport.importer.errors import PlanImportError
from qualitygov.planimport.importer.readers import read_plan_bytes
from qualitygov.planimport.importer.textutil import cn_to_int

MAX_POINTS = 500
MAX_ROWS = 5000
MAX_COLUMNS = 40


class WorkPlanParseError(Exception):
    """The file is not a readable 工作要点; `message` is shown to the office as is (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ParsedPoint:
    number: int
    text: str
    where: str
    group: str = ""
    task_hint: str = ""
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    deadline: str | None = None  # ISO date
    deadline_text: str = ""
    notes: list[str] = field(default_factory=list)  # problems found while reading, with their place


@dataclass
class ParsedWorkPlan:
    title: str
    year: int | None
    points: list[ParsedPoint]

    def as_json(self) -> dict:
        return {"title": self.title, "year": self.year, "points": [asdict(p) for p in self.points]}


# --- cells and names -----------------------------------------------------------------------

_SPLIT = re.compile(r"[、，,；;/／\s]+")
_TAIL = re.compile(r"(?:等单位|等部门|等)$")


def split_units(value: str) -> list[str]:
    """Unit names in a 牵头单位/配合单位 cell: split on 、，；/ and spaces, never inside brackets."""
    out: list[str] = []
    depth, current = 0, []
    for ch in (value or "").strip():
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and _SPLIT.fullmatch(ch):
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    names = []
    for name in out:
        name = _TAIL.sub("", name.strip(" 。.：:"))
        if name and name not in ("无", "—", "-", "/") and name not in names:
            names.append(name[:120])
    return names


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_FULL_DATE = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})")
_MONTH = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月")
_QUARTER = re.compile(r"第?([一二三四1-4])季度")
_YEAR_END = re.compile(r"(?:(\d{4})\s*年)?\s*(?:年底|年末|底前|末前|全年|年内|年度内|前)|长期|持续|常态化")


def parse_deadline(value, year: int | None) -> tuple[dt.date | None, str]:
    """(deadline, time limit as written) of a 完成时限 cell or text; the date is None when unreadable.

    A day is taken as written; "6月底前" is the month's end; "上半年" 30 June; "第三季度" the
    quarter's end; "年底前", "全年", "长期坚持" the year's end. A year left out is `year`.
    """
    if isinstance(value, dt.datetime):
        return value.date(), value.date().isoformat()
    if isinstance(value, dt.date):
        return value, value.isoformat()
    text = re.sub(r"\s+", "", str(value or ""))[:60]
    if not text:
        return None, ""
    try:
        if m := _FULL_DATE.search(text):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), text
        if m := _MONTH.search(text):
            y = int(m.group(1)) if m.group(1) else year
            return (_month_end(y, int(m.group(2))) if y else None), text
        if "上半年" in text and year:
            return dt.date(year, 6, 30), text
        if m := _QUARTER.search(text):
            q = int(m.group(1)) if m.group(1).isdigit() else cn_to_int(m.group(1))
            return (_month_end(year, q * 3) if year and q else None), text
        if "下半年" in text and year:
            return dt.date(year, 12, 31), text
        if m := _YEAR_END.search(text):
            y = int(m.group(1)) if m.group(1) else year
            return (dt.date(y, 12, 31) if y else None), text
    except ValueError:  # 2026年13月, 2月30日
        return None, text
    return None, text


_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")


def year_of(title: str) -> int | None:
    m = _YEAR_IN_TITLE.search(title or "")
    return int(m.group(1)) if m else None


# --- tables ----------------------------------------------------------------------------------

_HEAD = {
    "number": re.compile(r"^(?:序号|编号|序)$"),
    "text": re.compile(r"工作要点|主要内容|工作内容|重点工作|工作任务|任务内容|^内容$|具体内容|工作事项"),
    "lead": re.compile(r"牵头|责任单位|责任部门|主责单位"),
    "co": re.compile(r"配合|协同|参与|协办"),
    "deadline": re.compile(r"时限|完成时间|时间节点|截止"),
    "task": re.compile(r"方案任务|对应任务|所属任务|服务任务"),
    "group": re.compile(r"类别|分类|板块|领域|任务组|方面"),
}
COLUMN_LABELS = {"number": "序号", "text": "工作要点", "lead": "牵头单位", "co": "配合单位", "deadline": "完成时限",
                 "task": "方案任务", "group": "类别"}
_GROUP_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|（[一二三四五六七八九十]{1,3}）|第[一二三四五六七八九十]{1,3}[部分章])")


def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


@dataclass
class Cell:
    value: object
    continued: bool = False  # part of a merged range below or right of its first cell

    @property
    def text(self) -> str:
        value = self.value
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return re.sub(r"[ \t\u3000]+", " ", str(value)).strip()


def _header(grid: list[list[Cell]]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(grid[:15]):
        columns: dict[str, int] = {}
        for c, cell in enumerate(row):
            text = cell.text.replace(" ", "").replace("\n", "")
            if not text or len(text) > 20:
                continue
            for key in ("number", "deadline", "task", "co", "lead", "text", "group"):
                if key not in columns and _HEAD[key].search(text):
                    columns[key] = c
                    break
        if "text" in columns and "lead" in columns:
            return r, columns
    return None


def parse_table(grid: list[list[Cell]], *, year: int | None, title: str = "", sheet: str = "") -> ParsedWorkPlan | None:
    """Key points of a table; None when no header row with 工作要点 and 牵头单位 is found."""
    found = _header(grid)
    if found is None:
        return None
    head, columns = found
    place = f"{sheet}：" if sheet else ""
    if not title:
        for row in grid[:head]:
            texts = [c.text for c in row if c.text]
            if texts:
                title = texts[0]
                break
    year = year or year_of(title)
    errors: list[str] = []
    points: list[ParsedPoint] = []
    group = ""

    def get(row: list[Cell], key: str) -> Cell:
        c = columns.get(key)
        return row[c] if c is not None and c < len(row) else Cell(None)

    for r, row in enumerate(grid[head + 1:], start=head + 2):
        texts = [c.text for c in row]
        distinct = {t for t in texts if t}
        if not distinct:
            continue
        text_cell = get(row, "text")
        where = f"{place}第{r}行"
        if len(distinct) == 1 and (not get(row, "lead").text or get(row, "lead").text == text_cell.text) \
                and not get(row, "number").text.isdigit():
            group = next(iter(distinct))  # a heading row (merged across, or one cell)
            continue
        if text_cell.continued and points and text_cell.text == points[-1].text:
            for name in split_units(get(row, "co").text):  # a merged key point spread over rows
                if name not in points[-1].co and name not in points[-1].lead:
                    points[-1].co.append(name)
            continue
        if not text_cell.text:
            if get(row, "lead").text or get(row, "deadline").text:
                errors.append(f"{where}第{_col(columns['text'])}列（工作要点）：内容为空，但填写了牵头单位或完成时限")
            continue
        if _GROUP_HEADING.match(text_cell.text) and not get(row, "lead").text:
            group = text_cell.text
            continue
        if get(row, "group").text:
            group = get(row, "group").text
        point = ParsedPoint(number=len(points) + 1, text=text_cell.text[:2000], where=where, group=group[:300],
                            task_hint=get(row, "task").text[:300])
        point.lead = split_units(get(row, "lead").text)
        point.co = [n for n in split_units(get(row, "co").text) if n not in point.lead]
        if not point.lead:
            point.notes.append(f"{where}第{_col(columns['lead'])}列（牵头单位）：未填写牵头单位")
        if "deadline" in columns:
            cell = get(row, "deadline")
            date, written = parse_deadline(cell.value if not isinstance(cell.value, str) else cell.text, year)
            point.deadline, point.deadline_text = (date.isoformat() if date else None), written
            if date is None:
                label = f"“{written}”" if written else "为空"
                point.notes.append(f"{where}第{_col(columns['deadline'])}列（完成时限）：{label}，无法识别为日期")
        else:
            point.notes.append(f"{where}：表中没有“完成时限”列")
        points.append(point)
        if len(points) > MAX_POINTS:
            raise WorkPlanParseError(f"工作要点超过 {MAX_POINTS} 条，不像一份年度工作要点")
    if errors:
        raise WorkPlanParseError("\n".join(errors[:20]))
    if not points:
        raise WorkPlanParseError(f"{place}表头在第{head + 1}行，但其下没有工作要点")
    return ParsedWorkPlan(title=title[:300], year=year, points=points)


def _xlsx_grids(data: bytes) -> list[tuple[str, list[list[Cell]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises assorted errors on damaged files
        raise WorkPlanParseError(f"无法读取 Excel 文件（.xlsx）：{type(exc).__name__}") from None
    out = []
    for ws in wb.worksheets:
        rows = min(ws.max_row or 0, MAX_ROWS)
        cols = min(ws.max_column or 0, MAX_COLUMNS)
        grid = [[Cell(ws.cell(row=r, column=c).value) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
        for merged in ws.merged_cells.ranges:
            top = ws.cell(row=merged.min_row, column=merged.min_col).value
            for r in range(merged.min_row, min(merged.max_row, rows) + 1):
                for c in range(merged.min_col, min(merged.max_col, cols) + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        grid[r - 1][c - 1] = Cell(top, continued=True)
        out.append((ws.title, grid))
    return out


def _docx_grids(document) -> list[list[list[Cell]]]:
    grids = []
    for table in document.tables:
        grid: list[list[Cell]] = []
        above: list = []
        for row in table.rows[:MAX_ROWS]:
            cells = row.cells[:MAX_COLUMNS]  # python-docx repeats a merged cell in each grid column
            line = []
            for c, cell in enumerate(cells):
                continued = (c > 0 and cells[c - 1]._tc is cell._tc) or (c < len(above) and above[c] is cell._tc)
                line.append(Cell(cell.text, continued=continued))
            above = [cell._tc for cell in cells]
            grid.append(line)
        grids.append(grid)
    return grids


# --- numbered paragraphs -------------------------------------------------------------------

_POINT = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、]|[（(](\d{1,3})[）)])\s*(?!\d)(.*)$")
_LABEL = re.compile(r"(牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协同单位|参与单位|协办单位|完成时限|完成时间|时间节点)\s*[：:]")
_LEAD_LABELS = {"牵头单位", "牵头部门", "责任单位", "责任部门"}
_DEADLINE_LABELS = {"完成时限", "完成时间", "时间节点"}


def _split_labels(text: str) -> tuple[str, dict[str, str]]:
    """(the key point's wording, {"lead"/"co"/"deadline": value}) of a paragraph with labelled notes."""
    found = list(_LABEL.finditer(text))
    if not found:
        return text.strip(), {}
    body = text[:found[0].start()].rstrip(" （(【[")
    values: dict[str, str] = {}
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(text)
        value = text[m.end():end].strip().rstrip("）)】]。；;，, ")
        value = value.lstrip("（(")
        key = "lead" if m.group(1) in _LEAD_LABELS else "deadline" if m.group(1) in _DEADLINE_LABELS else "co"
        values[key] = f"{values[key]}、{value}" if key in values and key != "deadline" else value
    return body.strip(), values


def parse_paragraphs(text: str, *, year: int | None) -> ParsedWorkPlan:
    """Key points of a text of numbered paragraphs under 一、/（一） headings."""
    lines = [line.strip() for line in text.split("\n")]
    title, group = "", ""
    raw: list[tuple[int, list[str], str]] = []  # (paragraph no., lines, group)
    for n, line in enumerate(lines, start=1):
        if not line:
            continue
        m = _POINT.match(line)
        if m and (m.group(3) or "").strip():
            raw.append((n, [m.group(3).strip()], group))
            if len(raw) > MAX_POINTS:
                raise WorkPlanParseError(f"工作要点超过 {MAX_POINTS} 条，不像一份年度工作要点")
        elif _GROUP_HEADING.match(line) and not _LABEL.search(line):
            group = re.sub(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|（[一二三四五六七八九十]{1,3}）)\s*", "", line)
        elif raw:
            raw[-1][1].append(line)
        elif not title and "要点" in line:
            title = line
    year = year or year_of(title)
    if not raw:
        raise WorkPlanParseError("没有找到编号的工作要点：每条要点应以“1.”“2.”等编号开头，"
                                 "并写明（牵头单位：…；配合单位：…；完成时限：…）；或使用带“工作要点”“牵头单位”列的表格")
    points = []
    for n, parts, heading in raw:
        where = f"第{n}段"
        body, values = _split_labels("".join(parts))
        point = ParsedPoint(number=len(points) + 1, text=(body or "".join(parts))[:2000], where=where,
                            group=heading[:300])
        point.lead = split_units(values.get("lead", ""))
        point.co = [name for name in split_units(values.get("co", "")) if name not in point.lead]
        if not point.lead:
            point.notes.append(f"{where}（第{point.number}条）：未写明牵头单位")
        date, written = parse_deadline(values.get("deadline", ""), year)
        point.deadline, point.deadline_text = (date.isoformat() if date else None), written
        if date is None:
            point.notes.append(f"{where}（第{point.number}条）：完成时限{'“' + written + '”' if written else '未写明'}，无法识别为日期")
        points.append(point)
    return ParsedWorkPlan(title=title[:300], year=year, points=points)


# --- entry point ---------------------------------------------------------------------------

def parse_work_plan(data: bytes, filename: str, *, year: int | None = None) -> ParsedWorkPlan:
    """Parse a 工作要点 file by its type; `year` fills dates written without one (else the title's year)."""
    try:
        return _parse(data, filename, year)
    except WorkPlanParseError:
        raise
    except PlanImportError as exc:
        raise WorkPlanParseError(exc.message) from None
    except RecursionError:
        raise WorkPlanParseError("文件结构过深，无法读取") from None


def _parse(data: bytes, filename: str, year: int | None) -> ParsedWorkPlan:
    ext = os.path.splitext(filename)[1].lower()
    if ext == ".xlsx":
        if not data.startswith(b"PK"):
            raise WorkPlanParseError("不是有效的 Excel 文件（.xlsx）")
        tried = []
        for sheet, grid in _xlsx_grids(data):
            parsed = parse_table(grid, year=year, sheet=sheet)
            if parsed is not None:
                return parsed
            tried.append(sheet)
        raise WorkPlanParseError(f"工作表（{'、'.join(tried) or '无'}）中没有找到表头：需要“工作要点”和“牵头单位”两列")
    if ext == ".docx":
        try:
            import docx

            document = docx.Document(io.BytesIO(data))
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise WorkPlanParseError(f"无法读取 Word 文档（.docx）：{type(exc).__name__}") from None
        except Exception as exc:  # python-docx raises assorted errors on damaged packages
            raise WorkPlanParseError(f"无法读取 Word 文档（.docx）：{type(exc).__name__}") from None
        title = ""
        for para in document.paragraphs[:10]:
            if "要点" in para.text:
                title = para.text.strip()
                break
        for n, grid in enumerate(_docx_grids(document), start=1):
            parsed = parse_table(grid, year=year or year_of(title), title=title, sheet=f"表{n}")
            if parsed is not None:
                return parsed
    elif ext not in {".txt", ""}:
        raise WorkPlanParseError(f"不支持的文件类型“{ext}”：请上传 .xlsx、.docx 或 .txt")
    text = read_plan_bytes(data, filename=filename)
    return parse_paragraphs(clean_text(text).text, year=year)
