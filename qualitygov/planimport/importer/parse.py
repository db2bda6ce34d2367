"""Structure of a cleaned implementation plan (实施方案/实施意见/纲要…).

Contract: ``parse_plan(text) -> dict`` cleans ``text`` and returns a dict valid against
``plan.schema.json``; raises ``PlanParseError`` when the text is not a plan. Never raises anything
else on a ``str``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cleanup import CleanupResult, clean_text
from .departments import note_rule, parse_note, suggest_aliases
from .errors import PlanParseError
from .indicators import extract_indicators, extract_table_indicators, strip_garble
from .textutil import CN_DIGITS, HANZI, NOTE_LABELS, cn_to_int

__all__ = ["SCHEMA_VERSION", "parse_cleaned", "parse_plan"]

#: The plan.schema.json version this parser writes (1.1: change comparators and baseline_year).
SCHEMA_VERSION = "1.1"

_SECTION = re.compile(rf"^([{CN_DIGITS}]{{1,3}})、\s*(.*)$")
_SUBSECTION = re.compile(rf"^（([{CN_DIGITS}]{{1,3}})）\s*(.*)$")
_ITEM = re.compile(r"^(?:(\d{1,3})[.．、]\s*(?!\d)|[（(](\d{1,3})[）)]\s*)(.*)$")
_PLAN_WORD = re.compile(r"方案|意见|纲要|规划|计划|要点|办法|措施|细则|行动|决定|规定|举措")
_WRAPPER = re.compile(r"关于印发(?:《(.+)》|(.+?))的?通知")
_DATE_LINE = re.compile(r"^（?(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2}))）?$")
_DAMAGED_DATE = re.compile(r"^\d{6,8}$")
_CN_DATE_LINE = re.compile(r"^（?([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日）?$")
_ORG = re.compile(r"(?:小组|政府|委员会|办公室|局|厅|委|部|院|中心|分局|会|办|署)$")
_DOC_NO = re.compile(rf"([{HANZI}]{{1,16}})\s*[〔\[［【（(]\s*(\d{{4}})\s*[〕\]］】）)]\s*(\d{{1,4}})\s*号")
_PERIOD = re.compile(r"(\d{4})\s*[—\-－–~～至到]+\s*(\d{4})\s*年")
_ANNUAL = re.compile(r"(\d{4})\s*年度?")
_NON_TASK = re.compile(r"总体要求|指导思想|基本原则|目标|保障|组织实施|实施步骤|步骤|工作要求|组织领导|推进机制|进度安排|时间安排|附则")
_TASK_SECTION = re.compile(r"^(?:主要|重点|重要|具体)?(?:任务|举措|工作任务|工作重点|重点工作)")
_GOAL = re.compile(r"目标")
_PLAN_MARKERS = re.compile(r"总体要求|指导思想|目标|任务|保障|措施|组织实施|工作要求|重点工作|举措|组织领导|基本原则")
_NOTE_LABEL_ALT = "|".join((*NOTE_LABELS, "牵头", "配合"))
_NOTE_START = re.compile(rf"（(?=(?:{_NOTE_LABEL_ALT})[：:])")
_BARE_NOTE = re.compile(rf"(?:^|(?<=[。；\n]))\s*((?:{_NOTE_LABEL_ALT})[：:][^\n]*)$")
_BOXED_NOTE = re.compile(rf"【((?:{_NOTE_LABEL_ALT})[：:][^【】]*)】\s*$")
_JOINED_HEADINGS = re.compile(rf"^([{CN_DIGITS}]{{1,3}}、[^（。，]{{1,30}})(（一）.+)$")
_SECTION_TOWNS = re.compile(r"(?:本部分|本节|本章|以下)[^。]{0,12}各(?:乡镇|镇|街道)[^。]{0,30}(?:落实|负责)")
#: A news or portal headline: 中共XX省委 XX省人民政府印发《XX省质量强省建设纲要》.
_NEWS_HEADLINE = re.compile(rf"^(?P<who>[{HANZI}][{HANZI}\s、，,和]{{1,80}}?)(?:联合)?印发(?:了)?《(?P<title>[^《》]{{4,120}})》(?:的通知)?$")
#: An opening that names the document it opens: 提出如下实施意见。 / 制定本方案。
_PREAMBLE = re.compile(r"(?:提出如下|提出以下|现提出|特制定|制定本|制定如下|制定以下)[^。]{0,12}"
                       r"(?:方案|意见|纲要|规划|计划|要点|措施|举措|细则)")
#: 完成时限 as the text states it: a label, a date with 前, standing work, or a recurring one.
_DEADLINE_LABEL = re.compile(r"(?:完成时限|完成时间|时间节点|办结时限)[：:]\s*([^。；;，,（）()\n]{2,30})")
_DEADLINE_BEFORE = re.compile(r"(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*)?(?:底|末|年底|年末)?(?:之)?前")
_DEADLINE_STANDING = re.compile(r"长期坚持|长期推进|持续推进并长期坚持")
_DEADLINE_RECURRING = re.compile(r"每(?:年|半年|季度|月)(?=[^。]{0,6}(?:开展|发布|组织|举办|评选|报送|通报|召开|更新|评估|监测|检查|一次))")
_CN_DIGIT_VALUE = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}


@dataclass
class _Block:
    kind: str  # "section" | "subsection" | "item" | "text"
    number: str
    title: str
    lines: list[str] = field(default_factory=list)
    section: _Block | None = None
    subsection: _Block | None = None


def parse_plan(text: str) -> dict:
    """Clean and parse ``text``; see the module docstring."""
    return parse_cleaned(clean_text(text))


def parse_cleaned(cleaned: CleanupResult) -> dict:
    """Parse an already cleaned text (``clean_text`` output)."""
    lines: list[str] = []
    for line in cleaned.text.split("\n"):
        if line.strip():
            m = _JOINED_HEADINGS.match(line)
            lines.extend([m.group(1), m.group(2)] if m else [line])
    warnings = list(cleaned.warnings)
    if not lines:
        raise PlanParseError("文件清理后没有正文内容，不是实施方案")
    section_idx = _section_lines(lines)
    first_section = section_idx[0] if section_idx else len(lines)
    title_start, title = _find_title(lines, first_section)
    headline = _news_headline(lines[:first_section])
    if headline is not None:
        title_start, title = headline[0], _own_heading(lines[headline[0] + 1:first_section], headline[1])
    title_end = title_start + 1
    while title_end < first_section and _heading_like(lines[title_end]):
        title_end += 1
    sections, blocks = _structure(lines, set(section_idx), warnings)
    task_blocks, goal_blocks = _classify(sections, blocks)
    preamble_names_plan = any(_PREAMBLE.search(line) for line in lines[:first_section])
    if not _looks_like_plan(title, sections, blocks, task_blocks) and not (
            title is None and preamble_names_plan and len(sections) >= 2 and task_blocks):
        raise PlanParseError("不是实施方案类文件：未找到方案标题及“一、二、三”章节结构")

    header = lines[:first_section]
    issuer, issued_on = _find_signature(lines, title_start, cleaned.metadata)
    if issuer is None and headline is not None:
        issuer = headline[2]
    doc_number = _find_doc_number(header, cleaned.metadata)
    period = _find_period(title)

    # An annual plan's year (2014年…行动计划) is the year of every target that states none.
    annual_year = period[0] if period and period[0] == period[1] else None
    tasks, task_indicators = _tasks(task_blocks, warnings, annual_year)
    if not goal_blocks:
        # Short plans state their targets in the 总体要求 part itself, without a 目标 heading.
        general = {id(sec) for sec in sections if re.search(r"总体要求|总体目标|工作目标", sec.title)}
        goal_blocks = [b for b in blocks if id(b if b.kind == "section" else b.section) in general and b.lines]
    if not goal_blocks:
        # Annual plans (工作要点) state their targets in the opening paragraph.
        preamble = [line for line in lines[title_end:first_section] if len(line) > 40]
        goal_blocks = [_Block("text", "", "", lines=preamble)] if preamble else []
    goal_indicators = _goal_indicators(goal_blocks, annual_year)
    task_ids = {id(b) for b in task_blocks}
    table_lines = [line for b in blocks if id(b) not in task_ids for line in b.lines]
    first_year = period[0] if period else int(issued_on[:4]) if issued_on else None
    goal_indicators += extract_table_indicators(table_lines, first_year)
    names: list[str] = []
    for task in tasks:
        for unit in task["lead_departments"] + task["co_departments"]:
            if unit not in names:
                names.append(unit)
    aliases = suggest_aliases(names)

    indicators = goal_indicators + task_indicators
    for indicator in indicators:
        name, cut = strip_garble(indicator["name"])
        if cut is not None:
            indicator["name"] = name
            warnings.append(f"指标“{name}”的名称含无法识别的乱码“{cut}”，已删去；原句：{indicator['source']}，请在导入审核时补全")
    if title is None and preamble_names_plan:
        warnings.append("未找到方案标题：文件从正文（开头语）开始，标题可能在复制时丢失，请在导入审核时填写标题")
    elif title is None:
        warnings.append("未找到方案标题")
    if issuer is None:
        warnings.append("未找到发文单位（落款）")
    if issued_on is None:
        warnings.append("未找到成文日期")
    if doc_number is None:
        warnings.append("未找到文号")
    if not tasks:
        warnings.append("未找到编号任务")
    return {
        "schema_version": SCHEMA_VERSION,
        "title": title,
        "issuer": issuer,
        "doc_number": doc_number,
        "issued_on": issued_on,
        "period": period,
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "subsections": [{"number": b.number, "title": b.title} for b in blocks if b.kind == "subsection" and b.section is s],
            }
            for s in sections
        ],
        "tasks": tasks,
        "indicators": indicators,
        "departments": [{"name": n, "aliases": aliases[n]} for n in names],
        "cleanup": cleaned.report,
        "warnings": warnings,
    }


# --- structure -------------------------------------------------------------------------------


def _section_lines(lines: list[str]) -> list[int]:
    """Indices of top-level headings 一、二、… taken in sequence."""
    found: list[int] = []
    expected = 1
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if m and cn_to_int(m.group(1)) == expected and m.group(2):
            found.append(i)
            expected += 1
    return found


def _heading_title(text: str) -> str:
    title = re.split(r"[。]", text, maxsplit=1)[0]
    return title.strip().rstrip("：:；;，,")


def _structure(lines: list[str], section_idx: set[int], warnings: list[str]) -> tuple[list[_Block], list[_Block]]:
    sections: list[_Block] = []
    blocks: list[_Block] = []
    current_section: _Block | None = None
    current_sub: _Block | None = None
    current: _Block | None = None
    expected_sub = 1
    last_sub = 0
    last_item = 0
    expected_item = 1
    for i, line in enumerate(lines):
        if i in section_idx:
            m = _SECTION.match(line)
            assert m is not None
            current_section = _Block("section", m.group(1), _heading_title(m.group(2)))
            sections.append(current_section)
            blocks.append(current_section)
            current_sub = None
            current = current_section
            expected_sub = 1
            expected_item = 1
            rest = m.group(2).split("。", 1)
            if len(rest) > 1 and rest[1].strip():
                current.lines.append(rest[1].strip())
            continue
        if current_section is None:
            continue
        m = _SUBSECTION.match(line)
        if m:
            n = cn_to_int(m.group(1)) or 0
            # Some documents number （一）（二）… continuously across sections.
            continuous = n == last_sub + 1 and n != expected_sub
            if continuous or expected_sub <= n <= expected_sub + 1:
                if n > expected_sub and not continuous:
                    warnings.append(f"“{current_section.number}、{current_section.title}”下缺少第{expected_sub}个小标题")
                current_sub = _Block("subsection", m.group(1), _heading_title(m.group(2)), section=current_section)
                blocks.append(current_sub)
                current = current_sub
                expected_sub = n + 1
                last_sub = n
                rest = m.group(2).split("。", 1)
                if len(rest) > 1 and rest[1].strip():
                    current.lines.append(rest[1].strip())
                continue
        m = _ITEM.match(line)
        if m and m.group(3):
            number = m.group(1) or m.group(2)
            n = int(number)
            if n == expected_item or n == 1 or n == last_item + 1:
                current = _Block("item", number, m.group(3), section=current_section, subsection=current_sub)
                current.lines.append(m.group(3))
                blocks.append(current)
                expected_item = n + 1
                last_item = n
                continue
        if current is not None:
            current.lines.append(line)
    return sections, blocks


def _classify(sections: list[_Block], blocks: list[_Block]) -> tuple[list[_Block], list[_Block]]:
    """Blocks that are tasks, and blocks that belong to the goals."""
    task_sections = [s for s in sections if _TASK_SECTION.search(s.title) and not _NON_TASK.search(s.title)]
    if not task_sections:
        task_sections = [s for s in sections if not _NON_TASK.search(s.title)]
    chosen = set(map(id, task_sections))
    tasks: list[_Block] = []
    for s in task_sections:
        items = [b for b in blocks if b.kind == "item" and b.section is s]
        if items:
            tasks.extend(items)
        else:
            tasks.extend(b for b in blocks if b.kind == "subsection" and b.section is s and b.lines)
    goals: list[_Block] = []
    for b in blocks:
        if id(b.section if b.kind != "section" else b) in chosen:
            continue
        holder = b if b.kind in ("section", "subsection") else (b.subsection or b.section)
        if holder is None:
            continue
        if _GOAL.search(holder.title) or (holder.kind == "subsection" and holder.section and _GOAL.search(holder.section.title)):
            goals.append(b)
    return tasks, goals


def _looks_like_plan(title: str | None, sections: list[_Block], blocks: list[_Block], tasks: list[_Block]) -> bool:
    marked = sum(1 for b in blocks if b.kind in ("section", "subsection") and _PLAN_MARKERS.search(b.title))
    if title and _PLAN_WORD.search(title):
        return bool(sections) or bool(tasks)
    return (len(sections) >= 2 and marked >= 1) or marked >= 2


# --- title, issuer, dates --------------------------------------------------------------------


def _is_date_line(line: str) -> bool:
    return bool(_DATE_LINE.match(line) or _CN_DATE_LINE.match(line))


_NOT_TITLE = re.compile(
    r"^（此件.{0,12}）$|^[\d\s\-./]+$|^（\d{4}年\d{1,2}月\d{1,2}日）$"
    r"|^（[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日）$"
)


def _heading_like(line: str) -> bool:
    if len(line) > 80 or line[-1] in "。；;：:，,！？" or _NOT_TITLE.match(line):
        return False
    if _is_date_line(line) or _DOC_NO.fullmatch(line.strip("（）()")):
        return False
    if _ORG.search(line) and not _PLAN_WORD.search(line):
        return False
    return True


def _find_title(lines: list[str], first_section: int) -> tuple[int, str | None]:
    """(index where the heading block starts, title) from the heading before the first section."""
    i = first_section - 1
    while i >= 0 and not _heading_like(lines[i]) and not _is_date_line(lines[i]) and (len(lines[i]) > 40 or lines[i].endswith("。")):
        i -= 1
    block: list[str] = []
    while i >= 0 and len(block) < 5:
        if _heading_like(lines[i]):
            block.insert(0, lines[i])
        elif not _NOT_TITLE.match(lines[i]):
            break
        i -= 1
    start = i + 1
    title = "".join(block) if block else None
    if title and _WRAPPER.search(title):
        title = _from_wrapper(title)
    if title and not _PLAN_WORD.search(title):
        title = None
    if title is None:
        for line in lines[:first_section]:
            if "关于印发" in line:
                title = _from_wrapper(line)
                if title:
                    break
    if title is None and block:
        title = "".join(block)
    if title:
        title = title.replace("(", "（").replace(")", "）")
    return start, title


_PERIOD_LINE = re.compile(r"^（\d{4}\s*[—\-－–~～至到]+\s*\d{4}\s*年）$")


def _own_heading(lines: list[str], quoted: str) -> str:
    """The document's own heading under a news headline when it repeats the quoted title (it may add its
    period on the next line); else the quoted title."""
    for k, line in enumerate(lines):
        if line == quoted or (line.startswith(quoted) and _PERIOD.search(line[len(quoted):])):
            if line == quoted and k + 1 < len(lines) and _PERIOD_LINE.match(lines[k + 1]):
                return line + lines[k + 1]
            return line
    return quoted


def _news_headline(header: list[str]) -> tuple[int, str, str | None] | None:
    """(line index, quoted title, issuers) of a headline such as 中共XX省委 XX省人民政府印发《XX纲要》.

    The issuers are returned one space apart when every part names a body; None otherwise.
    """
    for k, line in enumerate(header):
        if len(line) > 160 or "关于印发" in line:
            continue
        m = _NEWS_HEADLINE.match(line.strip())
        if m is None:
            continue
        title = m.group("title").replace("〈", "《").replace("〉", "》").replace("(", "（").replace(")", "）")
        if not _PLAN_WORD.search(title):
            continue
        parts = [p for p in re.split(r"[\s、，,和]+", m.group("who")) if p]
        issuer = " ".join(parts) if parts and all(_ORG.search(p) for p in parts) else None
        return k, title, issuer
    return None


def _from_wrapper(line: str) -> str | None:
    m = _WRAPPER.search(line)
    if not m:
        return None
    inner = (m.group(1) or m.group(2) or "").strip()
    # Inside the wrapper's 《》 the plan's own 《》 are written 〈〉.
    return inner.replace("〈", "《").replace("〉", "》") or None


def _parse_date(line: str) -> str | None:
    m = _DATE_LINE.match(line)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2) or m.group(4)), int(m.group(3) or m.group(5))
    else:
        m = _CN_DATE_LINE.match(line)
        if not m:
            return None
        y = int("".join(_CN_DIGIT_VALUE[c] for c in m.group(1)))
        mo, d = cn_to_int(m.group(2)) or 0, cn_to_int(m.group(3)) or 0
    if 1 <= mo <= 12 and 1 <= d <= 31 and 1949 <= y <= 2100:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _org_lines_above(lines: list[str], i: int) -> list[str]:
    orgs: list[str] = []
    j = i - 1
    while j >= 0 and len(orgs) < 3:
        line = lines[j]
        if len(line) <= 60 and _ORG.search(line.split(" ")[-1]) and "。" not in line and "：" not in line and not _PLAN_WORD.search(line):
            orgs.insert(0, line)
            j -= 1
        else:
            break
    return orgs


def _find_signature(lines: list[str], title_start: int, metadata: dict[str, str]) -> tuple[str | None, str | None]:
    """Issuer and date: the signature (org lines over a date line), header first, then the end.

    Fallbacks: org lines over the heading or the 关于印发 line, the date line under the notice, the
    metadata 成文日期.
    """
    candidates = [i for i, line in enumerate(lines) if _is_date_line(line) or _DAMAGED_DATE.match(line)]
    ordered = [i for i in candidates if i <= title_start] + [i for i in reversed(candidates) if i > title_start]
    issuer: str | None = None
    issued: str | None = None
    for i in ordered:
        orgs = _org_lines_above(lines, i)
        if orgs:
            issuer = " ".join(" ".join(orgs).split())
            issued = _parse_date(lines[i])
            break
    if issued is None:
        for i in ordered:
            if i < title_start + 6:
                issued = _parse_date(lines[i])
                if issued:
                    break
    if issuer is None:
        anchors = [title_start] + [k for k, line in enumerate(lines[: title_start + 1]) if "关于印发" in line or "印发《" in line]
        for k in anchors:
            orgs = _org_lines_above(lines, k)
            if orgs:
                issuer = " ".join(" ".join(orgs).split())
                break
            m = re.match(rf"^([{HANZI}]{{2,40}}?)(?:关于)?印发", lines[k]) if k < len(lines) else None
            if m and _ORG.search(m.group(1)):
                issuer = m.group(1)
                break
    issuer = issuer or metadata.get("发文机关") or metadata.get("发布机关")
    if issued is None:
        # The web page's 发布日期 is the last resort when the document gives no date of its own.
        value = metadata.get("成文日期", "") or metadata.get("发文日期", "") or metadata.get("发布日期", "")
        dm = re.match(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", value)
        if dm and 1 <= int(dm.group(2)) <= 12 and 1 <= int(dm.group(3)) <= 31:
            issued = f"{int(dm.group(1)):04d}-{int(dm.group(2)):02d}-{int(dm.group(3)):02d}"
    return issuer, issued


def _find_doc_number(header: list[str], metadata: dict[str, str]) -> str | None:
    # In the header a 文号 stands on its own line; one inside a sentence cites another document.
    own_lines = [line for line in header[:40] if len(line) <= 30]
    sources = [metadata.get(k, "") for k in ("文号", "发文字号", "文件编号")] + own_lines + [metadata.get("附件", "")]
    for text in sources:
        m = _DOC_NO.search(text or "")
        if m:
            prefix = re.sub(r"^(?:文号|发文字号|文件编号)", "", m.group(1))
            return f"{prefix}〔{m.group(2)}〕{int(m.group(3))}号"
    return None


def _find_period(title: str | None) -> list[int] | None:
    if not title:
        return None
    m = _PERIOD.search(title)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b:
            return [a, b]
    m = _ANNUAL.search(title)
    if m and not re.search(r"[到至]\s*" + m.group(1), title):
        return [int(m.group(1)), int(m.group(1))]
    return None


# --- tasks -----------------------------------------------------------------------------------


def _split_note(text: str) -> tuple[str, str | None]:
    """(text without the trailing department note, the note's inner text or None)."""
    stripped = text.rstrip()
    # 【牵头单位：…】 is the same note in other brackets.
    bm = _BOXED_NOTE.search(stripped)
    if bm:
        stripped = stripped[: bm.start()] + "（" + bm.group(1) + "）" + stripped[bm.end():]
    starts = list(_NOTE_START.finditer(stripped))
    if starts:
        start = starts[-1].start()
        depth = 0
        end = None
        for k in range(start, len(stripped)):
            if stripped[k] == "（":
                depth += 1
            elif stripped[k] == "）":
                depth -= 1
                if depth == 0:
                    end = k
                    break
        inner = stripped[start + 1:end] if end is not None else stripped[start + 1:]
        rest = stripped[:start] + (stripped[end + 1:] if end is not None else "")
        return rest.strip(), inner.strip()
    m = _BARE_NOTE.search(stripped)
    if m:
        return stripped[: m.start(1)].strip(), m.group(1).strip()
    # A note without a label: （区发改局牵头，区经信局配合） at the very end.
    if stripped.endswith("）"):
        depth = 0
        for k in range(len(stripped) - 1, -1, -1):
            if stripped[k] == "）":
                depth += 1
            elif stripped[k] == "（":
                depth -= 1
                if depth == 0:
                    inner = stripped[k + 1:-1]
                    if parse_note(inner) is not None:
                        return stripped[:k].strip(), inner
                    break
    return stripped, None


_LIMIT_LINE = re.compile(r"^(?:完成时限|完成时间|时间节点|办结时限)[：:]")
_LABEL_LINE = re.compile(rf"^(?:{_NOTE_LABEL_ALT})[：:]")


def _trailing_columns(text: str) -> tuple[str, list[str]]:
    """A task's text without its trailing 完成时限：… lines (returned apart), with trailing label lines
    (牵头单位：A / 配合单位：B, one per line as a breakdown table prints them) joined into one note line."""
    lines = text.split("\n")
    limits: list[str] = []
    while len(lines) > 1 and _LIMIT_LINE.match(lines[-1].strip()):
        limits.insert(0, lines.pop().strip())
    labelled: list[str] = []
    while len(lines) > 1 and _LABEL_LINE.match(lines[-1].strip()):
        labelled.insert(0, lines.pop().strip().rstrip("。；;"))
    if labelled:
        lines.append("；".join(labelled))
    return "\n".join(lines), limits


def _task_numbers(blocks: list[_Block], warnings: list[str]) -> list[str]:
    """Task numbers, unique: （一）（二）… headings that restart in every part are qualified by the
    part's numeral as the document cites them, 二（一）; items (1. 2.…) keep their own numbers."""
    numbers = [b.number for b in blocks]
    if len(set(numbers)) == len(numbers):
        return numbers
    counts: dict[str, int] = {}
    for n in numbers:
        counts[n] = counts.get(n, 0) + 1
    if not any(b.kind == "subsection" and counts[b.number] > 1 for b in blocks):
        return numbers
    out = [f"{b.section.number}（{b.number}）" if b.kind == "subsection" and b.section is not None else b.number for b in blocks]
    if out != numbers:
        warnings.append("任务编号在各部分中重新起编，已改为“部分序号（任务序号）”，如 二（一）")
    return out


def _tasks(blocks: list[_Block], warnings: list[str], annual_year: int | None = None) -> tuple[list[dict], list[dict]]:
    tasks: list[dict] = []
    indicators: list[dict] = []
    all_towns = False
    numbers = _task_numbers(blocks, warnings)
    for b, number in zip(blocks, numbers, strict=True):
        scoped = b.section is not None and any(_SECTION_TOWNS.search(line) for line in b.section.lines)
        full = "\n".join(b.lines).strip() if b.kind == "item" else "\n".join([b.title + "。", *b.lines]).strip()
        full, limit_lines = _trailing_columns(full)
        body, note = _split_note(full)
        lead: list[str] = []
        co: list[str] = []
        if note is not None:
            parsed = parse_note(note)
            if parsed is None or not (parsed[0] or parsed[1]):
                warnings.append(f"任务 {number} 的责任部门注释无法识别：{note[:40]}")
            else:
                lead, co, towns_here = parsed
                if towns_here and re.search(r"以下", note):
                    all_towns = True
                task_towns = towns_here
        else:
            task_towns = False
        if not lead and not co and note is None:
            warnings.append(f"任务 {number} 未列出责任部门")
        title = _heading_title(body) if b.kind == "item" else b.title
        group = None
        # A （一） heading that is itself the task has no group of its own.
        if b.kind == "item" and b.subsection is not None:
            group = {"number": b.subsection.number, "title": b.subsection.title}
        deadline, deadline_text = _deadline("\n".join([*limit_lines, body]))
        tasks.append({
            "number": number,
            "title": title,
            "group": group,
            "text": body,
            "lead_departments": lead,
            "co_departments": co,
            "all_towns": all_towns or task_towns or scoped,
            "deadline": deadline,
            "deadline_text": deadline_text,
            "lead_rule": note_rule(note, lead, co),
            "note": note,
        })
        found, _ = extract_indicators(body, scope="task", task=number, default_year=annual_year)
        indicators.extend(found)
    return tasks, indicators


def _month_end(year: int, month: int) -> str | None:
    if not (1 <= month <= 12 and 1949 <= year <= 2100):
        return None
    days = 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30 if month != 2 else (29 if year % 4 == 0 else 28)
    return f"{year:04d}-{month:02d}-{days:02d}"


def _deadline(text: str) -> tuple[str | None, str | None]:
    """(deadline date or None, 完成时限 as written or None) of a task's text.

    An explicit 完成时限：… wins; then the first 2025年底前 / 2025年6月底前 (the date is the end of that
    year or month); then 长期坚持; then a recurring 每年 / 每季度 … 开展. Standing and recurring limits
    have no date.
    """
    m = _DEADLINE_LABEL.search(text)
    if m:
        written = m.group(1).strip()
        before = _DEADLINE_BEFORE.search(written)
        if before:
            return _month_end(int(before.group(1)), int(before.group(2) or 12)), written
        return None, written
    m = _DEADLINE_BEFORE.search(text)
    if m:
        return _month_end(int(m.group(1)), int(m.group(2) or 12)), re.sub(r"\s+", "", m.group(0))
    m = _DEADLINE_STANDING.search(text)
    if m:
        return None, "长期坚持"
    m = _DEADLINE_RECURRING.search(text)
    if m:
        return None, m.group(0)
    return None, None


def _goal_indicators(blocks: list[_Block], annual_year: int | None = None) -> list[dict]:
    out: list[dict] = []
    year: int | None = None
    for b in blocks:
        text = "\n".join(([b.title] if b.kind != "item" and not b.lines else []) + b.lines)
        if b.kind == "item":
            text = "\n".join(b.lines)
        found, year = extract_indicators(text, scope="goals", year=year, default_year=annual_year)
        out.extend(found)
    return out
