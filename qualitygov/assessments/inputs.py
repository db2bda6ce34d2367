"""Automatic inputs of the annual assessment: the figures the platform's own records give for a year.

`collect_units(scheme=…, year=…, units=…)` reads progress reports and their co-unit parts, work items
and their lights, escalation events, findings and the indicators each unit leads, and returns a
`CollectResult`: the units document of the exchange format (ready for `engine.assess`) and, per unit
and leaf, the figures behind each input with the records they count (`AutoFigure.records`), so a page
can show "-4: 2 late reports → these two". Pure read: nothing is written. The number of queries does
not depend on the number of units (one query per source, grouped in Python).

Which leaf is fed from which source is a scheme setting: a leaf's `source` key (the exchange format
allows keys it does not name; the engine ignores them and the importer keeps them), with defaults for
well-known event names and for `share_indicators`. See docs/assessment.md, "Automatic inputs".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import TOWN_KINDS, OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.core import registry
from qualitygov.core.choices import Light
from qualitygov.core.models import AuditEvent
from qualitygov.indicators import status as indicator_status
from qualitygov.indicators.choices import Aggregation, ObservationStatus
from qualitygov.indicators.models import IndicatorResponsibility, IndicatorTarget, Observation
from qualitygov.indicators.selectors.obligations import obligations
from qualitygov.indicators.services.status_refresh import full_path
from qualitygov.plans.choices import PlanStatus, ResponsibilityRole
from qualitygov.progress.choices import EscalationLevel, FindingStatus, WorkItemStatus
from qualitygov.progress.events import FINDING_REOPEN
from qualitygov.progress.models import EscalationEvent, Finding, ProgressReport, ReportPart, WorkItem

from .engine import validate_scheme
from .engine.errors import AssessmentError
from .engine.io import parse_json
from .engine.model import Leaf, Scheme
from .models import AssessmentScheme

# ── The mapping: platform counts, sources and their well-known names ─────────────────────────────

#: Counts the platform can give an `event_deductions` leaf.
LATE_REPORT = "late_report"
MISSING_REPORT = "missing_report"
WORK_ITEM_LATE = "work_item_late"
WORK_ITEM_RED = "work_item_red"
ESCALATION_REMINDER = "escalation_reminder"
ESCALATION_1 = "escalation_level_1"
ESCALATION_2 = "escalation_level_2"
ESCALATION_3 = "escalation_level_3"
FINDING_OVERDUE = "finding_overdue"
FINDING_REOPENED = "finding_reopened"
MEETING_ABSENCE = "meeting_absence"  # from the leading group's attendance, through the core hook
COUNTS = (LATE_REPORT, MISSING_REPORT, WORK_ITEM_LATE, WORK_ITEM_RED, ESCALATION_REMINDER, ESCALATION_1,
          ESCALATION_2, ESCALATION_3, FINDING_OVERDUE, FINDING_REOPENED, MEETING_ABSENCE)

#: A scheme's event name → the platform count it means when the leaf's `source` does not say.
DEFAULT_EVENTS: dict[str, str] = {
    **{name: name for name in COUNTS},
    "report_late": LATE_REPORT, "report_missing": MISSING_REPORT,
    "item_late": WORK_ITEM_LATE, "item_red": WORK_ITEM_RED,
    "escalation_yellow": ESCALATION_1, "escalation_red": ESCALATION_2, "escalation_supervised": ESCALATION_3,
    "supervised_escalation": ESCALATION_3, "absence": MEETING_ABSENCE, "meeting_absent": MEETING_ABSENCE,
}

_ESCALATION_LEVELS = {ESCALATION_REMINDER: EscalationLevel.REMINDER, ESCALATION_1: EscalationLevel.YELLOW,
                      ESCALATION_2: EscalationLevel.RED, ESCALATION_3: EscalationLevel.SUPERVISED}

#: Sources of a `ratio` or `rate_bands` leaf (on time / due), and of `share_indicators`.
REPORT_ON_TIME = "report_on_time"
INDICATOR_ON_TIME = "indicator_on_time"
LED_INDICATORS = "led_indicators"
#: Source of a `binary` leaf: done when the unit missed none of the year's leading-group meetings.
GROUP_MEETINGS = "group_meetings"
MANUAL = "manual"
_RATE_SOURCES = (REPORT_ON_TIME, INDICATOR_ON_TIME)
#: Sources of a `rate_bands` leaf whose value is a count of the unit's register records in the year (the
#: bands' `min` are counts), read through the `register_counts` hook: the bonus inputs for awards,
#: standards and 品字标. A record counts for the unit that keeps it and for its firm's town.
REGISTER_COUNTS = ("registers.award_applications", "registers.awards_won", "registers.brand_certificates",
                   "registers.famous_trademarks", "registers.standards_led", "registers.standard_leaders")
_WITHOUT_VALUE = ("not_met", "leave_out")

#: What a leaf the platform does not feed carries in the document: not applicable for now, marked
#: `pending` so whoever fills the round's manual inputs (and a reader of the file) can tell it apart.
PENDING = {"na": True, "pending": True}


@dataclass(frozen=True)
class LeafSource:
    """How one leaf is fed. `events`: scheme event → platform count (`event_deductions`); `name`: the
    source of a rate or indicator leaf; `co_parts`: whether co units' parts count for them."""

    code: str
    method: str
    name: str = MANUAL
    events: Mapping[str, str] = field(default_factory=dict)
    manual_events: tuple[str, ...] = ()
    co_parts: bool = True
    without_value: str = "not_met"

    @property
    def automatic(self) -> bool:
        return self.name != MANUAL


