"""Responsibility notes (责任部门/牵头单位/配合单位) and department alias suggestions.

Contract: ``parse_note(content)`` returns (lead, co, all_towns) or None when ``content`` is not a
department note; ``note_rule(content, lead, co)`` names what decided the roles (see ``LEAD_RULES``); ``suggest_aliases(names)`` maps each name to the other names judged to be the same
body (an abbreviation and a full name), conservatively.
"""

from __future__ import annotations

import re

from .textutil import NOTE_LABELS

_LEAD_LABELS = {"牵头", "责任部门", "责任单位", "牵头单位", "牵头部门", "责任主体", "主责单位", "实施单位", "落实单位"}
_LABEL_RE = re.compile("(" + "|".join((*NOTE_LABELS, "牵头", "配合")) + r")[：:]")
_SPLIT = re.compile(r"[、，,；;]|\s+")
_TAIL = re.compile(
    r"(?:按职责分工负责|按职责分工落实|按照职责分工负责|按职能分工负责|按职责负责|分工负责|按职责分工|"
    r"分别负责|负责落实|共同负责|负责|等单位|等部门|等)$"
)
_ALL_TOWNS = re.compile(r"以下[^。；]{0,12}各[^。；]{0,20}(?:镇|街道|乡|管委会|开发区|功能区)")
_TOWN_UNIT = re.compile(r"^各(?:乡镇|镇|街道|镇街|镇（街道）|乡镇（街道）|镇、街道|镇街道)")
_ORG_END = re.compile(r"(?:局|委|办|院|中心|分中心|处|厅|部|会|所|站|队|社|行|署|室|公司|集团|政府|单位|街道|镇|乡)$")
_LEAD_VERB = re.compile(r"^(?P<lead>.+?)牵头(?:[，,；;](?P<co>.+?)(?:配合|参与|协同|按职责分工负责|负责))?[。]?$")


def _split_outside_brackets(segment: str) -> list[str]:
    """Split a unit list on 、，； and spaces, but not inside brackets: 各县（市、区）政府."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in segment:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and _SPLIT.fullmatch(ch):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _units(segment: str) -> list[str]:
    segment = segment.strip().rstrip("。；;，,")
    units: list[str] = []
    for raw in _split_outside_brackets(segment):
        unit = raw.strip("“”\"'。 ")
        # A bracketed tail such as 市经信局（按职责分工负责） qualifies the list, not the unit.
        unit = re.sub(r"[（(](?:按|分别|共同|负责|牵头|配合)[^（）()]*[）)]$", "", unit)
        unit = re.sub(r"^(?:由|以及|及|和)", "", unit)
        while True:
            stripped = _TAIL.sub("", unit)
            if stripped == unit:
                break
            unit = stripped
        if unit and unit not in units:
            units.append(unit)
    return units


#: What decided a task's lead units. The parser gives labelled, verb, listed or none; the review turns
#: listed into first_listed when the office follows the first-listed-unit-leads convention.
LEAD_RULES = ("labelled", "verb", "listed", "first_listed", "none")
_DISTINCT_LABELS = {"牵头", "牵头单位", "牵头部门", "配合", "配合单位", "配合部门", "参与单位", "参与部门", "协同单位", "协办单位"}


def note_rule(content: str | None, lead: list[str], co: list[str]) -> str:
    """How a note states its roles: labelled (牵头单位：…；配合单位：…), verb (A牵头，B配合), listed (a bare
    list, 责任单位：A、B, A、B按职责分工负责: no unit named as lead), none."""
    if not lead and not co:
        return "none"
    text = (content or "").strip()
    labels = {m.group(1) for m in _LABEL_RE.finditer(text)}
    if labels & _DISTINCT_LABELS:
        return "labelled"
    if not labels and _LEAD_VERB.match(text):
        return "verb"
    if co:
        return "labelled" if labels else "verb"
    if len(lead) == 1:
        return "labelled" if labels else "listed"
    return "listed"


def parse_note(content: str) -> tuple[list[str], list[str], bool] | None:
    """Lead units, co units and the all-towns flag of a department note's inner text."""
    all_towns = bool(_ALL_TOWNS.search(content))
    labels = list(_LABEL_RE.finditer(content))
    lead: list[str] = []
    co: list[str] = []
    if labels:
        for i, m in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(content)
            segment = content[m.end():end]
            # A note may add sentences after the list (以下均需…不再列出): only the first is units.
            segment = segment.split("。", 1)[0]
            target = lead if m.group(1) in _LEAD_LABELS else co
            target.extend(u for u in _units(segment) if u not in target)
    else:
        m = _LEAD_VERB.match(content.strip())
        if not m:
            body = _TAIL.sub("", content.strip().rstrip("。"))
            names = _units(body)
            if not names or not all(_ORG_END.search(n) and len(n) <= 20 for n in names):
                return None
            lead = names
        else:
            lead = _units(m.group("lead"))
            co = _units(m.group("co") or "")
            if not lead or not all(_ORG_END.search(n) for n in lead):
                return None
    if any(_TOWN_UNIT.match(u) for u in lead + co):
        all_towns = True
    return lead, co, all_towns


_PREFIX = re.compile(r"^(?:省|市|区|县|镇|州|盟|旗)")
_SUFFIXES = ("分中心", "分局", "中心", "局", "委员会", "委", "办公室", "办", "院", "厅", "处", "部", "会")


def _split_name(name: str) -> tuple[str, str, str]:
    m = _PREFIX.match(name)
    prefix = m.group(0) if m else ""
    rest = name[len(prefix):]
    suffix = next((s for s in _SUFFIXES if rest.endswith(s) and len(rest) > len(s)), "")
    return prefix, rest[: len(rest) - len(suffix)] if suffix else rest, suffix


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def same_body(a: str, b: str) -> bool:
    """True when one name abbreviates the other: same prefix and suffix, core an in-order subsequence."""
    if a == b:
        return False
    short, long = sorted((a, b), key=len)
    ps, cs, ss = _split_name(short)
    pl, cl, sl = _split_name(long)
    if ps != pl or ss != sl or not ss or len(cs) < 2 or len(cs) >= len(cl):
        return False
    if cs[0] != cl[0] or "各" in short or "各" in long:
        return False
    return _is_subsequence(cs, cl)


def suggest_aliases(names: list[str]) -> dict[str, list[str]]:
    """Each name with the other names in ``names`` judged to denote the same body."""
    aliases: dict[str, list[str]] = {n: [] for n in names}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if same_body(a, b):
                aliases[a].append(b)
                aliases[b].append(a)
    return aliases
