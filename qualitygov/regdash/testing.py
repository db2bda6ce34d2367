"""Measures over market entities, for the dashboard's tests and benchmark: real figures from a real table.

The dashboard reads measures only, and the apps that register the agreed keys may not be installed;
`register_entity_measures` puts real measures (counting `registry.MarketEntity` rows by
`registered_on` and `town`) under whichever keys a test or the benchmark names, each with a `by_town`
of one GROUP BY query, and `only_entity_measures` does so for the length of a `with` block and then puts back what was registered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db.models import Count, Q

from qualitygov.indicators.measures import (
    MeasureValue,
    register_measure,
    registered_measures,
    unregister_measure,
)
from qualitygov.registry.models import MarketEntity

from .tiles import TILES

#: What a measure counts: every entity registered in the span, the 规上 ones, the closed ones, or the
#: share of 规上 among them (percent).
COUNT, ABOVE_SCALE, CLOSED, ABOVE_SCALE_RATE = "count", "above_scale", "closed", "above_scale_rate"


#: Labels and units of the agreed measure keys the tiles read (as the feeds and ledgers register them),
#: for the benchmark's and the screenshots' stand-in measures.
AGREED = {
    "sampling.batches": ("抽检批次", "批次"), "sampling.failed": ("不合格批次", "批次"),
    "sampling.pass_rate": ("监督抽查合格率", "%"), "sampling.followups_open": ("未结后处置", "件"),
    "sampling.followups_due_soon": ("15日内到期复查", "件"), "sampling.followups_overdue": ("逾期复查", "件"),
    "feeds.c12315.accepted": ("受理量", "件"), "feeds.c12315.ontime_rate": ("按时办结率", "%"),
    "feeds.c12315.mediation_rate": ("调解成功率", "%"), "feeds.c12315.disclosure_rate": ("投诉公示率", "%"),
    "feeds.inspections.planned": ("计划抽查户数", "户"), "feeds.inspections.completed": ("完成抽查户数", "户"),
    "feeds.inspections.completion_rate": ("完成率", "%"), "feeds.inspections.ontime_publication_rate": ("按时公示率", "%"),
    "feeds.inspections.problems": ("发现问题户数", "户"), "feeds.credit.serious_listed": ("列入严重违法失信名单", "户"),
    "feeds.credit.serious_removed": ("移出严重违法失信名单", "户"), "feeds.credit.abnormal_listed": ("列入经营异常名录", "户"),
    "feeds.credit.abnormal_removed": ("移出经营异常名录", "户"), "registers.awards_won": ("获奖", "家"),
    "registers.award_applications": ("申报", "家"), "registers.brand_certificates": ("品字标证书", "张"),
    "registers.standards_led": ("主导制定标准", "项"), "registers.standard_leaders": ("企业标准领跑者", "家"),
    "onestop.requests": ("服务申请", "件"), "onestop.done": ("已办结", "件"), "onestop.sla_rate": ("按时办结率", "%"),
}


def _aggregates():
    return {"n": Count("pk"), "above": Count("pk", filter=Q(above_scale=True)),
            "closed": Count("pk", filter=Q(is_active=False))}


def _value(kind: str, row: dict) -> Decimal | None:
    if kind == ABOVE_SCALE_RATE:
        return (Decimal(row["above"]) * 100 / Decimal(row["n"])).quantize(Decimal("0.01")) if row["n"] else None
    return Decimal({COUNT: row["n"], ABOVE_SCALE: row["above"], CLOSED: row["closed"]}[kind])


def _make(key: str, kind: str, url: str):
    def provenance(count: int) -> tuple[dict, ...]:
        entry = {"label": "市场主体登记", "count": count}
        if url:
            entry["url"] = url
        return (entry,)

    def fn(*, start, end, town_id=None, category=None) -> MeasureValue:
        qs = MarketEntity.objects.filter(registered_on__range=(start, end))
        if town_id is not None:
            qs = qs.filter(town_id=town_id)
        row = qs.aggregate(**_aggregates())
        return MeasureValue(_value(kind, row), provenance(row["n"]))

    def by_town(*, start, end, category=None) -> dict:
        rows = (MarketEntity.objects.filter(registered_on__range=(start, end)).order_by()
                .values("town_id").annotate(**_aggregates()))
        return {row["town_id"]: MeasureValue(_value(kind, row), provenance(row["n"])) for row in rows}

    return fn, by_town


def register_entity_measures(spec: dict[str, str], *, unit: dict[str, str] | None = None,
                             urls: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> list[str]:
    """Register, for each `key: kind` of `spec`, a measure counting market entities (see the kinds above);
    `unit`, `urls` and `labels` give a key its unit, the provenance `url` of the rows behind it and its
    label (default "测试<key>")."""
    for key, kind in spec.items():
        fn, by_town = _make(key, kind, (urls or {}).get(key, ""))
        default_unit = "%" if kind == ABOVE_SCALE_RATE else "户"
        register_measure(key, label=(labels or {}).get(key, f"测试{key}"), fn=fn, by_town=by_town, unit=(unit or {}).get(key, default_unit))
    return list(spec)


@contextmanager
def only_entity_measures(spec: dict[str, str], *, unit: dict[str, str] | None = None,
                         urls: dict[str, str] | None = None) -> Iterator[list[str]]:
    """While inside: the dashboard's measure keys answer only as `spec` says (every other tile key is
    unregistered, so the outcome does not depend on which apps are installed); afterwards every measure
    registered before is put back as it was."""
    keys = {key for tile in TILES for key in tile.measure_keys} | set(spec)
    saved = [measure for measure in registered_measures() if measure.key in keys]
    for key in keys:
        unregister_measure(key)
    try:
        yield register_entity_measures(spec, unit=unit, urls=urls)
    finally:
        for key in keys:
            unregister_measure(key)
        for m in saved:
            register_measure(m.key, label=m.label, fn=m.fn, unit=m.unit, description=m.description, by_town=m.by_town)