def _bad(code: str, what: str) -> AssessmentError:
    return AssessmentError(f"评分项“{code}”的 source {what}")


def leaf_source(leaf: Leaf, raw: Mapping[str, Any] | None) -> LeafSource:
    """The source of `leaf` from its `source` key (`raw`: the leaf's JSON object, None for defaults).

    AssessmentError (one Chinese line naming the leaf) for a source the platform does not know."""
    spec = (raw or {}).get("source")
    code, method = leaf.code, leaf.method
    if spec == MANUAL:
        return LeafSource(code, method)
    options: dict[str, Any] = {}
    if isinstance(spec, str):
        options = {"name": spec}
    elif isinstance(spec, dict):
        options = dict(spec)
    elif spec is not None:
        raise _bad(code, "应为文本或对象")
    co_parts = options.get("co_parts", True)
    if not isinstance(co_parts, bool):
        raise _bad(code, "的 co_parts 应为 true 或 false")

    if method == "event_deductions":
        given = options.get("events", {})
        if not isinstance(given, dict):
            raise _bad(code, "的 events 应为对象（事件 → 平台数据）")
        events, manual = {}, []
        for event in leaf.params["events"]:
            target = given.get(event, DEFAULT_EVENTS.get(event, MANUAL))
            if target in (MANUAL, None):
                manual.append(event)
            elif target in COUNTS:
                events[event] = target
            else:
                raise _bad(code, f"中事件“{event}”对应的“{target}”不是平台能统计的数据（可用：{'、'.join(COUNTS)}）")
        for event in given:
            if event not in leaf.params["events"]:
                raise _bad(code, f"中的事件“{event}”不在 params.events 中")
        name = "events" if events else MANUAL
        return LeafSource(code, method, name, events, tuple(manual), co_parts)

    name = options.get("name", LED_INDICATORS if method == "share_indicators" and spec is None else MANUAL)
    if name == MANUAL:
        return LeafSource(code, method)
    allowed = {"ratio": _RATE_SOURCES, "rate_bands": _RATE_SOURCES, "share_indicators": (LED_INDICATORS,),
               "binary": (GROUP_MEETINGS,)}.get(method, ())
    if name not in allowed and not (method == "rate_bands" and name in REGISTER_COUNTS):
        shown = "、".join((*allowed, MANUAL))
        raise _bad(code, f"“{name}”不适用于 {method} 方法（可用：{shown}）")
    without = options.get("without_value", "not_met")
    if without not in _WITHOUT_VALUE:
        raise _bad(code, f"的 without_value 应为 {' 或 '.join(_WITHOUT_VALUE)}")
    return LeafSource(code, method, name, co_parts=co_parts, without_value=without)


def _raw_leaves(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}

    def walk(node: Mapping[str, Any]) -> None:
        if "items" in node:
            for child in node["items"]:
                walk(child)
        else:
            out[node["code"]] = node

    for section in document.get("sections", []):
        walk(section)
    return out


def scheme_sources(scheme: Scheme, document: Mapping[str, Any] | None = None) -> dict[str, LeafSource]:
    """Every leaf's source, in scheme order (`document`: the scheme's JSON, for its `source` keys)."""
    raw = _raw_leaves(document) if document is not None else {}
    return {code: leaf_source(leaf, raw.get(code)) for code, leaf in scheme.leaves.items()}


# ── Results ───────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class RecordRef:
    """One record behind a figure, and the page that shows it."""

    kind: str  # progress_report, report_part, work_item, escalation, finding, indicator, observation, reporting_period
    pk: int
    label: str
    url_name: str
    url_args: tuple[int, ...]

    def url(self) -> str:
        return reverse(self.url_name, args=self.url_args)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "pk": self.pk, "label": self.label, "url_name": self.url_name,
                "url_args": list(self.url_args)}

    def as_link(self) -> dict[str, str]:
        """`{"label", "url"}`, the form a round's entry keeps its records in."""
        return {"label": self.label, "url": self.url()}


@dataclass(frozen=True)
class AutoFigure:
    """One automatic figure of a leaf: `key` is the event name, `num`/`den`/`value`, or an indicator code;
    `points` the effect on the leaf where it has one alone (an event's deduction, negative)."""

    key: str
    value: int | Decimal | None
    records: tuple[RecordRef, ...]
    explanation: str
    points: Decimal | None = None


