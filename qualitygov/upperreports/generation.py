"""Generating a report's figures from approved data only, each with its provenance.

The value of a period is what the status engine would count: approved observations only (a value
submitted but not yet approved never appears), combined over the reporting units the way the
indicator aggregates. The target is the one in force for the report's year on the period's last day
(a target the office set for that year, else the plan's own goal when that year is its target year).
A figure that cannot be given is written "未报" and listed as a problem before review.

Everything stored is plain JSON (strings for numbers, so 97.5 stays "97.5"); the exports and the page
read only the snapshot, never the live data.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone

from qualitygov.indicators.calendar import PeriodSpec, periods_of_year
from qualitygov.indicators.choices import Aggregation, DataSource, ObservationStatus
from qualitygov.indicators.models import (
    IndicatorResponsibility,
    IndicatorStatus,
    IndicatorTarget,
    Observation,
)
from qualitygov.indicators.selectors import reporting_units
from qualitygov.progress.choices import WorkItemStatus
from qualitygov.progress.models import WorkItem, WorkItemLight
from qualitygov.utilities.numbers import decimal_text

from .choices import COLUMN_HEADINGS, MISSING, FigureColumn
from .periods import QUARTER_NAMES, ReportPeriod

LIGHT_TEXT = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "暂无数据"}
LIGHT_ORDER = ["red", "yellow", "green", "grey"]
COMPARATOR_TEXT = {">=": "≥{v}", "<=": "≤{v}", "about": "约{v}", "=": "{v}", "increase_by": "提高{v}",
                   "decrease_by": "降低{v}", "increase_pp": "提高{v}个百分点", "decrease_pp": "降低{v}个百分点",
                   "annual_growth": "年均增长{v}%", "annual_decline": "年均下降{v}%"}
PERCENT_UNITS = {"%", "％", "个百分点"}


def number(value: Decimal | Fraction | None, places: int = 2) -> str:
    """A figure as printed: rounded half-up to `places` decimals, no trailing zeros; "" for None."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return decimal_text(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def spec_label(spec: PeriodSpec) -> str:
    months = spec.end.month - spec.start.month + 1
    year = spec.start.year
    if months == 12:
        return f"{year}年"
    if months == 6:
        return f"{year}年{'上' if spec.start.month == 1 else '下'}半年"
    if months == 3:
        return f"{year}年第{QUARTER_NAMES[(spec.start.month - 1) // 3]}季度"
    return f"{year}年{spec.start.month}月"


def _same_day_a_year_before(day: dt.date) -> dt.date:
    year = day.year - 1
    return dt.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass
class Figure:
    value: Decimal | Fraction | None
    label: str  # the period the value stands for, in Chinese
    observations: list[Observation] = field(default_factory=list)
    missing_periods: list[str] = field(default_factory=list)
    missing_units: list[str] = field(default_factory=list)
    within: bool = True  # the value's period ends inside the report's period


def figure(indicator, end: dt.date, *, start: dt.date | None = None, units=None) -> Figure:
    """The indicator's approved figure as it stands at `end`: the latest period of its frequency ending by
    then (a latest-value indicator), or the year-to-date total or average of that year's periods."""
    specs = [s for year in (end.year - 1, end.year) for s in periods_of_year(indicator.frequency, year)
             if s.end <= end]
    if not specs:
        return Figure(None, "")
    latest = specs[-1]
    if indicator.aggregation == Aggregation.LATEST:
        needed = [latest]
        label = spec_label(latest)
    else:
        needed = [s for s in specs if s.start.year == latest.start.year]
        word = "累计" if indicator.aggregation == Aggregation.SUM else "平均"
        label = (spec_label(latest) if len(needed) == 1 else
                 f"{latest.start.year}年{needed[0].start.month}—{latest.end.month}月{word}")
    rows = {p.start: p for p in indicator.periods.filter(start__in=[s.start for s in needed])}
    found = list(Observation.objects.filter(period__in=list(rows.values()), status=ObservationStatus.APPROVED,
                                            value__isnull=False)
                 .select_related("unit", "town", "approved_by", "period").order_by("period__start", "unit__path",
                                                                                  "town_id", "pk"))
    by_period: dict[int, list[Observation]] = defaultdict(list)
    for obs in found:
        by_period[obs.period_id].append(obs)
    combined: list[Fraction] = []
    missing: list[str] = []
    for spec in needed:
        row = rows.get(spec.start)
        values = [Fraction(o.value) for o in by_period.get(row.pk, [])] if row else []
        if not values:
            missing.append(spec_label(spec))
            continue
        total = sum(values, Fraction(0))
        combined.append(total if indicator.aggregation == Aggregation.SUM else total / len(values))
    value: Fraction | None = None
    if not missing:
        if indicator.aggregation == Aggregation.SUM:
            value = sum(combined, Fraction(0))
        elif indicator.aggregation == Aggregation.AVERAGE:
            value = sum(combined, Fraction(0)) / len(combined)
        else:
            value = combined[-1]
    missing_units: list[str] = []
    if units and indicator.data_source == DataSource.ENTERED and latest.start in rows:
        reported = {o.unit_id for o in by_period.get(rows[latest.start].pk, [])}
        if reported:
            missing_units = [u.label for u in units if u.pk not in reported]
    return Figure(value, label, found, missing, missing_units,
                  within=start is None or latest.end >= start)


