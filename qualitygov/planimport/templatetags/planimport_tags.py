"""The review page's source sentences: where each extracted item was read, the read part marked."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

register = template.Library()

_SENTENCE = re.compile(r"[^。；;！？\n]*[。；;！？]?")

#: How the lead units were decided (`lead_rule` of the effective plan).
LEAD_RULE_LABELS = {
    "labelled": gettext_lazy("lead and co units labelled in the note"),
    "verb": gettext_lazy("the note says who leads (…牵头)"),
    "listed": gettext_lazy("no lead named: every listed unit leads"),
    "first_listed": gettext_lazy("no lead named: the first listed unit leads (convention)"),
    "corrected": gettext_lazy("corrected in review"),
    "none": gettext_lazy("no units named"),
}


def highlight(text: str, *needles: str) -> SafeString:
    """`text` escaped, with the first occurrence of each non-empty needle in <mark>."""
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        start = text.find(needle)
        if start >= 0 and all(start >= b or start + len(needle) <= a for a, b in spans):
            spans.append((start, start + len(needle)))
    out, last = [], 0
    for a, b in sorted(spans):
        out += [escape(text[last:a]), "<mark>", escape(text[a:b]), "</mark>"]
        last = b
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def sentence_with(text: str, needle: str) -> str:
    """The sentence of `text` that contains `needle` ('' when none does)."""
    for m in _SENTENCE.finditer(text or ""):
        if needle and needle in m.group(0):
            return m.group(0).strip()
    return ""


@register.filter
def indicator_source(item: dict) -> SafeString:
    """An indicator's source clause with its name and value marked."""
    value = item.get("value")
    shown = format(value, "g") if isinstance(value, float) else str(value)
    return highlight(item.get("source") or "", item.get("name") or "", shown)


@register.filter
def deadline_source(task: dict) -> SafeString:
    """The sentence a task's time limit was read from, the limit marked; '' when it states none."""
    written = task.get("deadline_text") or ""
    sentence = sentence_with(task.get("text") or "", written)
    return highlight(sentence, written) if sentence else mark_safe("")


@register.filter
def note_source(task: dict) -> SafeString:
    """The responsibility note as written, marked, in the brackets it stood in."""
    note = task.get("note")
    return mark_safe(f"（<mark>{escape(note)}</mark>）") if note else mark_safe("")


@register.filter
def lead_rule_label(rule: str | None) -> str:
    return str(LEAD_RULE_LABELS.get(rule or "", "")) if rule else ""