@dataclass
class LeafInputs:
    """A leaf's automatic input (the exchange format's leaf input) and the figures behind it."""

    code: str
    source: LeafSource
    input: dict[str, Any]
    figures: list[AutoFigure]

    def records(self) -> list[RecordRef]:
        """Every record behind the leaf's figures, once each, in figure order."""
        seen: dict[tuple[str, int], RecordRef] = {}
        for figure in self.figures:
            for ref in figure.records:
                seen.setdefault((ref.kind, ref.pk), ref)
        return list(seen.values())

    def input_json(self) -> dict[str, Any]:
        """`input` with decimals as JSON numbers (int when whole, else float: exact for the platform's
        values of at most 15 significant digits), for a JSONField."""
        return jsonable(self.input)


def jsonable(value: Any) -> Any:
    """`value` with every Decimal turned into an int (whole) or a float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


@dataclass
class UnitInputs:
    unit: OrgUnit
    name: str
    group: str
    leaves: dict[str, LeafInputs]
    manual: list[str]  # applicable leaves the platform does not feed (written as PENDING)


@dataclass
class CollectResult:
    document: dict[str, Any]
    units: list[UnitInputs]
    sources: dict[str, LeafSource]

    def unit(self, name: str) -> UnitInputs:
        return next(u for u in self.units if u.name == name)


# ── Reading the records ───────────────────────────────────────────────────────────────────────────


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return None if value is None else timezone.localdate(value)


@dataclass
class _Filed:
    """A report or a co unit's part due in the year: filed on time, late, or not at all."""

    unit_id: int
    co: bool
    due: dt.date
    state: str  # on_time, late, missing
    ref: RecordRef


def _due(day: dt.date) -> str:
    return _("due %(date)s") % {"date": day.isoformat()}


def _reports(unit_ids: set[int], start: dt.date, cutoff: dt.date) -> list[_Filed]:
    """Reports and parts due from `start` until the day before `cutoff` (two queries, plain rows)."""
    out: list[_Filed] = []
    due_text: dict[dt.date, str] = {}
    for pk, unit_id, due, submitted_at, late, cycle, title in (
            ProgressReport.objects.filter(unit_id__in=unit_ids, due_date__gte=start, due_date__lt=cutoff)
            .order_by("due_date", "pk").values_list("pk", "unit_id", "due_date", "submitted_at", "submitted_late",
                                                    "cycle__label", "work_item__title")):
        state = "missing" if submitted_at is None else "late" if late else "on_time"
        when = due_text.get(due) or due_text.setdefault(due, _due(due))
        out.append(_Filed(unit_id, False, due, state, RecordRef("progress_report", pk, f"{cycle} · {title}（{when}）",
                                                                "progress:report_detail", (pk,))))
    part = _("co-unit part")
    for pk, unit_id, due, submitted_at, cycle, title in (
            ReportPart.objects.filter(unit_id__in=unit_ids, report__due_date__gte=start, report__due_date__lt=cutoff)
            .order_by("report__due_date", "pk").values_list("pk", "unit_id", "report__due_date", "submitted_at",
                                                            "report__cycle__label", "report__work_item__title")):
        filed = _local_date(submitted_at)
        state = "missing" if filed is None else "late" if filed > due else "on_time"
        when = due_text.get(due) or due_text.setdefault(due, _due(due))
        out.append(_Filed(unit_id, True, due, state, RecordRef(
            "report_part", pk, f"{cycle} · {title} · {part}（{when}）", "progress:part_detail", (pk,))))
    return out


def _work_items(unit_ids: set[int], start: dt.date, end: dt.date, cutoff: dt.date) -> dict[str, list[tuple[int, RecordRef]]]:
    """Work items led by the units: late (deadline in the year and passed, not completed by it) and red at
    the year's end (the stored light, or the one before it when it changed after the year's end)."""
    out: dict[str, list[tuple[int, RecordRef]]] = {WORK_ITEM_LATE: [], WORK_ITEM_RED: []}
    last_day = min(end, cutoff)
    items = (WorkItem.objects.filter(lead_unit_id__in=unit_ids, start_date__lte=end,
                                     status__in=[WorkItemStatus.ACTIVE, WorkItemStatus.COMPLETED])
             .select_related("light").order_by("deadline", "pk"))
    def ref(item: WorkItem, note: str) -> RecordRef:
        return RecordRef("work_item", item.pk, f"{item.title}（{note}）", "progress:work_item_detail", (item.pk,))

    for item in items:
        if start <= item.deadline <= end and item.deadline < cutoff and (
                item.completed_on is None or item.completed_on > item.deadline):
            note = (_("deadline %(deadline)s, completed %(done)s") % {"deadline": item.deadline, "done": item.completed_on}
                    if item.completed_on else _("deadline %(deadline)s, not completed") % {"deadline": item.deadline})
            out[WORK_ITEM_LATE].append((item.lead_unit_id, ref(item, note)))
        light = getattr(item, "light", None)  # a reverse one-to-one: None when never computed
        if light is not None:
            changed_later = light.changed_on is not None and light.changed_on > last_day and light.previous_light
            if (light.previous_light if changed_later else light.light) == Light.RED:
                out[WORK_ITEM_RED].append((item.lead_unit_id, ref(item, _("red light"))))
    return out


