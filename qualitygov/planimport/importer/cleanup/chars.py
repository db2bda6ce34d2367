"""Character-level passes: invisible and full-width characters, pinyin annotations, Traditional →
Simplified, punctuation and whitespace inside a line."""

from __future__ import annotations

import re
import unicodedata

from ..textutil import HANZI, is_hanzi, readings, t2s_converter, toned_syllables
from .base import Acc

# --- characters -------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\ufeff\u200b-\u200d\u2060\u00ad\u200e\u200f]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


_FULLWIDTH = str.maketrans({**{chr(0xFF10 + k): str(k) for k in range(10)}, "％": "%"})
_FW_POINT = re.compile(r"(?<=\d)．(?=\d)")


def normalise_chars(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    # Full-width digits and ％ (２０２５年、９８．５％) as copied from some mirrors.
    text = _FW_POINT.sub(".", text.translate(_FULLWIDTH))
    return _SPACES.sub(" ", text)


# --- pinyin annotations -----------------------------------------------------------------------

_PY_CHARS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿɑ\u0300-\u030c"
_PINYIN = re.compile(rf"([{HANZI}])[ ]?[(（][ ]?([{_PY_CHARS}]{{1,8}}[1-5]?)[ ]?[)）]")


def remove_pinyin(text: str, acc: Acc) -> str:
    if "(" not in text and "（" not in text:
        return text
    removed = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal removed
        syllable = unicodedata.normalize("NFC", m.group(2))
        if syllable in readings(m.group(1)):
            removed += 1
            return m.group(1)
        return m.group(0)

    # A character may carry several annotations in a row; repeat until none is left.
    while True:
        before = removed
        text = _PINYIN.sub(repl, text)
        if removed == before:
            break
    acc.pinyin += removed
    return _remove_orphan_pinyin(text, acc)


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_ORPHAN = re.compile(
    rf"[(（]([a-zü{_TONED}]{{1,7}})[)）]|(?<![A-Za-z{_TONED}ü])([a-zü{_TONED}]{{1,7}})[)）]"
)


def _remove_orphan_pinyin(text: str, acc: Acc) -> str:
    """Drop toned annotations left behind by garbling: ``_(dá)`` or a bare ``cái)`` residue."""
    if not any(c in text for c in _TONED):
        return text
    syllables = toned_syllables()
    hits: list[str] = []

    def repl(m: re.Match[str]) -> str:
        syllable = unicodedata.normalize("NFC", m.group(1) or m.group(2))
        if syllable in syllables:
            hits.append(text[max(0, m.start() - 6): m.end() + 6].replace("\n", " "))
            return ""
        return m.group(0)

    text = _ORPHAN.sub(repl, text)
    if hits:
        acc.pinyin += len(hits)
        acc.suspect.extend(hits)
    return text


# --- Traditional → Simplified -----------------------------------------------------------------


def to_simplified(text: str, acc: Acc) -> str:
    converted = t2s_converter().convert(text)
    if converted == text:
        return text
    if len(converted) == len(text):
        acc.traditional += sum(1 for a, b in zip(text, converted, strict=True) if a != b)
    else:
        old_lines, new_lines = text.split("\n"), converted.split("\n")
        if len(old_lines) == len(new_lines):
            for a, b in zip(old_lines, new_lines, strict=True):
                if a != b:
                    acc.traditional += (
                        sum(1 for x, y in zip(a, b, strict=True) if x != y)
                        if len(a) == len(b)
                        else max(len(a), len(b))
                    )
        else:
            acc.traditional += abs(len(text) - len(converted)) or 1
    return converted


# --- punctuation and whitespace ---------------------------------------------------------------

HANZI_CHAR = f"[{HANZI}]"
_HP = f"[{HANZI}，。；：？！、（）《》〈〉“”‘’【】〔〕]"
_Q_NBSP = re.compile(r"(?:(?<=\s)|(?<=\d)|^)\?+|\?+(?=\s|$)(?<![" + HANZI + r"]\?)")
_Q_CJK = re.compile(rf"(?<={HANZI_CHAR})\?|\?(?={HANZI_CHAR})")
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_PUNCT_AFTER = re.compile(rf"(?<={_HP})[,;:!]|[,;!](?={HANZI_CHAR})|(?<!\d):(?={HANZI_CHAR})")
_PAIR = re.compile(r"([(（])([^()（）\n]{0,120})([)）])")
_MULTISPACE = re.compile(r" {2,}")
_SPACE_PUNCT = re.compile(r" +(?=[，。；：？！、（）《》〈〉“”‘’【】〔〕%％])|(?<=[，。；：？！、（）《》〈〉“”‘’【】〔〕]) +")
_SPACE_CJK_ASCII = re.compile(rf"(?<={HANZI_CHAR}) +(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%]) +(?={HANZI_CHAR})")
_DATE_SPACES = re.compile(r"(\d{4}) *([-/.]) *(\d{1,2}) *\2 *(\d{1,2})(?!\d)")
_YMD_SPACES = re.compile(r"(?<=\d) +(?=[年月日号])|(?<=[年月]) +(?=\d)")


_ORG_TOKEN = re.compile(r"(?:局|委|政府|委员会|办公室|小组|管委会|工委|厅|院|部|中心|办|会|公司|集团)$")


def join_cjk_spaces(line: str) -> str:
    """A space between hanzi is a line-wrap artefact unless it separates two organisation names."""
    parts = line.split(" ")
    out = [parts[0]]
    for part in parts[1:]:
        left = out[-1]
        if left and part and is_hanzi(left[-1]) and is_hanzi(part[0]) and not _ORG_TOKEN.search(left):
            out[-1] = left + part
        else:
            out.append(part)
    return " ".join(out)


def _fix_pairs(line: str) -> str:
    def repl(m: re.Match[str]) -> str:
        inner = m.group(2)
        if m.group(1) == "(" and m.group(3) == ")" and not re.search(HANZI_CHAR, inner):
            return m.group(0)  # ASCII content such as (VOCs), (NOx) stays as written
        return f"（{inner}）"

    return _PAIR.sub(repl, line)


def _fix_lone_parens(line: str) -> str:
    if "(" not in line and ")" not in line:
        return line
    chars = list(line)
    stack: list[int] = []
    lone: list[int] = []
    for i, ch in enumerate(chars):
        if ch in "(（":
            stack.append(i)
        elif ch in ")）":
            if stack:
                stack.pop()
            else:
                lone.append(i)
    lone.extend(stack)
    for i in lone:
        ch = chars[i]
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        prev = chars[i - 1] if i else ""
        if ch == "(" and (nxt.isdigit() or re.match(_HP, nxt or " ")):
            chars[i] = "（"
        elif ch == ")" and (not prev or prev.isdigit() or re.match(_HP, prev)):
            chars[i] = "）"
    return "".join(chars)


_PAGE_NO = re.compile(r"\s*[—－–-]{1,2}\s*\d{1,3}\s*[—－–-]{1,2}\s*$")
TOC_LEADER = re.compile(r"(?:…{2,}|\.{4,}|·{4,}|．{4,}|-{4,})\s*\d{1,3}$")


def normalise_line(line: str, acc: Acc) -> str:
    original = line
    if "—" in line or "-" in line or "－" in line:
        # A PDF page footer (— 3 —) on its own line or glued to the end of a line.
        line = _PAGE_NO.sub("", line)
    if "?" in line:
        line = _Q_NBSP.sub(" ", line)
        line = _Q_CJK.sub("？", line)
    line = _PUNCT_AFTER.sub(lambda m: _HALF_TO_FULL[m.group(0)], line)
    if "(" in line or ")" in line or "（" in line:
        line = _fix_pairs(line)
        line = _fix_lone_parens(line)
    line = line.strip()
    if " " in line:
        line = _MULTISPACE.sub(" ", line)
        line = _SPACE_PUNCT.sub("", line)
        line = _SPACE_CJK_ASCII.sub("", line)
        line = _DATE_SPACES.sub(r"\1\2\3\2\4", line)
        line = _YMD_SPACES.sub("", line)
    if line != original.strip():
        acc.count("punct")
    return line
