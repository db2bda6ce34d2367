"""Snapshot builders of the kinds whose source apps exist: the plan, indicators, task groups, progress
bulletins and assessment results. Each reads the source app and returns only publishable fields (no
user, no comment, no reviewer); `services` masks the result before it is stored.

Numbers are stored as strings of their decimal value (`_num`) so a snapshot reads the same on every
database; dates as ISO strings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.assessments.choices import FROZEN_STATES
from qualitygov.assessments.models import AssessmentRound, RoundUnit
from qualitygov.assessments.rounds import group_label
from qualitygov.assessments.selectors_rounds import frozen_rows
from qualitygov.core.choices import Light
from qualitygov.core.errors import ServiceError
from qualitygov.indicators import calendar, status
from qualitygov.indicators.choices import (
    Aggregation,
    Comparator,
    DataSource,
    Frequency,
    IndicatorState,
    ObservationStatus,
)
from qualitygov.indicators.models import Indicator, IndicatorResponsibility, Observation, ReportingPeriod
from qualitygov.indicators.services.status_refresh import full_path, targets_in_force
from qualitygov.plans.choices import ResponsibilityRole
from qualitygov.plans.models import Plan, Responsibility, TaskGroup
from qualitygov.progress import bulletin as bulletin_mod
from qualitygov.progress.choices import WorkItemStatus
from qualitygov.progress.models import TaskLight, WorkItem, WorkItemLight

from .kinds import Kind, Snapshot, register_kind

LIGHT_TEXT = {Light.GREEN: "绿灯", Light.YELLOW: "黄灯", Light.RED: "红灯", Light.GREY: "暂无数据"}


def _num(value: Decimal | Fraction | float | int | None) -> str | None:
    """A number as a plain decimal string without trailing zeros ("98.5", "12"), None for none."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = status.to_decimal(value)
    value = Decimal(str(value))
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def _district() -> str:
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first()
    return root.name if root else ""


def _until(options: dict) -> dt.date:
    value = options.get("until")
    if isinstance(value, dt.date):
        return value
    if value:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise ServiceError(str(_("Enter a date.")), fields={"until": [str(_("Enter a date."))]}) from exc
    return timezone.localdate()


# --- the plan ------------------------------------------------------------------------------------

def build_plan(plan: Plan, options: dict) -> Snapshot:
    """The plan's title, issuer, period and its headings (the goals and the structure of the work)."""
    sections = [{"number": s.number, "title": s.title}
                for s in plan.sections.filter(parent__isnull=True).order_by("order", "pk")]
    payload = {"title": plan.title, "issuer": plan.issuer, "doc_number": plan.doc_number,
               "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
               "period": plan.period_label, "district": _district(), "sections": sections}
    return Snapshot(title=plan.title, payload=payload, period_label=plan.period_label,
                    period_start=dt.date(plan.period_start, 1, 1) if plan.period_start else None,
                    period_end=dt.date(plan.period_end, 12, 31) if plan.period_end else None,
                    sort_key=f"{plan.period_start or 0:04d}-{plan.pk:06d}")


# --- indicators ----------------------------------------------------------------------------------

def _combine(values: list[Decimal], aggregation: str) -> Decimal:
    total = sum((Fraction(v) for v in values), Fraction(0))
    return status.to_decimal(total if aggregation == Aggregation.SUM else total / len(values))


def indicator_published_series(indicator: Indicator, until: dt.date) -> list[dict[str, Any]]:
    """Approved values of the periods that ended by `until`, combined over units and towns, in time
    order, each with the day its last value was approved (the figure's "last update")."""
    values: dict[int, list[Decimal]] = defaultdict(list)
    approved: dict[int, dt.datetime] = {}
    for period_id, value, at in Observation.objects.filter(
            indicator=indicator, status=ObservationStatus.APPROVED, value__isnull=False, period__end__lte=until,
    ).values_list("period_id", "value", "approved_at"):
        values[period_id].append(value)
        if at is not None and (period_id not in approved or at > approved[period_id]):
            approved[period_id] = at
    out = []
    for period in ReportingPeriod.objects.filter(pk__in=list(values)).order_by("start"):
        at = approved.get(period.pk)
        out.append({"period": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
                    "value": _num(_combine(values[period.pk], indicator.aggregation)),
                    "approved_on": timezone.localtime(at).date().isoformat() if at else None})
    return out