def _escalations(unit_ids: set[int], start: dt.date, cutoff: dt.date) -> list[tuple[int, bool, str, RecordRef]]:
    """(unit, is a part's, level, record) of every escalation step recorded in the year before `cutoff`."""
    labels = {level: str(label) for level, label in EscalationLevel.choices}
    return [(unit_id, part_id is not None, level,
             RecordRef("escalation", pk, f"{labels.get(level, level)} · {on_date:%Y-%m-%d} · {title}",
                       "progress:work_item_detail", (item_id,)))
            for pk, unit_id, part_id, level, on_date, item_id, title in (
                EscalationEvent.objects.filter(unit_id__in=unit_ids, on_date__gte=start, on_date__lt=cutoff)
                .order_by("on_date", "pk").values_list("pk", "unit_id", "part_id", "level", "on_date", "work_item_id",
                                                       "work_item__title"))]


def _findings(unit_ids: set[int], start: dt.date, end: dt.date, cutoff: dt.date) -> dict[str, list[tuple[int, RecordRef]]]:
    """Findings overdue (rectification deadline in the year and passed, not closed out by it) and every
    reopening recorded in the year (from the audit trail; a finding reopened twice counts twice)."""
    out: dict[str, list[tuple[int, RecordRef]]] = {FINDING_OVERDUE: [], FINDING_REOPENED: []}

    def ref(f: Finding, note: str) -> RecordRef:
        return RecordRef("finding", f.pk, f"{f.title}（{note}）", "progress:finding_detail", (f.pk,))

    for f in Finding.objects.filter(unit_id__in=unit_ids, deadline__gte=start, deadline__lte=end,
                                    deadline__lt=cutoff).order_by("deadline", "pk"):
        closed = _local_date(f.closed_at) if f.status == FindingStatus.CLOSED else None
        if closed is None or closed > f.deadline:
            note = (_("deadline %(deadline)s, closed out %(done)s") % {"deadline": f.deadline, "done": closed}
                    if closed else _("deadline %(deadline)s, not closed out") % {"deadline": f.deadline})
            out[FINDING_OVERDUE].append((f.unit_id, ref(f, note)))
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    end_at = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    reopened = list(AuditEvent.objects.filter(action=str(FINDING_REOPEN), object_type="progress.finding",
                                              at__gte=start_at, at__lt=end_at).order_by("at", "seq")
                    .values_list("object_id", "at"))
    ids = {int(pk) for pk, _at in reopened if pk.isdigit()}
    findings = {f.pk: f for f in Finding.objects.filter(pk__in=ids, unit_id__in=unit_ids)} if ids else {}
    for pk, at in reopened:
        f = findings.get(int(pk)) if pk.isdigit() else None
        if f is not None:
            out[FINDING_REOPENED].append((f.unit_id, ref(f, _("reopened %(date)s") % {"date": _local_date(at)})))
    return out


def _indicator_on_time(unit_ids: set[int], start: dt.date, end: dt.date, cutoff: dt.date) -> list[_Filed]:
    """Every indicator value a unit owed for a period due in the year whose deadline has passed."""
    out = []
    for ob in obligations(due_from=start, due_to=end):
        if ob.unit.pk not in unit_ids or ob.deadline >= cutoff:
            continue
        state = "on_time" if ob.on_time else "missing" if ob.submitted_on is None else "late"
        label = f"{ob.indicator.code} {ob.indicator.name} · {ob.period.label}（{_due(ob.deadline)}）"
        out.append(_Filed(ob.unit.pk, False, ob.deadline, state, RecordRef(
            "reporting_period", ob.period.pk, label, "indicators:indicator_detail", (ob.indicator.pk,))))
    return out


@dataclass
class _IndicatorFigure:
    code: str
    entry: dict[str, Any] | None  # the share_indicators entry; None when the indicator is left out
    records: tuple[RecordRef, ...]
    explanation: str
    has_value: bool


def _q4(value: Fraction | Decimal) -> Decimal:
    return indicator_status.to_decimal(value)  # type: ignore[return-value]


def _year_values(indicator_ids: list[int], year: int) -> dict[int, tuple[Decimal, list[tuple[int, str]]]]:
    """Indicator → (the year's approved value, the observations behind it as (pk, period label)): values of one period are
    combined over units and towns (summed for a sum indicator, else averaged), the periods ending in the
    year by the indicator's aggregation (latest, sum or average). One query."""
    rows = (Observation.objects.filter(indicator_id__in=indicator_ids, status=ObservationStatus.APPROVED,
                                       value__isnull=False, period__end__year=year)
            .values_list("indicator_id", "indicator__aggregation", "period_id", "period__end", "value", "pk",
                         "period__label")
            .order_by("indicator_id", "period__end", "pk"))
    periods: dict[int, dict[int, list]] = defaultdict(dict)
    aggregation: dict[int, str] = {}
    for ind, agg, period, end, value, pk, label in rows:
        aggregation[ind] = agg
        slot = periods[ind].setdefault(period, [end, [], []])
        slot[1].append(Fraction(value))
        slot[2].append((pk, label))
    out = {}
    for ind, by_period in periods.items():
        agg = aggregation[ind]
        per = sorted(by_period.values(), key=lambda s: s[0])
        combined = [(sum(v, Fraction(0)) if agg == Aggregation.SUM else sum(v, Fraction(0)) / len(v), pks)
                    for _end, v, pks in per]
        if agg == Aggregation.LATEST:
            value, pks = combined[-1][0], combined[-1][1]
        else:
            total = sum((v for v, _p in combined), Fraction(0))
            value = total if agg == Aggregation.SUM else total / len(combined)
            pks = [pk for _v, p in combined for pk in p]
        out[ind] = (_q4(value), pks)
    return out


