"""Change targets (下降14%, 提高2个百分点, 年均增长10%) and task deliverables (培育3个以上…).

A change target states how far a value moves from a baseline, not the value itself. It keeps the
change as its value and names the kind of change in its comparator (plan schema 1.1):

``increase_by`` / ``decrease_by``
    提高/提升/增长/增加 or 下降/降低/减少 X: with unit % a share of the baseline value
    (较2020年下降14% → at most 86% of the 2020 value); with any other unit an amount in that unit.
``increase_pp`` / ``decrease_pp``
    提高/下降 X个百分点: percentage points added to or taken from the baseline value.
``annual_growth`` / ``annual_decline``
    年均增长/年均下降 X%: compounded every year from the baseline year to the target year.

Pure functions; ``indicators.extract_indicators`` calls them.
"""

from __future__ import annotations

import re

INCREASE_WORDS = frozenset({"提高", "提升", "增长", "增加"})
DECREASE_WORDS = frozenset({"下降", "降低", "减少"})
#: Every comparator a change target can have (the plan schema's 1.1 additions).
CHANGE_COMPARATORS = ("increase_by", "decrease_by", "increase_pp", "decrease_pp", "annual_growth",
                      "annual_decline")

_ANNUAL = re.compile(r"(?:年均|年平均|每年平均|平均每年)$")
_BASELINE_YEAR = re.compile(r"(?:较|比|相比|与|同)(\d{4})年(?:底|末)?(?:相比|比)?")
_PREVIOUS_YEAR = re.compile(r"(?:较|比|相比|与|同)(?:上年|去年|上一年)(?:同期)?(?:相比|比)?")
_TRAILING = re.compile(r"(?:(?:较|比|相比|与|同)(?:\d{4}年(?:底|末)?|上年|去年|上一年)(?:同期)?(?:相比|比)?|累计|保持)$")

#: Units of a counted deliverable (a task's 5家, 3个以上, 10项): a count, not a rate.
_COUNT_UNITS = frozenset({"个", "家", "项", "件", "批", "批次", "座", "所", "台", "套", "条", "处", "种", "名", "户",
                          "万家", "万户", "辆", "张", "次", "人次", "万人次"})
_DELIVER_VERB = re.compile(
    r"^(?:新增|新培育|新制修订|新制定|新修订|培育|建成|新建|建设|打造|争创|创建|创成|引进|制定|修订|制修订|主导|参与|认定|推广|举办|"
    r"组织|完成|发布|评选|遴选|支持|扶持|帮扶|新认证|认证|申报|获评|获得|推动|开展|实施|形成|新发展|发展)"
)


def change_comparator(connector: str | None, name: str, unit: str | None) -> tuple[str, str] | None:
    """(change comparator, name without 年均) when ``connector`` states a change; None for a level.

    提高到/下降至… are levels (their connectors are longer and never reach here)."""
    if connector in INCREASE_WORDS:
        up = True
    elif connector in DECREASE_WORDS:
        up = False
    else:
        return None
    annual = _ANNUAL.search(name)
    if annual and unit == "%":
        return ("annual_growth" if up else "annual_decline"), strip_change_words(name[: annual.start()])
    if unit == "个百分点":
        return ("increase_pp" if up else "decrease_pp"), strip_change_words(name)
    return ("increase_by" if up else "decrease_by"), strip_change_words(name)


def strip_change_words(name: str) -> str:
    """The metric's name without a trailing baseline (较2020年, 较上年), 累计 or 保持."""
    previous = None
    while previous != name:
        previous = name
        name = _TRAILING.sub("", name).rstrip("，, ")
    return name


def baseline_year_at(clause: str, target_year: int | None) -> int | None:
    """The baseline year a clause states for its change: 较2020年 → 2020; 较上年 → the year before the target."""
    years = list(_BASELINE_YEAR.finditer(clause))
    if years:
        return int(years[-1].group(1))
    if _PREVIOUS_YEAR.search(clause) and target_year is not None:
        return target_year - 1
    return None


_LEADING_ADVERBS = re.compile(r"^(?:全年|年内|每年|力争|争取|确保|努力|累计|共|再|并|其中|全区|全市|全县|全省|全镇)+")


def is_task_deliverable(clause: str, unit: str | None) -> bool:
    """A count a task promises (培育3个以上标杆, 新增…企业5家, 开展抽检1200批次): a deliverable of the
    task, not an indicator. ``clause``: the text from the clause start to the value's connector."""
    return unit in _COUNT_UNITS and bool(_DELIVER_VERB.match(_LEADING_ADVERBS.sub("", clause.strip())))
