"""Numeric targets (指标) read from goal and task text.

Contract: ``extract_indicators(text, scope=..., task=..., year=..., default_year=...)`` returns
indicator dicts in text order; for goals the 到/至YYYY年 year carries over from earlier paragraphs,
for tasks it governs its own sentence only; ``default_year`` (an annual plan's year) applies where
no year is stated. A change target (下降14%, 提高2个百分点, 年均增长10%) gets a change comparator
(``changes.py``) and its baseline year (较2020年; 较上年 and an annual plan's bare 增长 → the year
before). A count a task promises to deliver (培育3个以上…, 新增…5家) is not an indicator.
"""

from __future__ import annotations

import re

from .changes import baseline_year_at, change_comparator, is_task_deliverable, strip_change_words
from .textutil import HANZI

_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?!\.?\d)")
_UNITS = (
    "个百分点", "个工作日", "工作日", "微克/立方米", "毫克/立方米", "毫克/升", "吨标准煤", "吨标煤", "万元/人", "元/人", "万人次", "平方公里", "平方米", "立方米", "批次", "万千瓦", "千瓦", "万吨", "万亩", "公里",
    "千米", "万元", "亿元", "万人", "万家", "万户", "人次", "小时", "分钟", "公顷", "元", "人", "件", "分", "个", "家",
    "项", "次", "天", "吨", "座", "所", "台", "套", "辆", "户", "条", "处", "张", "倍", "种", "批",
    "名", "岁", "亩", "米", "%", "％", "‰",
)
_UNIT_RE = re.compile("|".join(map(re.escape, _UNITS)))
_POST = re.compile(r"\s*(及以上|或以上|以上|以下|以内|左右)")
_TERMINATOR = set("，,。；;、）)”\"！!：:") | {""}
# Connectors between a metric name and its value, longest first; value = comparator.
_CONNECTORS = {
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "高于": ">=", "超过": ">=", "大于": ">=",
    "稳定在": ">=", "保持在": "=", "不超过": "<=", "不高于": "<=", "不大于": "<=", "低于": "<=",
    "小于": "<=", "控制在": "<=", "下降到": "<=", "降低到": "<=", "降至": "<=", "下降至": "<=", "降低至": "<=", "提高到": "=", "提高至": "=",
    "提升到": "=", "提升至": "=", "增加到": "=", "增加至": "=", "增长到": "=", "增长至": "=",
    "达到": "=", "达": "=", "为": "=", "约": "about", "约为": "about", "在": "=",
    "提高": "=", "提升": "=", "下降": "=", "降低": "=", "减少": "=", "增长": "=", "累计建成": "=",
    "保持": "=",
}
_CONNECTOR_LIST = sorted(_CONNECTORS, key=len, reverse=True)
_POST_CMP = {"以上": ">=", "及以上": ">=", "或以上": ">=", "以下": "<=", "以内": "<=", "左右": "about"}
_BOUNDARY = set("，,。；;：:！!\n（(")
_VERBS = (
    "提升", "实现", "推进", "加强", "开展", "建设", "完成", "推动", "打造", "培育", "创建", "深化",
    "加快", "提高", "建立", "健全", "完善", "实施", "落实", "确保", "力争", "争取", "保持", "形成",
)
_PREFIXES = (
    "到", "至", "全区", "全市", "全县", "全省", "全镇", "全面", "实现", "确保", "力争", "争取", "努力",
    "推动", "促进", "使", "其中", "进一步", "并", "且", "和", "的", "开展", "全年", "年内", "每年",
)
_YEAR = re.compile(
    r"(?:到|至|截至|截止到?)\s*(\d{4})\s*年|(\d{4})年(?:底|末)?前|(?:到|至)?[“\"]?(十[四五六])五[”\"]?(?:期)?末"
)
_FYP_END = {"十四": 2025, "十五": 2030, "十六": 2035}


def _year_value(m: re.Match[str]) -> int:
    if m.group(3):
        return _FYP_END[m.group(3)]
    return int(m.group(1) or m.group(2))
_SENTENCE_END = "。！？!?\n"