def _yoy(indicator, now: Figure, before: Figure) -> str:
    if now.value is None or before.value is None:
        return "—"
    now_v, before_v = Fraction(now.value), Fraction(before.value)
    if indicator.unit.strip() in PERCENT_UNITS:
        diff = now_v - before_v
        return f"{'+' if diff > 0 else ''}{number(diff)}个百分点"
    if before_v == 0:
        return "—"
    pct = (now_v - before_v) / abs(before_v) * 100
    return f"{'+' if pct > 0 else ''}{number(pct, 1)}%"


def _target(indicator, year: int, end: dt.date) -> tuple[str, dict]:
    row = (IndicatorTarget.objects.filter(indicator=indicator, year=year).in_force_on(end)
           .select_related("set_by").order_by("-in_force_from", "-pk").first())
    if row is not None:
        return number(row.value), {
            "kind": "office", "id": row.pk, "year": year, "value": decimal_text(row.value),
            "in_force_from": row.in_force_from.isoformat(), "decision": row.decision,
            "set_by": row.set_by.display_name if row.set_by else "", "set_at": _iso(row.set_at)}
    goal_year = indicator.target_year or indicator.plan.period_end
    if goal_year == year:
        text = COMPARATOR_TEXT.get(indicator.comparator, "{v}").format(v=number(indicator.target_value))
        return text, {"kind": "plan", "year": year, "value": decimal_text(indicator.target_value),
                      "comparator": indicator.comparator}
    return "—", {"kind": "none", "year": year}


