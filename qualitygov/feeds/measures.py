"""The feeds' measures (`feeds.<source>.<figure>`), registered in `FeedsConfig.ready()`.

Sums add the current figures over the span; rates given by the exports (按时办结率…) are averaged weighted
by the figure they are a share of (受理量…), so a district rate is not the mean of town rates; ratios the
exports do not give (完成率, 合格率, 优良率) are computed from summed counts. Rates are percent, 2 decimals.
Provenance: one entry per file behind the figure: `{label, file, file_id, rows, count, url}`, the url
landing on the file's page with those rows marked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from qualitygov.indicators.measures import MeasureValue, register_measure

HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class FeedMeasure:
    """`how`: "sum" of `base[0]`; "weighted" mean of rate `base[0]`; "ratio" 100 × (Σnum − Σminus) / Σden
    with base = (num, den) or (num, den, minus)."""

    key: str
    source: str
    how: str
    base: tuple[str, ...]
    label: str
    unit: str

    @property
    def figures(self) -> tuple[str, ...]:
        return self.base


MEASURES: tuple[FeedMeasure, ...] = (
    FeedMeasure("feeds.c12315.accepted", "c12315", "sum", ("accepted",), "12315受理量", "件"),
    FeedMeasure("feeds.c12315.ontime_rate", "c12315", "weighted", ("ontime_rate",), "12315按时办结率", "%"),
    FeedMeasure("feeds.c12315.mediation_rate", "c12315", "weighted", ("mediation_rate",), "12315调解成功率", "%"),
    FeedMeasure("feeds.c12315.disclosure_rate", "c12315", "weighted", ("disclosure_rate",), "12315投诉公示率", "%"),
    FeedMeasure("feeds.inspections.planned", "inspections", "sum", ("planned",), "双随机计划抽查户数", "户"),
    FeedMeasure("feeds.inspections.completed", "inspections", "sum", ("completed",), "双随机完成抽查户数", "户"),
    FeedMeasure("feeds.inspections.completion_rate", "inspections", "ratio", ("completed", "planned"),
                "双随机抽查完成率", "%"),
    FeedMeasure("feeds.inspections.ontime_publication_rate", "inspections", "weighted", ("ontime_publication_rate",),
                "双随机结果按时公示率", "%"),
    FeedMeasure("feeds.inspections.followup_rate", "inspections", "weighted", ("followup_rate",),
                "双随机后续处置率", "%"),
    FeedMeasure("feeds.inspections.problems", "inspections", "sum", ("problems",), "双随机发现问题户数", "户"),
    FeedMeasure("feeds.sampling.batches", "sampling", "sum", ("batches",), "抽检批次", "批次"),
    FeedMeasure("feeds.sampling.failed", "sampling", "sum", ("failed",), "抽检不合格批次", "批次"),
    FeedMeasure("feeds.sampling.pass_rate", "sampling", "ratio", ("batches", "batches", "failed"), "抽检合格率", "%"),
    FeedMeasure("feeds.credit.serious_listed", "credit", "sum", ("serious_listed",), "列入严重违法失信名单", "户"),
    FeedMeasure("feeds.credit.serious_removed", "credit", "sum", ("serious_removed",), "移出严重违法失信名单", "户"),
    FeedMeasure("feeds.credit.abnormal_listed", "credit", "sum", ("abnormal_listed",), "列入经营异常名录", "户"),
    FeedMeasure("feeds.credit.abnormal_removed", "credit", "sum", ("abnormal_removed",), "移出经营异常名录", "户"),
    FeedMeasure("feeds.air.days", "air", "sum", ("days",), "空气质量监测天数", "天"),
    FeedMeasure("feeds.air.good_days", "air", "sum", ("good_days",), "空气质量优良天数", "天"),
    FeedMeasure("feeds.air.good_rate", "air", "ratio", ("good_days", "days"), "空气质量优良率", "%"),
    FeedMeasure("feeds.water.sections", "water", "sum", ("sections",), "省控断面数", "个"),
    FeedMeasure("feeds.water.good_sections", "water", "sum", ("good_sections",), "达到或优于Ⅲ类断面数", "个"),
    FeedMeasure("feeds.water.good_rate", "water", "ratio", ("good_sections", "sections"),
                "省控断面达到或优于Ⅲ类比例", "%"),
)
BY_KEY = {m.key: m for m in MEASURES}


def keys_affected(source: str, figures: set[str]) -> set[str]:
    """The measure keys that read any of `figures` of `source`."""
    return {m.key for m in MEASURES if m.source == source and figures & set(m.base)}


def compress_rows(rows: list[int]) -> str:
    """"4-9,12" for rows 4…9 and 12."""
    out: list[str] = []
    ordered = sorted(set(rows))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(out)


def expand_rows(text: str, limit: int = 100_000) -> set[int]:
    """The rows of `compress_rows`' text; garbage is ignored."""
    rows: set[int] = set()
    for part in (text or "").split(","):
        a, _sep, b = part.partition("-")
        if not a.strip().isdigit() or (b and not b.strip().isdigit()):
            continue
        first, last = int(a), int(b or a)
        if last < first or last - first > limit:
            continue
        rows.update(range(first, last + 1))
        if len(rows) > limit:
            break
    return rows


