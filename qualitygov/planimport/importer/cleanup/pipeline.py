"""The cleanup pipeline: every pass in order, repeated until the text no longer changes."""

from __future__ import annotations

import re

from ..textutil import t2s_converter
from .base import Acc, CleanupResult
from .chars import join_cjk_spaces, normalise_chars, normalise_line, remove_pinyin, to_simplified
from .chrome import is_chrome
from .spam import known_words, remove_spam
from .structure import drop_duplicates, drop_toc, repair_brackets, unwrap

_SPACED_TABLE_HEAD = re.compile(r"指标名称.*?(?<!\S)\d{4}年\S*\s+\d{4}年")
_SPACED_TABLE_ROW = re.compile(r"^\s*\d{1,3}\s+\S+(?:\s+\S+){2,}\s*$")


def _pipe_spaced_tables(lines: list[str], acc: Acc) -> list[str]:
    """An indicator table copied as text with spaces between cells (序号 指标名称 单位 2022年 2025年…,
    then rows 1 制造业产品质量合格率 % 93.5 94 95): cells joined with | so that the space cleanup,
    which joins hanzi across spaces, cannot merge them."""
    out: list[str] = []
    width = 0
    for line in lines:
        cells = line.split()
        if "|" not in line and "｜" not in line and _SPACED_TABLE_HEAD.search(line) and len(cells) >= 4:
            width = len(cells)
            out.append(" | ".join(cells))
            acc.count("table")
            continue
        if width and "|" not in line and _SPACED_TABLE_ROW.match(line) and len(cells) == width:
            out.append(" | ".join(cells))
            continue
        if line.strip():
            width = 0
        out.append(line)
    return out


def _clean_once(text: str, acc: Acc) -> str:
    text = normalise_chars(text)
    text = remove_pinyin(text, acc)
    text = to_simplified(text, acc)
    lines: list[str] = []
    raw_lines = text.split("\n")
    if "指标名称" in text:
        raw_lines = _pipe_spaced_tables(raw_lines, acc)
    known = known_words(raw_lines)
    for raw in raw_lines:
        line = normalise_line(raw, acc)
        if line:
            spam_free = remove_spam(line, acc, known)
            if spam_free is None:
                continue
            line = spam_free
            if is_chrome(line, acc):
                acc.chrome_lines += 1
                continue
            if " " in line:
                joined = join_cjk_spaces(line)
                if joined != line:
                    acc.count("punct")
                    line = joined
        lines.append(line)
    lines = repair_brackets(lines, acc)
    lines = drop_toc(lines, acc)
    lines = drop_duplicates(lines, acc)
    lines = unwrap(lines, acc)
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def clean_text(text: str) -> CleanupResult:
    """Clean ``text``; see the module docstring for the contract."""
    acc = Acc()
    current = text if isinstance(text, str) else str(text)
    # Each pass is close to idempotent; repeating to a fixpoint makes the contract hold exactly.
    for _ in range(6):
        cleaned = _clean_once(current, acc)
        if cleaned == current:
            break
        current = cleaned
    fixes = list(acc.fixes)
    if acc.counters.get("punct"):
        fixes.append(f"规范标点与空白：{acc.counters['punct']} 行")
    warnings: list[str] = []
    bad = current.count("\ufffd")
    if bad:
        where = [str(n) for n, line in enumerate(current.split("\n"), 1) if "\ufffd" in line][:5]
        warnings.append(f"发现乱码字符（�）{bad} 处，见第 {'、'.join(where)} 行，请核对原文")
    for snippet in acc.suspect[:5]:
        warnings.append(f"疑似乱码（拼音残留，原字可能丢失）：{t2s_converter().convert(snippet)}，请核对原文")
    report = {
        "spam_lines_removed": acc.spam_lines,
        "chrome_lines_removed": acc.chrome_lines,
        "pinyin_annotations_removed": acc.pinyin,
        "traditional_converted": acc.traditional,
        "other_fixes": fixes,
    }
    return CleanupResult(text=current, report=report, warnings=warnings, metadata=dict(acc.metadata))