def _indicator_path(indicator: Indicator, series: list[dict], until: dt.date) -> tuple[list[dict], dict[str, str]]:
    """The time-proportional path (序时进度) at every period end from the first reporting year to the last
    target year, and the targets by year, as they stood on `until`."""
    baseline_year, baseline_value = indicator.baseline_year, indicator.baseline_value
    if (baseline_year is None or baseline_value is None) and series \
            and indicator.comparator not in status.CHANGE_COMPARATORS:
        end = dt.date.fromisoformat(series[0]["end"])
        baseline_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
        baseline_value = Decimal(series[0]["value"])
    target_year = indicator.target_year or indicator.plan.period_end
    comparator, target_value = indicator.comparator, indicator.target_value
    if comparator in status.CHANGE_COMPARATORS:
        change = status.resolve_change(comparator, target_value, unit=indicator.unit, baseline_year=baseline_year,
                                       baseline_value=baseline_value, target_year=target_year)
        if change.reason is not None:
            return [], {}
        comparator, target_value = change.comparator, change.target
    path = status.Path(target_year=target_year, target_value=target_value, baseline_year=baseline_year,
                       baseline_value=baseline_value)
    targets = targets_in_force(indicator, path, until)
    chart = full_path(path, targets)
    if chart.target_year is None:
        return [], {}
    upper, lower = status.physical_limits(indicator.unit, indicator.physical_max)
    first = calendar.first_reporting_year(baseline_year=baseline_year, plan_start=indicator.plan.period_start,
                                          fallback=until.year)
    ends = [(spec.label, spec.end) for spec in
            calendar.periods_between(indicator.frequency, first, status.year_end(chart.target_year))]
    if indicator.aggregation == Aggregation.SUM:
        points = [{"period": label, "date": end.isoformat(),
                   "expected": _num(status.to_decimal(chart.expected_at(Fraction(end.year))
                                                      * (status.year_position(end) - (end.year - 1))))}
                  for label, end in ends]
    else:
        points = [{"period": p["label"], "date": p["date"], "expected": _num(Decimal(str(p["expected"])))
                   if p["expected"] is not None else None}
                  for p in status.expected_path(chart, ends, upper=upper, lower=lower, comparator=comparator)]
    return points, {str(y): _num(v) for y, (v, _row) in sorted(targets.items())}


def build_indicator(indicator: Indicator, options: dict) -> Snapshot:
    """Definition, targets, the time-proportional path and the approved values of periods ended by
    `options["until"]` (default today), with source, responsible units and last update."""
    until = _until(options)
    series = indicator_published_series(indicator, until)
    path, targets = _indicator_path(indicator, series, until)
    units = (IndicatorResponsibility.objects.filter(indicator=indicator).select_related("unit")
             .order_by("role", "unit__sort_order", "unit__path"))
    lead = [r.unit.name for r in units if r.role == ResponsibilityRole.LEAD] or [r.unit.name for r in units]
    last = max((row["approved_on"] for row in series if row["approved_on"]), default=None)
    payload = {
        "code": indicator.code, "name": indicator.name, "unit": indicator.unit,
        "comparator": indicator.comparator, "comparator_label": str(Comparator(indicator.comparator).label),
        "target_value": _num(indicator.target_value), "target_year": indicator.target_year,
        "baseline_year": indicator.baseline_year, "baseline_value": _num(indicator.baseline_value),
        "nature": indicator.get_nature_display(), "frequency": str(Frequency(indicator.frequency).label),
        "definition": indicator.source, "plan": indicator.plan.title,
        "task": f"{indicator.task.number} {indicator.task.title}" if indicator.task_id else "",
        "data_source": str(DataSource(indicator.data_source).label),
        "responsible_units": lead, "targets_by_year": targets, "path": path, "values": series,
        "latest": series[-1] if series else None, "last_update": last, "as_of": until.isoformat(),
        "retired": indicator.state == IndicatorState.RETIRED,
    }
    latest = series[-1] if series else None
    return Snapshot(title=f"{indicator.code} {indicator.name}", payload=payload,
                    period_label=latest["period"] if latest else "",
                    period_start=dt.date.fromisoformat(latest["start"]) if latest else None,
                    period_end=dt.date.fromisoformat(latest["end"]) if latest else None,
                    category=indicator.get_nature_display(), sort_key=f"{indicator.plan_id:06d}-{indicator.order:06d}")


