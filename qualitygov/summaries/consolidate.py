"""The district draft (区级半年/年度工作总结初稿) consolidated from the units' summaries.

Each section of the round's template gathers the filed units' text under it, each paragraph opened
by the unit's name. A figures table cites every filed unit's figures exactly as the unit submitted
them (the snapshot on its summary, with its source). A closing section lists what is behind: units
that have not submitted, were returned and have not submitted again, or submitted late, red work items and red (off-target) indicators from the
submitted figures. Stored text is Chinese: it is the district's document, whatever the UI language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.choices import Light

from .choices import UNIT_FILED, UnitSummaryStatus
from .figures import figure_lines
from .models import SummaryRound

FIGURES_HEADING = "主要指标和工作事项完成情况"
BEHIND_HEADING = "存在的不足和滞后情况"


@dataclass
class DistrictContent:
    title: str
    sections: list[dict]
    figure_rows: list[list[str]]
    filed_units: list[str] = field(default_factory=list)
    late_units: list[str] = field(default_factory=list)


def district_name() -> str:
    root = OrgUnit.objects.filter(kind=OrgUnitKind.DISTRICT, parent__isnull=True).order_by("pk").first()
    return root.label if root else ""


def district_content(rnd: SummaryRound, *, today: dt.date) -> DistrictContent:
    summaries = list(rnd.unit_summaries.select_related("unit").order_by("unit__sort_order", "unit_id"))
    filed = [s for s in summaries if s.status in UNIT_FILED]
    sections = []
    for index, section in enumerate(rnd.sections):
        parts = [f"{s.unit.label}：{s.texts[index]}" for s in filed if index < len(s.texts) and s.texts[index]]
        sections.append({"heading": section["heading"], "text": "\n".join(parts)})
    figure_rows = [[s.unit.label, *line] for s in filed for line in figure_lines(s.figures)]
    sections.append({"heading": FIGURES_HEADING, "text": (
        f"截至{today.year}年{today.month}月{today.day}日，{len(filed)}个单位报送了总结，各单位报送的主要数据见附表。"
        if filed else "尚无单位报送总结。")})
    not_filed = [s.unit.label for s in summaries if s.status == UnitSummaryStatus.DRAFT]
    returned = [s.unit.label for s in summaries if s.status == UnitSummaryStatus.RETURNED]
    overdue = today > rnd.due_date
    late_filed = [s.unit.label for s in filed if s.late]
    behind = []
    if not_filed:
        behind.append(("逾期未报送总结的单位：" if overdue else "尚未报送总结的单位：") + "、".join(not_filed) + "。")
    if returned:
        behind.append("退回修改尚未重新报送的单位：" + "、".join(returned) + "。")
    if late_filed:
        behind.append("逾期报送总结的单位：" + "、".join(late_filed) + "。")
    red_items = [f"{s.unit.label}“{title}”" for s in filed for title in s.figures.get("work_items", {}).get("red_titles", [])]
    if red_items:
        behind.append("红灯工作事项：" + "；".join(red_items) + "。")
    overdue_items = [f"{s.unit.label}“{title}”" for s in filed
                     for title in s.figures.get("work_items", {}).get("overdue_titles", [])]
    if overdue_items:
        behind.append("逾期未完成的工作事项：" + "；".join(overdue_items) + "。")
    red_indicators = [
        f"{s.unit.label}“{row['name']}”（{row['value'] + row['measure'] if row['value'] else '无已审核值'}，"
        f"{row['target_year']}年目标{row['target']}）"
        for s in filed for row in s.figures.get("indicators", []) if row["light"] == Light.RED]
    if red_indicators:
        behind.append("未达序时目标（红灯）的指标：" + "；".join(red_indicators) + "。")
    sections.append({"heading": BEHIND_HEADING, "text": "\n".join(behind) or "各单位均按时报送，暂无滞后事项。"})
    title = f"{district_name()}质量强区{rnd.label}"
    return DistrictContent(title=title, sections=sections, figure_rows=figure_rows,
                           filed_units=[s.unit.label for s in filed], late_units=sorted(set(late_filed) | (
                               set(not_filed + returned) if overdue else set())))
