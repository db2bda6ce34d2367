"""Pinyin initials of Chinese text, so that "zlqq" finds 质量强区 (search boxes accept either)."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_INITIALS_QUERY = re.compile(r"^[a-z]{2,20}$")


@lru_cache(maxsize=20_000)
def initials(text: str) -> str:
    """Lower-case first letters of each character's pinyin; Latin letters and digits kept, the rest dropped.

    >>> initials("质量强区 2026")
    'zlqq2026'
    """
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(ch for ch in "".join(letters).lower() if ch.isascii() and ch.isalnum())


def is_initials_query(query: str) -> bool:
    """Whether `query` looks like pinyin initials (2–20 Latin letters, no spaces)."""
    return bool(_INITIALS_QUERY.match(query.strip().lower()))


def matches_initials(query: str, text: str) -> bool:
    """Whether the initials `query` occur in `text`'s initials (`is_initials_query` first)."""
    return query.strip().lower() in initials(text)