def _indicator_slug(indicator: Indicator) -> str:
    code = "".join(ch for ch in indicator.code.lower() if ch.isascii() and (ch.isalnum() or ch == "-"))
    return f"indicator-{code}" if code else f"indicator-{indicator.pk}"


# --- task groups with their tasks' progress and lights -------------------------------------------

def build_task_group(group: TaskGroup, options: dict) -> Snapshot:
    """The group's tasks, each with its lead and co-operating units, time limit, light and the progress of
    its work items (approved progress, time-proportional schedule, light) as computed on the last refresh."""
    tasks = []
    counts = {light: 0 for light in LIGHT_TEXT}
    as_of = None
    for task in group.tasks.order_by("order", "pk"):
        roles = Responsibility.objects.filter(task=task).select_related("unit").order_by("unit__sort_order", "unit__path")
        task_light = TaskLight.objects.filter(task=task).first()
        items = []
        for item in (WorkItem.objects.filter(task=task, status__in=[WorkItemStatus.ACTIVE, WorkItemStatus.COMPLETED])
                     .select_related("lead_unit").order_by("order", "pk")):
            light = WorkItemLight.objects.filter(work_item=item).first()
            items.append({"title": item.title, "lead_unit": item.lead_unit.name,
                          "start": item.start_date.isoformat(), "deadline": item.deadline.isoformat(),
                          "completed": item.status == WorkItemStatus.COMPLETED,
                          "progress_pct": _num(light.progress_pct if light else item.progress_pct),
                          "expected_pct": _num(light.expected_pct) if light else None,
                          "light": light.light if light else Light.GREY})
            if light and (as_of is None or light.as_of > as_of):
                as_of = light.as_of
        light = task_light.light if task_light else Light.GREY
        counts[light] = counts.get(light, 0) + 1
        progress = [Decimal(i["progress_pct"]) for i in items if i["progress_pct"] is not None]
        tasks.append({"number": task.number, "title": task.title,
                      "lead_units": [r.unit.name for r in roles if r.role == ResponsibilityRole.LEAD],
                      "co_units": [r.unit.name for r in roles if r.role == ResponsibilityRole.CO],
                      "time_limit": task.deadline_text or (task.deadline.isoformat() if task.deadline else ""),
                      "light": light, "progress_pct": _num((sum(progress) / len(progress)).quantize(Decimal("0.1")))
                      if progress else None,
                      "work_items": items})
    payload = {"number": group.number, "title": group.title, "plan": group.plan.title, "tasks": tasks,
               "lights": counts, "as_of": as_of.isoformat() if as_of else None}
    return Snapshot(title=str(group), payload=payload,
                    sort_key=f"{group.plan_id:06d}-{group.order:06d}")


# --- progress bulletins ---------------------------------------------------------------------------

def bulletin_candidates() -> list[bulletin_mod.Period]:
    """The last twelve months, the last two half-years and the last year (ended periods only)."""
    today = timezone.localdate()
    out = []
    month = today.replace(day=1)
    for _i in range(12):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        out.append(bulletin_mod.parse_period(f"{month.year}-{month.month:02d}"))
    half = 1 if today.month > 6 else 2
    year = today.year if half == 1 else today.year - 1
    out.append(bulletin_mod.parse_period(f"{year}-H{half}"))
    out.append(bulletin_mod.parse_period(str(today.year - 1)))
    return out


def _bulletin_resolve(code: str) -> bulletin_mod.Period | None:
    try:
        return bulletin_mod.parse_period(code)
    except ServiceError:
        return None


def build_bulletin(period: bulletin_mod.Period, options: dict) -> Snapshot:
    """The progress bulletin (工作进展通报) of the period for the whole district, as its text states it:
    lights per task and work item, report timeliness in figures, highlights; findings by count only."""
    data = bulletin_mod.bulletin_data(period, user=None)
    groups = [{"title": g.title, "tasks": [
        {"number": t.number, "title": t.title, "light": t.light,
         "items": [{"title": r.item.title, "lead_unit": r.item.lead_unit.name, "light": r.light,
                    "progress_pct": _num(r.progress), "expected_pct": _num(r.expected)} for r in t.items]}
        for t in g.tasks]} for g in data.groups]
    payload = {"title": f"质量强区工作进展通报（{period.label}）", "period": period.label, "code": period.code,
               "as_of": data.as_of.isoformat(), "issuer": bulletin_mod.ISSUER, "groups": groups,
               "lights": data.light_counts, "reports": {"due": data.reports_due, "on_time": data.reports_on_time,
                                                       "late": data.reports_late, "missing": data.reports_missing},
               "highlights": [{"unit": u, "item": i, "text": t} for u, i, t in data.highlights],
               "findings": {"open": len(data.open_findings), "closed": data.closed_findings}}
    return Snapshot(title=payload["title"], payload=payload, period_label=period.label, period_start=period.start,
                    period_end=period.end, category={"month": "月报", "half": "半年报", "year": "年报"}[period.kind],
                    sort_key=period.start.isoformat() + period.kind)