def _iso(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _observation(obs: Observation) -> dict:
    return {"id": obs.pk, "period": obs.period.label, "unit": obs.unit.label,
            "town": obs.town.label if obs.town_id else "", "value": decimal_text(obs.value),
            "approved_by": obs.approved_by.display_name if obs.approved_by else "系统",
            "approved_at": _iso(obs.approved_at),
            "approved_on": timezone.localtime(obs.approved_at).strftime("%Y-%m-%d %H:%M") if obs.approved_at else ""}


def _progress(plan) -> dict:
    items = list(WorkItem.objects.filter(task__plan=plan, status__in=[WorkItemStatus.ACTIVE, WorkItemStatus.COMPLETED])
                 .select_related("lead_unit", "task").order_by("task__order", "task_id", "order", "pk"))
    lights = {row.work_item_id: row for row in WorkItemLight.objects.filter(work_item__in=[i.pk for i in items])}
    counts = {key: 0 for key in LIGHT_ORDER}
    behind = []
    as_of = None
    for item in items:
        stored = lights.get(item.pk)
        light = stored.light if stored else "grey"
        counts[light] = counts.get(light, 0) + 1
        if stored is not None:
            as_of = max(as_of, stored.as_of) if as_of else stored.as_of
        if light in ("red", "yellow") and item.status == WorkItemStatus.ACTIVE:
            behind.append({"id": item.pk, "light": light, "light_text": LIGHT_TEXT[light],
                           "task": f"{item.task.number} {item.task.title}".strip(), "title": item.title,
                           "unit": item.lead_unit.label, "deadline": item.deadline.isoformat(),
                           "progress": number(item.progress_pct, 0) if item.progress_pct is not None else "—",
                           "expected": number(stored.expected_pct, 0) if stored and stored.expected_pct is not None
                           else "—"})
    behind.sort(key=lambda row: (LIGHT_ORDER.index(row["light"]), row["deadline"], row["id"]))
    return {"total": len(items), "completed": sum(i.status == WorkItemStatus.COMPLETED for i in items),
            "counts": counts, "behind": behind, "as_of": as_of.isoformat() if as_of else ""}


def build_snapshot(template, period: ReportPeriod, *, now: dt.datetime | None = None) -> dict:
    """Every figure of `template` for `period`, from approved data, with its provenance and the problems."""
    now = now or timezone.now()
    links = list(template.rows.select_related("indicator__plan").order_by("order", "pk"))
    indicators = [link.indicator for link in links]
    units = reporting_units([i.pk for i in indicators])
    statuses = {s.indicator_id: s for s in IndicatorStatus.objects.filter(indicator__in=indicators)}
    responsible: dict[int, list[str]] = defaultdict(list)
    for resp in (IndicatorResponsibility.objects.filter(indicator__in=indicators).select_related("unit")
                 .order_by("unit__sort_order", "unit__path")):
        if resp.unit.label not in responsible[resp.indicator_id]:
            responsible[resp.indicator_id].append(resp.unit.label)
    columns = [c for c in template.columns if c in COLUMN_HEADINGS]
    rows, problems = [], []
    for number_in_table, indicator in enumerate(indicators, start=1):
        fig = figure(indicator, period.end, start=period.start, units=units.get(indicator.pk, []))
        before = figure(indicator, _same_day_a_year_before(period.end))
        target_text, target_source = _target(indicator, period.year, period.end)
        status = statuses.get(indicator.pk)
        light = status.light if status else "grey"
        remarks = []
        row_problems = []
        if fig.value is None:
            what = "、".join(fig.missing_periods) or period.label
            row_problems.append(f"{what}未报（{'、'.join(u.label for u in units.get(indicator.pk, [])) or '无责任单位'}）")
        elif fig.missing_units:
            row_problems.append(f"{fig.label}部分单位未报：{'、'.join(fig.missing_units)}")
        if fig.value is not None and not fig.within:
            remarks.append(f"数据期为{fig.label}")
        remarks.extend(row_problems)
        problems.extend(f"{indicator.code} {indicator.name}：{text}" for text in row_problems)
        if indicator.data_source == DataSource.COMPUTED:
            source = "平台自动计算"
        else:
            reporters = list(dict.fromkeys(o.unit.label for o in fig.observations))
            source = "、".join(reporters or [u.label for u in units.get(indicator.pk, [])]) or "—"
        baseline = (f"{number(indicator.baseline_value)}（{indicator.baseline_year}年）"
                    if indicator.baseline_value is not None and indicator.baseline_year else
                    number(indicator.baseline_value) or "—")
        cells = {
            FigureColumn.NAME: indicator.name, FigureColumn.UNIT: indicator.unit or "—",
            FigureColumn.BASELINE: baseline, FigureColumn.TARGET: target_text,
            FigureColumn.VALUE: number(fig.value) if fig.value is not None else MISSING,
            FigureColumn.DATA_PERIOD: fig.label or "—", FigureColumn.YOY: _yoy(indicator, fig, before),
            FigureColumn.LIGHT: LIGHT_TEXT[light], FigureColumn.UNITS: "、".join(responsible[indicator.pk]) or "—",
            FigureColumn.SOURCE: source, FigureColumn.REMARKS: "；".join(remarks),
        }
        rows.append({
            "number": number_in_table, "indicator": indicator.pk, "code": indicator.code, "light": light,
            "missing": fig.value is None, "cells": [str(cells[c]) for c in columns],
            "value": number(fig.value) if fig.value is not None else None,
            "provenance": {
                "observations": [_observation(o) for o in fig.observations], "data_period": fig.label,
                "year_before": {"value": number(before.value) if before.value is not None else None,
                                "period": before.label,
                                "observations": [o.pk for o in before.observations]},
                "target": target_source,
                "light": {"light": light, "as_of": status.as_of.isoformat() if status else "",
                          "rule": status.rule if status else ""},
            },
        })
    return {
        "title": template.title, "requested_by": template.requested_by, "filing_unit": template.filing_unit,
        "period": period.label, "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
        "template_version": template.version, "generated_at": _iso(now),
        "columns": columns, "headings": [COLUMN_HEADINGS[c] for c in columns],
        "rows": rows, "problems": problems,
        "progress": _progress(template.plan) if template.include_progress else None,
    }