def _figures(measure: FeedMeasure, start: dt.date, end: dt.date, category: str | None):
    from .models import Figure

    qs = Figure.objects.filter(source__key=measure.source, measure__in=set(measure.base), is_current=True,
                               period_start__gte=start, period_end__lte=end)
    if category:
        qs = qs.filter(category=category)
    return qs


def _totals_value(measure: FeedMeasure, totals: dict[str, dict[str, Decimal]]) -> Decimal | None:
    if measure.how == "sum":
        found = totals.get(measure.base[0])
        if not found:
            return None
        value = found["sum"]
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    if measure.how == "weighted":
        found = totals.get(measure.base[0])
        if not found or not found["w"]:
            return None
        return (found["wsum"] / found["w"]).quantize(RATE_PLACES)
    num = totals.get(measure.base[0], {}).get("sum")
    den = totals.get(measure.base[1], {}).get("sum")
    if num is None or not den:
        return None
    if len(measure.base) > 2:
        num = num - totals.get(measure.base[2], {}).get("sum", Decimal(0))
    return (HUNDRED * num / den).quantize(RATE_PLACES)


def _aggregate(qs, group: tuple[str, ...]):
    weight = Coalesce(F("weight"), Value(Decimal(1)))
    return qs.values(*group, "measure").annotate(sum=Sum("value"), wsum=Sum(F("value") * weight), w=Sum(weight))


def _provenance(measure: FeedMeasure, rows_by_file: dict[int, tuple[str, list[int]]]) -> tuple[dict, ...]:
    out = []
    # One reverse() per call, not per file: a dashboard asks for every town's provenance at once.
    pattern = reverse("feeds:file_detail", args=[987654321]) if rows_by_file else ""
    for file_id in sorted(rows_by_file):
        name, rows = rows_by_file[file_id]
        text = compress_rows(rows)
        first = min(rows) if rows else 0
        url = pattern.replace("987654321", str(file_id)) + f"?rows={text}#row-{first}"
        out.append({"label": f"{measure.label}：{name}（第{text.replace('-', '～')}行）",
                    "file": name, "file_id": file_id, "rows": text, "count": len(set(rows)), "url": url})
    return tuple(out)


def make_fn(measure: FeedMeasure):
    def fn(*, start: dt.date, end: dt.date, town_id: int | None = None, category: str | None = None) -> MeasureValue:
        qs = _figures(measure, start, end, category)
        if town_id is not None:
            qs = qs.filter(town_id=town_id)
        totals = {row["measure"]: row for row in _aggregate(qs, ())}
        value = _totals_value(measure, totals)
        if value is None:
            return MeasureValue(None)
        rows: dict[int, tuple[str, list[int]]] = {}
        for file_id, name, row in qs.values_list("file_id", "file__original_name", "row"):
            rows.setdefault(file_id, (name, []))[1].append(row)
        return MeasureValue(value, _provenance(measure, rows))

    return fn


def make_by_town(measure: FeedMeasure):
    def by_town(*, start: dt.date, end: dt.date, category: str | None = None) -> dict[int | None, MeasureValue]:
        qs = _figures(measure, start, end, category)
        totals: dict[int | None, dict[str, dict]] = defaultdict(dict)
        for row in _aggregate(qs, ("town_id",)):
            totals[row["town_id"]][row["measure"]] = row
        rows: dict[int | None, dict[int, tuple[str, list[int]]]] = defaultdict(dict)
        for town_id, file_id, name, row in qs.values_list("town_id", "file_id", "file__original_name", "row"):
            rows[town_id].setdefault(file_id, (name, []))[1].append(row)
        out = {}
        for town_id, found in totals.items():
            value = _totals_value(measure, found)
            out[town_id] = MeasureValue(value, _provenance(measure, rows[town_id]) if value is not None else ())
        return out

    return by_town


def register_all() -> None:
    for measure in MEASURES:
        register_measure(measure.key, label=measure.label, unit=measure.unit, fn=make_fn(measure),
                         by_town=make_by_town(measure))