def _name_before(text: str, end: int, floor: int) -> tuple[str, int]:
    """The metric name ending at ``end``: back to a clause boundary, trimmed of leading verbs."""
    start = end
    while True:
        while start > floor and text[start - 1] not in _BOUNDARY:
            start -= 1
        # 首台（套）产品: a bracket closed inside the name opened inside it too.
        inside = text[start:end]
        if start > floor and text[start - 1] in "（(" and inside.count("）") + inside.count(")") > inside.count("（") + inside.count("("):
            start -= 1
            continue
        break
    clause_start = start
    name = text[start:end]
    if "、" in name:
        parts = [p for p in name.split("、") if p]
        kept = parts[-1:]
        for part in reversed(parts[:-1]):
            if len(part) <= 6 and not any(v in part for v in _VERBS) and not re.search(r"\d", part):
                kept.insert(0, part)
            else:
                break
        name = "、".join(kept) if parts else ""
    name = re.sub(r"^(?:到|至)\d{4}年(?:底|末)?", "", name)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                name = name[len(prefix):]
                changed = True
    name = re.sub(r"(?:力争|争取|确保|努力|稳步|要)$", "", name)
    # A baseline comparison (较2022年) qualifies the value, not the metric.
    name = re.sub(r"(?:较|比|相比)\d{4}年(?:底|末)?$", "", name).strip(" ")
    # Quotes belong to the name when balanced (新认证“天府名品”); a stray one is dropped.
    if name.count("“") != name.count("”"):
        name = name.strip("“”")
    return name.strip(" \"'"), clause_start


_VALUE = r"(\d+(?:\.\d+)?)(%|％|个百分点|分|件|家|个)?"
_SHARED = re.compile(
    rf"([^，,。；;：:！!\n（(]{{2,80}}?)分别(?:(?:较|比|相比|与)\d{{4}}年(?:底|末)?(?:相比)?)?(达到|不低于|稳定在|保持在|提高到|提升至|提升到|控制在|为|达|提高|提升|增长|下降|降低|减少)?"
    rf"{_VALUE}((?:[、和及与]{_VALUE})+)\s*(?P<post>以上|以下|以内|左右)?"
)
_SHARED_TAIL = re.compile(rf"[、和及与]{_VALUE}")


_Shared = tuple[str, str, str, str | None, bool]  # name, comparator, value, unit, is a change


def _shared_values(text: str) -> tuple[list[tuple[int, list[_Shared]]], dict[int, int]]:
    """A、B分别达到X%和Y%以上 (or 分别下降X%和Y%): one entry per metric with its own value; and the spans
    to skip later."""
    found: list[tuple[int, list[_Shared]]] = []
    spans: dict[int, int] = {}
    for m in _SHARED.finditer(text):
        values = [(m.group(3), m.group(4))] + [(v.group(1), v.group(2)) for v in _SHARED_TAIL.finditer(m.group(5))]
        raw_names = m.group(1)
        raw_names = re.sub(r"^(?:到|至)\d{4}年(?:底|末)?", "", raw_names)
        names = [n for n in re.split(r"[、和及与]", raw_names) if n]
        if len(names) != len(values):
            continue
        names = [_name_before(n, len(n), 0)[0] for n in names]
        if not all(re.search(f"[{HANZI}]", n) for n in names):
            continue
        last_unit = next((u for _, u in reversed(values) if u), None)
        comparator = _POST_CMP.get(m.group("post") or "") or _CONNECTORS.get(m.group(2) or "", "=")
        entries: list[_Shared] = []
        for n, (v, u) in zip(names, values, strict=True):
            unit = u or last_unit
            change = change_comparator(m.group(2), n, "%" if unit == "％" else unit)
            entries.append((change[1], change[0], v, unit, True) if change else (n, comparator, v, unit, False))
        found.append((m.start(), entries))
        spans[m.start()] = m.end()
    return found, spans


def _mask(text: str, spans: dict[int, int]) -> str:
    """``text`` with the shared-value spans blanked (same length) so their numbers are not read twice."""
    if not spans:
        return text
    chars = list(text)
    for a, b in spans.items():
        for k in range(a, b):
            if chars[k].isdigit():
                chars[k] = "＃"
    return "".join(chars)


