"""The figures a unit's summary cites, pulled from the indicators it reports and the work items it leads.

`unit_figures(unit=…, round=…, as_of=…)` returns a JSON-ready dict, stored on the unit's summary when it
is submitted, so the district draft cites exactly what the unit submitted:

    {"taken_on": "2026-07-08",
     "indicators": [{"code", "name", "measure", "value", "period", "target", "target_year",
                     "light", "source"}, …],          # latest approved value of the period vs the year's target
     "work_items": {"total", "green", "yellow", "red", "grey", "completed", "overdue",
                    "red_titles": [...], "overdue_titles": [...], "source"}}

Values are decimal strings ("" when none); `light` is the stored light code; `source` says in words
(Chinese: it is quoted in the district's document) where the figure came from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.choices import Light
from qualitygov.indicators.choices import ObservationStatus
from qualitygov.indicators.models import Indicator, IndicatorStatus, IndicatorTarget, Observation
from qualitygov.progress.choices import WorkItemStatus
from qualitygov.progress.models import WorkItem, WorkItemLight
from qualitygov.utilities.numbers import decimal_text

from .choices import Figure

COMPARATOR_TEXT = {">=": "≥", "<=": "≤", "about": "约", "=": "达到", "increase_by": "增加", "decrease_by": "减少",
                   "increase_pp": "提高（百分点）", "decrease_pp": "降低（百分点）", "annual_growth": "年均增长",
                   "annual_decline": "年均下降"}
LIGHT_TEXT = {Light.GREEN: "绿灯", Light.YELLOW: "黄灯", Light.RED: "红灯", Light.GREY: "暂无数据"}


def _num(value: Decimal | None) -> str:
    return "" if value is None else decimal_text(value)


def indicator_figures(*, unit: OrgUnit, plan_id: int, year: int, period_end: dt.date) -> list[dict]:
    """One row per indicator of the plan `unit` is responsible for, in the plan's order."""
    indicators = list(Indicator.objects.filter(plan_id=plan_id, responsibilities__unit=unit)
                      .distinct().order_by("order", "pk"))
    ids = [i.pk for i in indicators]
    latest: dict[int, Observation] = {}
    for obs in (Observation.objects.filter(indicator__in=ids, unit=unit, town__isnull=True,
                                           status=ObservationStatus.APPROVED, period__end__lte=period_end)
                .select_related("period").order_by("period__end", "pk")):
        latest[obs.indicator_id] = obs  # the latest period wins
    targets = {t.indicator_id: t.value for t in IndicatorTarget.objects.current().filter(indicator__in=ids, year=year)}
    lights = dict(IndicatorStatus.objects.filter(indicator__in=ids).values_list("indicator_id", "light"))
    rows = []
    for ind in indicators:
        obs = latest.get(ind.pk)
        target = targets.get(ind.pk)
        target_year = year if target is not None else ind.target_year
        if target is None:
            target = ind.target_value
        comparator = COMPARATOR_TEXT.get(ind.comparator, ind.comparator)
        source = (f"指标“{ind.name}”{obs.period.label}已审核值" if obs else f"指标“{ind.name}”截至{period_end.isoformat()}无已审核值")
        rows.append({"code": ind.code, "name": ind.name, "measure": ind.unit,
                     "value": _num(obs.value) if obs else "", "period": obs.period.label if obs else "",
                     "target": f"{comparator}{_num(target)}{ind.unit}", "target_year": target_year or year,
                     "light": lights.get(ind.pk, Light.GREY), "source": source})
    return rows


def work_item_figures(*, unit: OrgUnit, plan_id: int, period_start: dt.date, period_end: dt.date,
                      as_of: dt.date) -> dict:
    """Counts of the work items `unit` leads under the plan that had started by the period's end."""
    items = list(WorkItem.objects.filter(task__plan_id=plan_id, lead_unit=unit, start_date__lte=period_end,
                                         status__in=[WorkItemStatus.ACTIVE, WorkItemStatus.COMPLETED])
                 .order_by("deadline", "pk"))
    lights = dict(WorkItemLight.objects.filter(work_item__in=[i.pk for i in items]).values_list("work_item_id", "light"))
    out: dict = {"total": len(items), Light.GREEN: 0, Light.YELLOW: 0, Light.RED: 0, Light.GREY: 0,
                 "completed": 0, "overdue": 0, "red_titles": [], "overdue_titles": []}
    cutoff = min(as_of, period_end)
    for item in items:
        light = lights.get(item.pk, Light.GREY)
        out[light] += 1
        if light == Light.RED:
            out["red_titles"].append(item.title)
        if item.status == WorkItemStatus.COMPLETED and (item.completed_on or cutoff) <= cutoff:
            out["completed"] += 1
        elif item.deadline < cutoff:
            out["overdue"] += 1
            out["overdue_titles"].append(item.title)
    out["source"] = f"牵头工作事项{out['total']}项（截至{cutoff.isoformat()}的红黄绿灯和完成情况）"
    return out


def unit_figures(*, unit: OrgUnit, round, as_of: dt.date) -> dict:
    """The figures `round` requires of `unit`, as of `as_of` (the day they are taken)."""
    out: dict = {"taken_on": as_of.isoformat()}
    if Figure.INDICATORS in round.figures:
        out["indicators"] = indicator_figures(unit=unit, plan_id=round.plan_id, year=round.year,
                                              period_end=round.period_end)
    if Figure.WORK_ITEMS in round.figures:
        out["work_items"] = work_item_figures(unit=unit, plan_id=round.plan_id, period_start=round.period_start,
                                              period_end=round.period_end, as_of=as_of)
    return out


def figure_lines(figures: dict) -> list[tuple[str, str, str, str]]:
    """(figure, value, against, source) lines of a snapshot, in Chinese, for pages and the draft."""
    lines = []
    for row in figures.get("indicators", []):
        value = f"{row['value']}{row['measure']}" if row["value"] else "无已审核值"
        lines.append((f"{row['name']}", value, f"{row['target_year']}年目标{row['target']}；{LIGHT_TEXT.get(row['light'], '')}",
                      row["source"]))
    items = figures.get("work_items")
    if items:
        lines.append(("牵头工作事项", f"{items['total']}项",
                      f"绿灯{items['green']}项、黄灯{items['yellow']}项、红灯{items['red']}项、暂无数据{items['grey']}项；"
                      f"已完成{items['completed']}项、逾期{items['overdue']}项", items["source"]))
    return lines
