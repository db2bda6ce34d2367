"""Test and demo helpers: valid 统一社会信用代码 (GB 32100-2015 check character) and a sampled world."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_with_check(first17: str) -> str:
    """`first17` (from the code's character set) completed with its check character."""
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return first17 + CHARSET[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    code = (code or "").strip().upper()
    return (len(code) == 18 and all(ch in CHARSET for ch in code)
            and uscc_with_check(code[:17]) == code)