def extract_indicators(
    text: str, *, scope: str, task: str | None = None, year: int | None = None, default_year: int | None = None
) -> tuple[list[dict], int | None]:
    """Indicators in ``text`` and the goal year in force at its end (for carrying into the next paragraph).

    ``default_year``: the year of an annual plan, for targets whose text states none."""
    out: list[dict] = []
    last_end = 0
    years = [(m.start(), _year_value(m)) for m in _YEAR.finditer(text)]

    def _year_for(text: str, pos: int, years: list[tuple[int, int]], scope: str, inherited: int | None) -> int | None:
        stated = _stated_year(text, pos, years, scope, inherited)
        return stated if stated is not None else default_year
    shared, masked = _shared_values(text)
    for start, entries in shared:
        for name, comparator, value, unit, is_change in entries:
            target_year = _year_for(text, start, years, scope, year)
            baseline = _baseline(text, start, masked[start], target_year, default_year) if is_change else None
            out.append(_indicator(name, comparator, value, unit, target_year, scope, task, text[start:masked[start]],
                                  baseline_year=baseline))
    text_for_numbers = _mask(text, masked)
    for m in _NUMBER.finditer(text_for_numbers):
        start, end = m.span()
        prev = text[start - 1] if start else ""
        if prev and ((prev.isascii() and (prev.isalpha() or prev in "-—/+.")) or prev in "〔第前每"):
            continue
        after = text[end:]
        if after[:1] in ("年", "月", "日", "号", "-", "—", "+", "X", "x"):
            continue
        unit_m = _UNIT_RE.match(after)
        unit = unit_m.group(0) if unit_m else None
        pos = end + (unit_m.end() if unit_m else 0)
        post_m = _POST.match(text, pos)
        post = post_m.group(1) if post_m else None
        if post_m:
            pos = post_m.end()
        if text[pos:pos + 1] not in _TERMINATOR:
            # In goals a count may come before its noun: 建成5个质量卓越产业集群。
            if scope == "goals" and unit and unit not in ("%", "％", "‰", "分钟", "小时") and not post_m:
                tail = _noun_after(text, pos)
                if tail:
                    out.append(_indicator(tail, "=", m.group(0), unit, _year_for(text, start, years, scope, year),
                                          scope, task, text[_clause_start(text, start, last_end):pos + len(tail)]))
                    last_end = pos + len(tail)
            elif scope == "goals" and unit and post_m and _noun_after(text, pos):
                tail = _noun_after(text, pos)
                out.append(_indicator(tail, _POST_CMP.get(post or "", "="), m.group(0), unit,
                                      _year_for(text, start, years, scope, year), scope, task,
                                      text[_clause_start(text, start, last_end):pos + len(tail)]))
                last_end = pos + len(tail)
            continue
        # The value must be followed by a terminator or a closing quote and then one.
        lead = start
        while lead > 0 and text[lead - 1] == " ":
            lead -= 1
        connector = next((c for c in _CONNECTOR_LIST if text.endswith(c, 0, lead)), None)
        if connector is None and ((unit is None and post is None) or not prev or not re.match(f"[{HANZI}”]", prev)):
            continue
        name_end = lead - len(connector) if connector else lead
        name, clause_start = _name_before(text, name_end, last_end)
        if not name or not re.search(f"[{HANZI}]", name) or len(name) > 50:
            continue
        if re.match(r"\d{4}年", name):
            continue  # 2022年全市…为93.1%: a baseline, not a target
        comparator = _POST_CMP.get(post or "") or _CONNECTORS.get(connector or "", "=")
        target_year = _year_for(text, start, years, scope, year)
        baseline = None
        change = change_comparator(connector, name, "%" if unit == "％" else unit)
        if change is not None:
            comparator, name = change
            baseline = _baseline(text, clause_start, name_end, target_year, default_year)
        else:
            name = strip_change_words(name)
        last_end = pos
        if not name or (scope == "task" and is_task_deliverable(text[clause_start:name_end], unit)):
            continue
        out.append(_indicator(name, comparator, m.group(0), unit, target_year, scope, task, text[clause_start:pos],
                              baseline_year=baseline))
    end_year = year
    if scope == "goals" and years:
        end_year = years[-1][1]
    return out, end_year


_LEADING_BASELINE = re.compile(r"(?:与|较|比|相比|同)(\d{4})年(?:底|末)?(?:相比|比)?[，,]\s*$")


def _baseline(text: str, clause_start: int, name_end: int, target_year: int | None,
              default_year: int | None) -> int | None:
    """The baseline year of a change read from ``text[clause_start:name_end]``: stated in the clause
    (较2020年), in a clause of its own just before (与2020年相比，…), or an annual plan's year before."""
    baseline = baseline_year_at(text[clause_start:name_end], target_year)
    if baseline is None:
        lead = _LEADING_BASELINE.search(text, max(0, clause_start - 16), clause_start)
        baseline = int(lead.group(1)) if lead else None
    if baseline is None and default_year is not None and target_year == default_year:
        baseline = default_year - 1  # an annual plan's 增长6%: on the year before
    return baseline


_COUNT_VERB = re.compile(r"(?:建成|培育|新增|创建|打造|争创|新培育|新建|建设|认定|引进|制定|修订|形成|获得|达到)$")