def _led_indicators(unit_ids: set[int], year: int, as_of: dt.date,
                    without_value: str) -> dict[int, list[_IndicatorFigure]]:
    """Per unit, the indicators of plans in force it leads, each with its value for the year, the target
    for the year in force on `as_of`, the baseline and the comparator. Three queries."""
    resp = list(IndicatorResponsibility.objects.filter(unit_id__in=unit_ids, role=ResponsibilityRole.LEAD,
                                                       indicator__plan__status=PlanStatus.ACTIVE)
                .select_related("indicator__plan").order_by("indicator__plan_id", "indicator__order", "indicator_id"))
    ids = sorted({r.indicator_id for r in resp})
    if not ids:
        return {}
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in IndicatorTarget.objects.filter(indicator_id__in=ids).in_force_on(as_of).order_by(
            "indicator_id", "year", "in_force_from", "pk"):
        targets[row.indicator_id][row.year] = row.value
    values = _year_values(ids, year)
    out: dict[int, list[_IndicatorFigure]] = defaultdict(list)
    for r in resp:
        ind = r.indicator
        name_ref = RecordRef("indicator", ind.pk, f"{ind.code} {ind.name}", "indicators:indicator_detail", (ind.pk,))
        comparator, final = ind.comparator, ind.target_value
        target_year = ind.target_year or ind.plan.period_end
        if comparator in indicator_status.CHANGE_COMPARATORS:
            change = indicator_status.resolve_change(comparator, final, unit=ind.unit, baseline_year=ind.baseline_year,
                                                     baseline_value=ind.baseline_value, target_year=target_year)
            if change.reason is not None:
                out[r.unit_id].append(_IndicatorFigure(ind.code, None, (name_ref,), _(
                    "%(code)s: the change target cannot be turned into a level (no baseline); left out")
                    % {"code": ind.code}, False))
                continue
            comparator, final = change.comparator, change.target
        by_year = ({target_year: final} if target_year is not None else {}) | targets.get(ind.pk, {})
        if year in by_year:
            target = by_year[year]
        else:
            path = full_path(indicator_status.Path(target_year=target_year, target_value=final,
                                                   baseline_year=ind.baseline_year,
                                                   baseline_value=ind.baseline_value),
                             {y: (v, None) for y, v in by_year.items()})
            target = _q4(path.expected_at(Fraction(year)))
        baseline = ind.baseline_value
        found = values.get(ind.pk)
        if found is None:
            if without_value == "leave_out":
                out[r.unit_id].append(_IndicatorFigure(ind.code, None, (name_ref,), _(
                    "%(code)s: no approved value for %(year)d; left out") % {"code": ind.code, "year": year}, False))
                continue
            # Written so the engine reads it as neither met nor improved (see docs/assessment.md).
            entry = {"indicator": ind.code, "comparator": ">=", "target": 1, "baseline": None, "value": 0,
                     "no_value": True}
            out[r.unit_id].append(_IndicatorFigure(ind.code, entry, (name_ref,), _(
                "%(code)s: no approved value for %(year)d; counted as not met") % {"code": ind.code, "year": year},
                False))
            continue
        value, pks = found
        entry = {"indicator": ind.code, "comparator": comparator, "target": _plain(target),
                 "baseline": None if baseline is None else _plain(baseline), "value": _plain(value)}
        refs = (name_ref, *(RecordRef("observation", pk, f"{ind.code} · {period} · {_('approved value')}",
                                      "indicators:observation_detail", (pk,)) for pk, period in pks))
        text = _("%(code)s: value %(value)s, target %(cmp)s %(target)s for %(year)d, baseline %(baseline)s") % {
            "code": ind.code, "value": _plain(value), "cmp": comparator, "target": _plain(target), "year": year,
            "baseline": "—" if baseline is None else _plain(baseline)}
        out[r.unit_id].append(_IndicatorFigure(ind.code, entry, refs, text, True))
    return out


def _plain(value: Decimal | int) -> Decimal | int:
    """A decimal without trailing zeros (30.5000 → 30.5, 30.0000 → 30)."""
    if isinstance(value, int):
        return value
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else normal


# ── Collecting ────────────────────────────────────────────────────────────────────────────────────


