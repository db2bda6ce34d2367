"""Character classes, numerals and lazily loaded dictionaries shared by cleanup and parse."""

from __future__ import annotations

import functools
import importlib.util
import threading
import unicodedata
from pathlib import Path

HANZI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。；：？！、（）《》〈〉“”‘’【】〔〕…—·「」『』"
CN_DIGITS = "一二三四五六七八九十"
CN_NUMERAL = f"[{CN_DIGITS}百零〇两]"
NOTE_LABELS = (
    "责任部门", "责任单位", "牵头单位", "牵头部门", "配合单位", "配合部门", "参与单位", "参与部门",
    "协同单位", "协办单位", "责任主体", "主责单位", "实施单位", "落实单位",
)

_lock = threading.Lock()
_converter = None
_pinyin_dict: dict[int, str] | None = None


def t2s_converter():
    """The OpenCC Traditional→Simplified converter, created once per process."""
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter


def _readings_table() -> dict[int, str]:
    global _pinyin_dict
    if _pinyin_dict is None:
        with _lock:
            if _pinyin_dict is None:
                _pinyin_dict = _load_pinyin_dict()
    return _pinyin_dict


def _load_pinyin_dict() -> dict[int, str]:
    """The single-character table behind pypinyin.pinyin(ch, heteronym=True): every reading.

    Loaded from its own file: importing the pypinyin package also loads its phrase dictionaries
    (~40 MB) that the cleanup never uses.
    """
    try:
        spec = importlib.util.find_spec("pypinyin")
        path = Path(spec.origin).parent / "pinyin_dict.py" if spec and spec.origin else None
        if path is not None and path.is_file():
            module_spec = importlib.util.spec_from_file_location("_qualitygov_pinyin_dict", path)
            if module_spec and module_spec.loader:
                module = importlib.util.module_from_spec(module_spec)
                module_spec.loader.exec_module(module)
                return module.pinyin_dict
    except (ImportError, OSError, AttributeError):
        pass
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict


_TONE_DIGIT = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}


def _forms(reading: str) -> set[str]:
    """A toned reading and its toneless and tone-number spellings (ü also as v/u)."""
    out = {reading}
    decomposed = unicodedata.normalize("NFD", reading)
    tone = ""
    plain = []
    for ch in decomposed:
        if ch in _TONE_DIGIT:
            tone = _TONE_DIGIT[ch]
        elif ch == "\u0308":  # the diaeresis of ü survives as ü
            plain.append("\u0308")
        elif not unicodedata.combining(ch):
            plain.append(ch)
    bare = unicodedata.normalize("NFC", "".join(plain))
    for variant in {bare, bare.replace("ü", "v"), bare.replace("ü", "u")}:
        out.add(variant)
        if tone:
            out.add(variant + tone)
        else:
            out.add(variant + "5")
    return out


@functools.lru_cache(maxsize=8192)
def readings(ch: str) -> frozenset[str]:
    """All pinyin spellings of the character ``ch`` (toned, toneless, tone-number), any reading."""
    table = _readings_table()
    found: set[str] = set()
    chars = {ch}
    simplified = t2s_converter().convert(ch)
    if simplified:
        chars.add(simplified)
    for c in chars:
        raw = table.get(ord(c[0])) if c else None
        if raw:
            for reading in raw.split(","):
                found |= _forms(reading.strip())
    return frozenset(found)


_syllables: frozenset[str] | None = None


def toned_syllables() -> frozenset[str]:
    """Every toned pinyin syllable that some character reads (for spotting stray annotations)."""
    global _syllables
    if _syllables is None:
        found: set[str] = set()
        for raw in _readings_table().values():
            found.update(r.strip() for r in raw.split(","))
        _syllables = frozenset(s for s in found if any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", s)))
    return _syllables


def is_hanzi(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


_CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_to_int(s: str) -> int | None:
    """Value of a Chinese numeral up to 999 (一, 十二, 二十, 一百零五); None if not one."""
    if not s:
        return None
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in _CN_VALUES:
            current = _CN_VALUES[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def int_to_cn(n: int) -> str:
    """Chinese numeral for 1..99 as used in headings (十一, 二十)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