def _noun_after(text: str, pos: int) -> str | None:
    """The noun a count applies to (up to the clause end), when the count follows a verb."""
    end = pos
    while end < len(text) and text[end] not in _BOUNDARY and text[end] not in "、；;":
        end += 1
    noun = text[pos:end]
    if not (2 <= len(noun) <= 20) or re.search(r"\d|或以上|以上|以下", noun):
        return None
    return noun


def _clause_start(text: str, pos: int, floor: int) -> int:
    while pos > floor and text[pos - 1] not in _BOUNDARY:
        pos -= 1
    return pos


def _indicator(name: str, comparator: str, value_text: str, unit: str | None, year: int | None,
               scope: str, task: str | None, source: str, *, baseline_year: int | None = None) -> dict:
    value: float | int = float(value_text) if "." in value_text else int(value_text)
    return {
        "name": name,
        "comparator": comparator,
        "value": value,
        "unit": "%" if unit == "％" else unit,
        "year": year,
        "baseline_year": baseline_year,
        "scope": scope,
        "task": task if scope == "task" else None,
        "source": source.strip(),
    }


def _stated_year(text: str, pos: int, years: list[tuple[int, int]], scope: str, inherited: int | None) -> int | None:
    before = [y for p, y in years if p < pos]
    if scope == "goals":
        return before[-1] if before else inherited
    if not before:
        return None
    last_pos = max(p for p, _ in years if p < pos)
    # For a task the year governs its own sentence only.
    if any(ch in _SENTENCE_END for ch in text[last_pos:pos]):
        return None
    return before[-1]


_CELL_SPLIT = re.compile(r"[\s|｜]+")
_UNIT_IN_NAME = re.compile(r"[（(]([^（）()]{1,8})[）)]$")
_CELL_VALUE = re.compile(r"^([≥≤＞＜><]?)(\d+(?:\.\d+)?)(%|％)?(以上|以下|以内|左右)?$")
_CELL_CMP = {"≥": ">=", ">": ">=", "＞": ">=", "≤": "<=", "<": "<=", "＜": "<="}


def extract_table_indicators(lines: list[str], base_before: int | None = None) -> list[dict]:
    """Targets from an indicator table flattened to text (序号/指标名称/2025年… cells, one per line or row).

    ``base_before``: the plan's first year; a bare year column before it (2022年 in a 2023—2027 plan)
    is the baseline, not a target."""
    out: list[dict] = []
    for i, line in enumerate(lines):
        if "指标名称" not in line or len(line) > 80:
            continue
        if len(_ROW_SPLIT.split(line.strip().strip("|｜"))) >= 3:
            out.extend(_row_table(lines, i, base_before))
            continue
        start = i - 1 if i > 0 and lines[i - 1].strip() == "序号" else i
        cells = [c for ln in lines[start:start + 400] for c in _CELL_SPLIT.split(ln.strip()) if c]
        header: list[str] = []
        while cells and not cells[0].isdigit() and len(header) < 10:
            header.append(cells.pop(0))
        if "指标名称" not in header or len(header) < 3:
            continue
        name_col = header.index("指标名称")
        year_cols = [(int(m.group(1)), k) for k, h in enumerate(header) if (m := re.fullmatch(r"(\d{4})年(?:目标值?)?", h))]
        target_col = max(year_cols)[1] if year_cols else next((k for k, h in enumerate(header) if "目标" in h), None)
        if target_col is None:
            continue
        year = max(year_cols)[0] if year_cols else None
        unit_col = next((k for k, h in enumerate(header) if h in ("单位", "计量单位")), None)
        row_no = 1
        while len(cells) >= len(header) and cells[0] == str(row_no):
            row, cells = cells[: len(header)], cells[len(header):]
            row_no += 1
            name = row[name_col]
            unit = row[unit_col] if unit_col is not None else None
            m = _UNIT_IN_NAME.search(name)
            if m:
                name, unit = name[: m.start()], unit or m.group(1)
            vm = _CELL_VALUE.match(row[target_col])
            if not vm or not name:
                continue
            unit = unit or ("%" if vm.group(3) else None)
            comparator = _CELL_CMP.get(vm.group(1)) or _POST_CMP.get(vm.group(4) or "", "=")
            out.append(_indicator(name, comparator, vm.group(2), unit, year, "goals", None, " ".join(row)))
    return out


# --- unreadable spans in names ----------------------------------------------------------------

