"""The `when` condition of a grade cap: `LEAF.counts.EVENT >= N`, and nothing else.

A hand-written parser for that one documented form (no `eval`): LEAF is a run of characters
without "." or white space, EVENT a run without white space, N a non-negative integer of at most
nine digits. White space around `>=` is one or more spaces or tabs. Any other text raises
AssessmentError.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import AssessmentError

GRAMMAR = "应为“评分项代码.counts.事件 >= 整数”"
_SPACE = " \t"


@dataclass(frozen=True)
class CountCondition:
    """True for a unit whose input for leaf `leaf` has `counts[event]` ≥ `threshold`."""

    leaf: str
    event: str
    threshold: int

    def holds(self, counts: dict[str, int]) -> bool:
        return counts.get(self.event, 0) >= self.threshold


def parse_when(text: object) -> CountCondition:
    """Parse a grade cap's `when`; AssessmentError (“条件…无法解析”) on anything but the documented form."""
    if not isinstance(text, str):
        raise AssessmentError(f"条件应为文本，{GRAMMAR}")
    shown = text if len(text) <= 80 else text[:80] + "…"
    bad = AssessmentError(f"条件“{shown}”无法解析，{GRAMMAR}")
    i, n = 0, len(text)

    def run(stop: str) -> str:
        nonlocal i
        start = i
        while i < n and text[i] not in stop and not text[i].isspace():
            i += 1
        return text[start:i]

    leaf = run(".")
    if not leaf or text[i:i + 8] != ".counts.":
        raise bad
    i += 8
    event = run("")
    if not event:
        raise bad
    spaces = i
    while i < n and text[i] in _SPACE:
        i += 1
    if i == spaces or text[i:i + 2] != ">=":
        raise bad
    i += 2
    spaces = i
    while i < n and text[i] in _SPACE:
        i += 1
    digits = text[i:]
    if i == spaces or not digits or len(digits) > 9 or not all("0" <= c <= "9" for c in digits):
        raise bad
    return CountCondition(leaf=leaf, event=event, threshold=int(digits))
