"""Line-structure passes: lost brackets, duplicated lines, tables of contents and wrapped lines."""

from __future__ import annotations

import re

from ..textutil import CN_DIGITS, HANZI, NOTE_LABELS, cn_to_int, int_to_cn
from .base import Acc
from .chars import TOC_LEADER

# --- bracket repair ---------------------------------------------------------------------------

_SECTION = re.compile(rf"^[{CN_DIGITS}]{{1,3}}、")
_GROUP = re.compile(rf"^（([{CN_DIGITS}]{{1,3}})）")
_LOST_OPEN_GROUP = re.compile(rf"^(?:）|([{CN_DIGITS}]{{1,3}})）)(?=[{HANZI}])")
_PERIOD_NO_CLOSE = re.compile(r"（(\d{4}(?:[—\-－–~～]{1,2}\d{4})?年)(?![）\d])")
_PERIOD_NO_OPEN = re.compile(r"^(\d{4}(?:[—\-－–~～]{1,2}\d{4})?年)）")
_LABEL_ALT = "|".join(NOTE_LABELS)
_NOTE_LABEL = re.compile(rf"({_LABEL_ALT})：")


def repair_brackets(lines: list[str], acc: Acc) -> list[str]:
    out = list(lines)
    for i, line in enumerate(out):
        if not line:
            continue
        m = _LOST_OPEN_GROUP.match(line)
        if m and not _GROUP.match(line):
            number = m.group(1) or _infer_group_number(out, i)
            fixed = f"（{number}）" + line[m.end():]
            acc.fixes.append(f"补全任务组编号括号：{line[:20]} → {fixed[:22]}")
            out[i] = line = fixed
        if "年" in line:
            fixed = _PERIOD_NO_CLOSE.sub(r"（\1）", line)
            fixed = _PERIOD_NO_OPEN.sub(r"（\1）", fixed)
            if fixed != line:
                acc.fixes.append(f"补全年份括号：{fixed[:40]}")
                out[i] = line = fixed
        if "：" in line:
            fixed = _repair_note(line)
            if fixed != line:
                acc.fixes.append(f"补全责任部门括号：{fixed[-30:]}")
                out[i] = fixed
    return out


def _infer_group_number(lines: list[str], i: int) -> str:
    """Number of a task-group heading that lost it: next group in the section minus one, else previous + 1."""
    for j in range(i + 1, len(lines)):
        if _SECTION.match(lines[j]):
            break
        m = _GROUP.match(lines[j])
        if m:
            n = cn_to_int(m.group(1)) or 0
            if n > 1:
                return int_to_cn(n - 1)
            break
    for j in range(i - 1, -1, -1):
        if _SECTION.match(lines[j]):
            break
        m = _GROUP.match(lines[j])
        if m:
            return int_to_cn((cn_to_int(m.group(1)) or 0) + 1)
    return "一"


def _repair_note(line: str) -> str:
    m = _NOTE_LABEL.search(line)
    if m is None:
        return line
    start = m.start()
    opened = start > 0 and line[start - 1] == "（"
    depth = 0
    unmatched_close = None
    for k in range(start, len(line)):
        ch = line[k]
        if ch == "（":
            depth += 1
        elif ch == "）":
            if depth == 0:
                unmatched_close = k
                break
            depth -= 1
    if opened and unmatched_close is None and depth == 0:
        tail = line[start:].rstrip()
        if not tail.endswith("）"):
            # The note runs to the end of the line but its closing bracket was lost.
            return line.rstrip() + "）"
        return line
    if not opened and unmatched_close is not None:
        before = line[start - 1] if start else ""
        if not before or before in "。；;. ":
            return line[:start] + "（" + line[start:]
    return line


# --- duplicates ------------------------------------------------------------------------------

_NUMBERED = re.compile(rf"^(?:[{CN_DIGITS}]{{1,3}}、|（[{CN_DIGITS}]{{1,3}}）|\d{{1,3}}[.．、])")
_NOTE_LINE = re.compile(rf"^（?(?:{_LABEL_ALT})")


_HEADLINE_LIKE = re.compile(r"关于|通知|印发|〔\d{4}〕|\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日")