# Marks that never occur inside a metric name but do in mojibake: a lost byte shown as ?, _ or �.
_GARBLE_MARK = "?？_\ufffd"
_PINYIN_RESIDUE = re.compile(r"[a-zü\u0101\u00e1\u01ce\u00e0\u0113\u00e9\u011b\u00e8\u012b\u00ed\u01d0\u00ec"
                             r"\u014d\u00f3\u01d2\u00f2\u016b\u00fa\u01d4\u00f9\u01d6\u01d8\u01da\u01dc]{1,7}[)）]")


def _rare_hanzi(ch: str) -> bool:
    """A hanzi outside the 3,755 common characters (GB2312 level 1): typical of mis-decoded bytes."""
    if not re.match(f"[{HANZI}]", ch):
        return False
    try:
        encoded = ch.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return encoded[0] >= 0xD8


def strip_garble(name: str) -> tuple[str, str | None]:
    """(name without its unreadable span, the span cut) — the span is None when the name is readable.

    The span is a run of garble marks (?, _, �), pinyin residue such as ``cái)`` and the rare
    characters next to them; it is replaced by … so the reviewer sees where text was lost.
    """
    name = _PINYIN_RESIDUE.sub("_", name)
    if not any(c in _GARBLE_MARK for c in name):
        return name, None
    keep = [True] * len(name)
    marks = [k for k, c in enumerate(name) if c in _GARBLE_MARK]
    for k in marks:
        keep[k] = False
        for step in (-1, 1):
            j = k + step
            while 0 <= j < len(name) and (name[j] in _GARBLE_MARK or _rare_hanzi(name[j])):
                keep[j] = False
                j += step
    out: list[str] = []
    cut: list[str] = []
    for k, ch in enumerate(name):
        if keep[k]:
            out.append(ch)
        else:
            cut.append(ch)
            if not out or out[-1] != "…":
                out.append("…")
    cleaned = "".join(out).strip("…")
    return cleaned, "".join(cut)


_ROW_SPLIT = re.compile(r"\s*[|｜\t]\s*")
_TARGET_YEAR = re.compile(r"(\d{4})年(?:目标值?|预期值?|值)?$|^(\d{4})年?目标值?$")
_BASELINE = re.compile(r"基期|基准|现状|基数|现值|实际")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _ROW_SPLIT.split(line.strip().strip("|｜").strip())]


_BARE_YEAR = re.compile(r"^\d{4}年$")


def _row_table(lines: list[str], i: int, base_before: int | None = None) -> list[dict]:
    """A table flattened to one row per line (指标名称 | 单位 | 2022年基期值 | 2025年目标值 | …): one
    indicator per row and target-year column; baseline columns are not targets. Bare year columns
    (2022年 2025年 2027年) before ``base_before`` are baselines; without it, the first of three or more."""
    header = _cells(lines[i])
    name_col = header.index("指标名称") if "指标名称" in header else next(k for k, h in enumerate(header) if "指标名称" in h)
    unit_col = next((k for k, h in enumerate(header) if h in ("单位", "计量单位")), None)
    targets = []
    for k, h in enumerate(header):
        m = _TARGET_YEAR.search(h)
        if m and not _BASELINE.search(h):
            targets.append((k, int(m.group(1) or m.group(2))))
    bare = [(k, y) for k, y in targets if _BARE_YEAR.match(header[k])]
    if base_before is not None:
        baseline = {k for k, y in bare if y < base_before}
    else:
        baseline = {bare[0][0]} if len(bare) >= 3 else set()
    if len(baseline) < len(targets):
        targets = [(k, y) for k, y in targets if k not in baseline]
    out: list[dict] = []
    for line in lines[i + 1: i + 200]:
        if _TABLE_RULE_LINE.match(line):
            continue
        row = _cells(line)
        if len(row) != len(header):
            break
        name = row[name_col]
        unit = row[unit_col] if unit_col is not None and row[unit_col] not in ("", "—", "-", "/") else None
        m = _UNIT_IN_NAME.search(name)
        if m:
            name, unit = name[: m.start()], unit or m.group(1)
        if not name or not re.search(f"[{HANZI}]", name):
            continue
        for k, year in targets:
            vm = _CELL_VALUE.match(row[k].replace(" ", ""))
            if not vm:
                continue
            cell_unit = unit or ("%" if vm.group(3) else None)
            comparator = _CELL_CMP.get(vm.group(1)) or _POST_CMP.get(vm.group(4) or "", "=")
            out.append(_indicator(name, comparator, vm.group(2), cell_unit, year, "goals", None, " | ".join(row)))
    return out


_TABLE_RULE_LINE = re.compile(r"^[\s\-|｜:+=_]+$")