def _scheme(scheme: AssessmentScheme | Scheme | Mapping[str, Any]) -> tuple[Scheme, Mapping[str, Any] | None]:
    if isinstance(scheme, AssessmentScheme):
        document = parse_json(scheme.document)
        return validate_scheme(document), document
    if isinstance(scheme, Scheme):
        return scheme, None
    return validate_scheme(scheme), scheme


def unit_group(unit: OrgUnit) -> str | None:
    """The ranking group of a member unit by its kind: departments and towns (镇/街道/管委会)."""
    if unit.kind == OrgUnitKind.DEPARTMENT:
        return "department"
    if unit.kind in TOWN_KINDS:
        return "town"
    return None


def member_units(scheme: Scheme) -> list[tuple[OrgUnit, str]]:
    """The active departments and towns in organisation order, with their group, limited to the
    scheme's groups when it lists them."""
    out = []
    for unit in OrgUnit.objects.active().filter(kind__in=[OrgUnitKind.DEPARTMENT, *TOWN_KINDS]).order_by(
            "sort_order", "path"):
        group = unit_group(unit)
        if group is not None and (scheme.groups is None or group in scheme.groups):
            out.append((unit, group))
    return out


def _names(units: Sequence[OrgUnit]) -> dict[int, str]:
    """Short names, or the full name where two units share a short name."""
    labels = [u.label for u in units]
    return {u.pk: u.label if labels.count(u.label) == 1 else u.name for u in units}