def drop_duplicates(lines: list[str], acc: Acc) -> list[str]:
    seen: set[str] = set()
    recent: list[str] = []
    out: list[str] = []
    previous_dup = False
    for line in lines:
        if not line:
            out.append(line)
            continue
        dup = False
        if line in recent:
            dup = not _NOTE_LINE.match(line)
        elif line in seen and len(line) >= 6 and "。" not in line and not _NUMBERED.match(line):
            # A repeated headline or metadata line; other repeats (a heading line that also ends a
            # wrapper line, 加快建设质量强市的实施方案) are content unless they continue a repeated block.
            dup = not _NOTE_LINE.match(line) and (previous_dup or bool(_HEADLINE_LIKE.search(line)))
        previous_dup = dup
        if dup:
            acc.count("dup")
            acc.fixes.append(f"删除重复行：{line[:30]}")
            continue
        seen.add(line)
        recent.append(line)
        if len(recent) > 3:
            recent.pop(0)
        out.append(line)
    return out


_TOC_HEAD = re.compile(r"^目\s*录$")
_TERMINAL = set("。；;：:！!？?”）)】》")


def drop_toc(lines: list[str], acc: Acc) -> list[str]:
    """A table of contents: lines with dot leaders and page numbers, and the 目录 block of headings
    that the body repeats (up to the first heading seen twice)."""
    if not any(_TOC_HEAD.match(line) or TOC_LEADER.search(line) for line in lines):
        return lines
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    out: list[str] = []
    in_toc = False
    seen: set[str] = set()
    for line in lines:
        if _TOC_HEAD.match(line):
            in_toc = True
            continue
        entry = TOC_LEADER.sub("", line).rstrip("…. ·") if line else line
        # Only entries the body repeats are dropped: a copy that stops after the contents keeps them.
        if line and TOC_LEADER.search(line) and len(line) <= 80 and counts.get(entry):
            seen.add(entry)
            acc.count("toc")
            continue
        if in_toc and line:
            if entry not in seen and counts.get(entry, 0) >= 2 and _NUMBERED.match(line) and len(line) <= 40 and "。" not in line:
                seen.add(entry)
                acc.count("toc")
                continue
            in_toc = False
        out.append(line)
    if acc.counters.get("toc") and not any("目录" in f for f in acc.fixes):
        acc.fixes.append("删除目录")
    return out


_HEADING_END = re.compile(r"(?:通知|方案|意见|纲要|规划|计划|要点|办法|措施|细则|决定|规定|文件|）|》)$")


def _lone_wrap(line: str, after: str, width: int) -> bool:
    """A line at the width that ends no heading, followed by a shorter line that ends the sentence
    (or the department note after it)."""
    return (bool(after) and len(after) < len(line) and after[-1] in "。；;）" and not _NUMBERED.match(after)
            and not _NOTE_LINE.match(after) and not _HEADING_END.search(line))


def unwrap(lines: list[str], acc: Acc) -> list[str]:
    """Rejoin a paragraph that a PDF copy broke into fixed-width lines without punctuation at the
    breaks. Only when the text shows such a width: three or more near-equal lines that do not end
    a sentence; runs of two or more such lines in a row are joined, and so is a lone line at the
    width followed by a shorter line that ends a sentence and is neither a heading nor a note (a
    two-line paragraph)."""
    def open_end(k: int) -> bool:
        line = lines[k]
        return (len(line) >= 16 and line[-1] not in _TERMINAL and not _SECTION.match(line) and not _GROUP.match(line)
                and not _NOTE_LINE.match(line) and "|" not in line and "｜" not in line)

    cands = [k for k in range(len(lines) - 1) if lines[k] and open_end(k)]
    if len(cands) < 3:
        return lines
    widths = [len(lines[k]) for k in cands]
    width = max(set(widths), key=lambda w: sum(1 for x in widths if abs(x - w) <= 2))
    at_width = {k for k in cands if abs(len(lines[k]) - width) <= 2}
    wrapped = {k for k in at_width if k - 1 in at_width or k + 1 in at_width}
    # Once three lines show the width, a lone line at it may be the first of a two-line paragraph.
    if len(at_width) >= 3:
        wrapped |= {k for k in at_width - wrapped if _lone_wrap(lines[k], lines[k + 1], width)}
    if len(wrapped) < 2:
        return lines
    out: list[str] = []
    joining = False
    for k, line in enumerate(lines):
        if joining and line and not _NUMBERED.match(line) and not _NOTE_LINE.match(line):
            out[-1] += line
            acc.count("unwrap")
        else:
            out.append(line)
        joining = k in wrapped
    if acc.counters.get("unwrap") and not any("断行" in f for f in acc.fixes):
        acc.fixes.append("合并PDF断行")
    return out