# --- assessment results ---------------------------------------------------------------------------

def assessment_candidates():
    return AssessmentRound.objects.filter(status__in=FROZEN_STATES).order_by("-year", "-pk")


def build_assessment(round_: AssessmentRound, options: dict) -> Snapshot:
    """The frozen results of an approved round: per group, each unit's total, grade and rank."""
    if round_.status not in FROZEN_STATES or not round_.result:
        raise ServiceError(str(_("Only the results of an approved round can be published.")),
                           fields={"item": [str(_("Only the results of an approved round can be published."))]})
    rows = frozen_rows(round_)
    units = {ru.pk: ru for ru in RoundUnit.objects.filter(round=round_).select_related("unit")}
    groups: dict[str, list[dict]] = {}
    for ru_id, result in rows.items():
        ru = units.get(ru_id)
        if ru is None:
            continue
        groups.setdefault(ru.group, []).append({"unit": ru.unit.name, "total": result.get("total"),
                                                "grade": result.get("grade"), "rank": result.get("rank")})
    out = []
    for group, entries in groups.items():
        entries.sort(key=lambda e: (e["rank"] or 0, e["unit"]))
        out.append({"group": str(group_label(group)), "units": entries})
    payload = {"title": round_.title, "year": round_.year, "scheme": str(round_.scheme),
               "approved_on": timezone.localtime(round_.approved_at).date().isoformat() if round_.approved_at else None,
               "groups": out}
    return Snapshot(title=round_.title, payload=payload, period_label=f"{round_.year}年",
                    period_start=dt.date(round_.year, 1, 1), period_end=dt.date(round_.year, 12, 31),
                    sort_key=f"{round_.year:04d}-{round_.pk:06d}")


def register_builtin_kinds() -> None:
    """Register the built-in kinds (called from `PortalConfig.ready()`)."""
    register_kind(Kind("plan", _("Implementation plan"), "plans.Plan", build_plan, lambda: Plan.objects.order_by("-period_start"),
                       slug_of=lambda p: f"plan-{p.pk}", template="portal/public/plan.html", order=10))
    register_kind(Kind("indicator", _("Indicators"), "indicators.Indicator", build_indicator,
                       lambda: Indicator.objects.select_related("plan").order_by("plan_id", "order"),
                       key_of=lambda i: f"indicator:{i.pk}", slug_of=_indicator_slug,
                       template="portal/public/indicator.html", order=20, options=("until",)))
    register_kind(Kind("taskgroup", _("Progress of the tasks"), "plans.TaskGroup", build_task_group,
                       lambda: TaskGroup.objects.select_related("plan").order_by("plan_id", "pk"),
                       slug_of=lambda g: f"tasks-{g.pk}", template="portal/public/taskgroup.html", order=30))
    register_kind(Kind("bulletin", _("Progress bulletins"), "", build_bulletin, bulletin_candidates,
                       resolve=_bulletin_resolve, id_of=lambda p: p.code,
                       slug_of=lambda p: f"bulletin-{p.code.lower()}", template="portal/public/bulletin.html",
                       order=40))
    register_kind(Kind("assessment", _("Assessment results"), "assessments.AssessmentRound", build_assessment,
                       assessment_candidates, slug_of=lambda r: f"assessment-{r.pk}",
                       template="portal/public/assessment.html", order=50))
    from .ledger_kinds import register_ledger_kinds

    register_ledger_kinds()


def published_through(indicator: Indicator) -> dt.date | None:
    """The last period end with an approved value (a hint for the publish form)."""
    return (Observation.objects.filter(indicator=indicator, status=ObservationStatus.APPROVED)
            .aggregate(last=Max("period__end"))["last"])