def _rate(on_time: int, due: int) -> Decimal:
    """On-time share in %, cut (not rounded) to two decimals so a band is never reached by rounding up."""
    return (Decimal(on_time) * 100 / Decimal(due)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def collect_units(*, scheme: AssessmentScheme | Scheme | Mapping[str, Any], year: int, units: Sequence[OrgUnit],
                  groups: Mapping[int, str] | None = None, as_of: dt.date | None = None,
                  bulletin_date: dt.date | None = None) -> CollectResult:
    """The automatic inputs of `units` for `year` under `scheme` (an AssessmentScheme, its JSON document,
    or a validated engine Scheme — then without `source` keys, defaults only).

    `groups`: unit pk → group (default: by kind, `unit_group`). `as_of`: the day the records are read
    as of (default today): only what fell due before it counts, so an in-year preview counts nothing
    not yet due. Leaves not applicable to a unit's group (`applies_to`) get no input; applicable leaves
    the platform does not feed get `PENDING`. Pure read; a fixed number of queries. AssessmentError on
    a bad scheme or a `source` the platform does not know."""
    engine_scheme, document = _scheme(scheme)
    sources = scheme_sources(engine_scheme, document)
    as_of = as_of or timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cutoff = min(as_of, end + dt.timedelta(days=1))  # what fell due before this day counts
    unit_ids = {u.pk for u in units}
    names = _names(units)
    wanted = {count for s in sources.values() for count in s.events.values()}
    names_used = {s.name for s in sources.values()}

    reports = _reports(unit_ids, start, cutoff) if wanted & {LATE_REPORT, MISSING_REPORT} or REPORT_ON_TIME in names_used else []
    work = (_work_items(unit_ids, start, end, cutoff) if wanted & {WORK_ITEM_LATE, WORK_ITEM_RED}
            else {WORK_ITEM_LATE: [], WORK_ITEM_RED: []})
    escalations = _escalations(unit_ids, start, cutoff) if wanted & set(_ESCALATION_LEVELS) else []
    findings = (_findings(unit_ids, start, end, cutoff) if wanted & {FINDING_OVERDUE, FINDING_REOPENED}
                else {FINDING_OVERDUE: [], FINDING_REOPENED: []})
    indicator_filed = _indicator_on_time(unit_ids, start, end, cutoff) if INDICATOR_ON_TIME in names_used else []
    absences = (_absences(unit_ids, start, min(end, cutoff - dt.timedelta(days=1)))
                if MEETING_ABSENCE in wanted or GROUP_MEETINGS in names_used else [])
    bonus_sources = bonus_register_sources(document)
    register_names = sorted((names_used | set(bonus_sources.values())) & set(REGISTER_COUNTS))
    registered = _register_counts(register_names, unit_ids, start, min(end, cutoff - dt.timedelta(days=1)))
    led: dict[str, dict[int, list[_IndicatorFigure]]] = {}
    for s in sources.values():
        if s.name == LED_INDICATORS and s.without_value not in led:
            led[s.without_value] = _led_indicators(unit_ids, year, as_of, s.without_value)

    # Grouped by unit once, so each unit reads only its own rows.
    reports_of = _by_unit(reports, lambda f: f.unit_id)
    filed_of = _by_unit(indicator_filed, lambda f: f.unit_id)
    escalations_of = _by_unit(escalations, lambda row: row[0])
    work_of = {count: _by_unit(rows, lambda row: row[0]) for count, rows in work.items()}
    findings_of = {count: _by_unit(rows, lambda row: row[0]) for count, rows in findings.items()}
    absences_of = _by_unit(absences, lambda row: row[0])

    out_units: list[UnitInputs] = []
    for unit in units:
        group = (groups or {}).get(unit.pk) or unit_group(unit) or ""
        result = UnitInputs(unit, names[unit.pk], group, {}, [])
        for code, source in sources.items():
            leaf = engine_scheme.leaves[code]
            if leaf.applies_to is not None and group not in leaf.applies_to:
                continue
            if not source.automatic:
                result.manual.append(code)
                continue
            result.leaves[code] = _leaf_inputs(
                leaf, source, unit.pk, year, reports=reports_of.get(unit.pk, []),
                work={count: rows.get(unit.pk, []) for count, rows in work_of.items()},
                escalations=escalations_of.get(unit.pk, []),
                findings={count: rows.get(unit.pk, []) for count, rows in findings_of.items()},
                indicator_filed=filed_of.get(unit.pk, []), led=led,
                absences=[ref for _unit, ref in absences_of.get(unit.pk, [])],
                registered=registered.get(unit.pk, {}))
        out_units.append(result)

    document_out = {
        "scheme": engine_scheme.id, "year": str(year),
        "bulletin_date": (bulletin_date or end).isoformat(),
        "units": [{"unit": u.name, "group": u.group,
                   "inputs": {code: (u.leaves[code].input if code in u.leaves else dict(PENDING))
                              for code in sources if code in u.leaves or code in u.manual}}
                  for u in out_units],
    }
    if bonus_sources:  # bonus items counted from the registers: the number of records is the count claimed
        for entry, u in zip(document_out["units"], out_units, strict=True):
            entry["bonus"] = {key: len(registered.get(u.unit.pk, {}).get(name, []))
                              for key, name in bonus_sources.items()}
    return CollectResult(document_out, out_units, sources)


def _by_unit(rows: list, key) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def _leaf_inputs(leaf: Leaf, source: LeafSource, unit_id: int, year: int, *, reports: list[_Filed],
                 work: dict, escalations: list, findings: dict, indicator_filed: list[_Filed],
                 led: dict[str, dict[int, list[_IndicatorFigure]]], absences: list[RecordRef],
                 registered: Mapping[str, list[RecordRef]] | None = None) -> LeafInputs:
    if leaf.method == "binary":  # GROUP_MEETINGS, the only automatic source of a binary leaf
        text = _("%(what)s: %(n)d") % {"what": _count_label(MEETING_ABSENCE), "n": len(absences)}
        return LeafInputs(leaf.code, source, {"done": not absences},
                          [AutoFigure(MEETING_ABSENCE, len(absences), tuple(absences), text)])
    if leaf.method == "event_deductions":
        counts, figures = {}, []
        for event, count in source.events.items():
            refs = (absences if count == MEETING_ABSENCE else
                    _event_records(count, unit_id, source.co_parts, reports=reports, work=work,
                                   escalations=escalations, findings=findings))
            each = leaf.params["events"][event]
            counts[event] = len(refs)
            points = -(each * len(refs)) if refs else Decimal(0)
            text = _("%(what)s: %(n)d, %(each)s points off each") % {
                "what": _count_label(count), "n": len(refs), "each": _plain(each)}
            figures.append(AutoFigure(event, len(refs), tuple(refs), text, points))
        return LeafInputs(leaf.code, source, {"counts": counts}, figures)

    if source.name in REGISTER_COUNTS:
        refs = tuple((registered or {}).get(source.name, []))
        text = _("%(what)s: %(n)d") % {"what": _register_label(source.name), "n": len(refs)}
        return LeafInputs(leaf.code, source, {"value": Decimal(len(refs))},
                          [AutoFigure("value", len(refs), refs, text)])
    if leaf.method in ("ratio", "rate_bands"):
        rows = [f for f in (reports if source.name == REPORT_ON_TIME else indicator_filed)
                if f.unit_id == unit_id and (source.co_parts or not f.co)]
        on_time = [f.ref for f in rows if f.state == "on_time"]
        not_on_time = tuple(f.ref for f in rows if f.state != "on_time")
        what = _("progress reports") if source.name == REPORT_ON_TIME else _("indicator values")
        text = _("%(what)s: %(on_time)d of %(due)d filed on time") % {"what": what, "on_time": len(on_time),
                                                                      "due": len(rows)}
        figures = [AutoFigure("num", len(on_time), tuple(on_time), text),
                   AutoFigure("den", len(rows), tuple(f.ref for f in rows), _("%(what)s due: %(n)d") % {
                       "what": what, "n": len(rows)}),
                   AutoFigure("not_on_time", len(not_on_time), not_on_time,
                              _("%(what)s late or not filed: %(n)d") % {"what": what, "n": len(not_on_time)})]
        if leaf.method == "ratio":
            return LeafInputs(leaf.code, source, {"num": len(on_time), "den": len(rows)}, figures)
        if not rows:
            return LeafInputs(leaf.code, source, {"na": True}, figures)
        rate = _rate(len(on_time), len(rows))
        figures.insert(0, AutoFigure("value", rate, tuple(f.ref for f in rows),
                                     _("on-time rate %(rate)s%%") % {"rate": rate}))
        return LeafInputs(leaf.code, source, {"value": rate}, figures)

    # share_indicators, from the indicators the unit leads
    found = led[source.without_value].get(unit_id, [])
    entries = [f.entry for f in found if f.entry is not None]
    figures = [AutoFigure(f.code, None if f.entry is None or not f.has_value else f.entry["value"], f.records,
                          f.explanation) for f in found]
    return LeafInputs(leaf.code, source, {"indicators": entries}, figures)


def _event_records(count: str, unit_id: int, co_parts: bool, *, reports: list[_Filed], work: dict,
                   escalations: list, findings: dict) -> list[RecordRef]:
    if count in (LATE_REPORT, MISSING_REPORT):
        state = "late" if count == LATE_REPORT else "missing"
        return [f.ref for f in reports if f.unit_id == unit_id and f.state == state and (co_parts or not f.co)]
    if count in work:
        return [ref for u, ref in work[count] if u == unit_id]
    if count in findings:
        return [ref for u, ref in findings[count] if u == unit_id]
    level = _ESCALATION_LEVELS[count]
    return [ref for u, part, lv, ref in escalations if u == unit_id and lv == level and (co_parts or not part)]


def _count_label(count: str) -> str:
    return {
        LATE_REPORT: _("reports filed late"), MISSING_REPORT: _("reports not filed"),
        WORK_ITEM_LATE: _("work items not completed by the deadline"), WORK_ITEM_RED: _("work items red at year end"),
        ESCALATION_REMINDER: _("reminders"), ESCALATION_1: _("yellow notices"), ESCALATION_2: _("red notices"),
        ESCALATION_3: _("supervised follow-ups"), FINDING_OVERDUE: _("findings not rectified by the deadline"),
        FINDING_REOPENED: _("findings reopened"), MEETING_ABSENCE: _("absences from leading-group meetings"),
    }[count]


def _absences(unit_ids: set[int], start: dt.date, end: dt.date) -> list[tuple[int, RecordRef]]:
    """(unit id, record) of every absence from a leading-group meeting held from `start` to `end`, read
    through the `meeting_absences` hook (assessments does not import the leading group's app)."""
    if end < start:
        return []
    rows = registry.hook(registry.MEETING_ABSENCES)(unit_ids, start, end)
    return [(unit_id, RecordRef("meeting_attendance", pk, label, url_name, tuple(url_args)))
            for unit_id, pk, label, url_name, url_args in rows]


def bonus_register_sources(document: Mapping[str, Any] | None) -> dict[str, str]:
    """Bonus item key → register count, for the scheme's bonus items whose `source` names one (e.g.
    `"source": "registers.brand_certificates"` on 新增品字标认证企业): the count is collected per unit."""
    items = ((document or {}).get("bonus") or {}).get("items") or {}
    return {key: item["source"] for key, item in items.items()
            if isinstance(item, Mapping) and item.get("source") in REGISTER_COUNTS}


def _register_label(name: str) -> str:
    return {
        "registers.award_applications": _("quality award applications"),
        "registers.awards_won": _("quality awards won"),
        "registers.brand_certificates": _("品字标浙江制造 certificates"),
        "registers.famous_trademarks": _("famous trademarks"),
        "registers.standards_led": _("standards led"),
        "registers.standard_leaders": _("enterprise standard leaders"),
    }[name]


def _register_counts(names: Sequence[str], unit_ids: set[int], start: dt.date,
                     end: dt.date) -> dict[int, dict[str, list[RecordRef]]]:
    """unit id → count name → the register records behind it, read through the `register_counts` hook
    (assessments does not import the registers app)."""
    out: dict[int, dict[str, list[RecordRef]]] = defaultdict(lambda: defaultdict(list))
    if not names or end < start:
        return out
    for unit_id, name, pk, label, url_name, url_args in registry.hook(registry.REGISTER_COUNTS)(
            list(names), unit_ids, start, end):
        out[unit_id][name].append(RecordRef(name, pk, label, url_name, tuple(url_args)))
    return out


# ── The units file ────────────────────────────────────────────────────────────────────────────────

_NUMBER = re.compile(r'"\\u0000N:(-?[0-9.]+)"')


def dumps_units(document: Mapping[str, Any]) -> str:
    """The units document as JSON text: decimals written exactly as numbers, Chinese unescaped, one-space
    indent, one trailing newline (what `qualitygov assessment collect --out` writes)."""

    def number(value: Any) -> str:
        if isinstance(value, Decimal):
            text = format(value, "f")
            return "\u0000N:" + ("0" if text.strip("-0.") == "" else text)
        raise TypeError(type(value).__name__)

    text = json.dumps(document, ensure_ascii=False, indent=1, default=number)
    return _NUMBER.sub(lambda m: m.group(1), text) + "\n"


def figure_lines(result: CollectResult) -> Iterable[str]:
    """One line per automatic figure: unit, leaf, key, value, explanation and the records' labels."""
    for unit in result.units:
        for code, leaf in unit.leaves.items():
            for f in leaf.figures:
                records = "；".join(r.label for r in f.records)
                yield f"{unit.name}\t{code}\t{f.key}\t{'' if f.value is None else f.value}\t{f.explanation}\t{records}"
