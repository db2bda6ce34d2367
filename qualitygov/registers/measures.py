"""The registers' measures (indicators/measures.py): counts of awards, brands, standards, chief quality
officers, visits and publicity over a span of dates, by town (a record's town is its firm's town; a
publicity item's is its keeping unit when that is a town), and the 首席质量官 coverage of 规上 firms.

Counts are whole numbers (0 when nothing was recorded); the coverage is a percentage with one decimal,
None when there is no active 规上 firm to cover. Provenance links to the filtered list behind each figure.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qualitygov.indicators.measures import MeasureValue, register_measure
from qualitygov.registry.models import MarketEntity

from .choices import AwardResult, BrandKind, StandardRole
from .models import AwardApplication, Brand, EnterpriseVisit, PublicityItem, QualityOfficer, StandardLed


def _url(key: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(f"registers:{key}_list") + (f"?{query}" if query else "")


class _Count:
    """A count measure: rows of `model` matching `filters` with `date_field` in the span."""

    def __init__(self, model, date_field: str, list_key: str, label: str, filters: dict[str, Any] | None = None,
                 params: dict[str, Any] | None = None, town: str = "entity__town_id", date_params=("date_from", "date_to")):
        self.model, self.date_field, self.list_key, self.label = model, date_field, list_key, label
        self.filters, self.params, self.town, self.date_params = filters or {}, params or {}, town, date_params

    def _qs(self, start: dt.date, end: dt.date):
        return self.model.objects.filter(**self.filters, **{f"{self.date_field}__gte": start,
                                                            f"{self.date_field}__lte": end})

    def _value(self, n: int, start: dt.date, end: dt.date, town_id: int | None) -> MeasureValue:
        url = _url(self.list_key, **self.params, **{self.date_params[0]: start.isoformat(),
                                                     self.date_params[1]: end.isoformat()}, town=town_id)
        return MeasureValue(Decimal(n), ({"label": str(self.label), "url": url, "count": n},))

    def fn(self, *, start: dt.date, end: dt.date, town_id: int | None = None, category: str | None = None) -> MeasureValue:
        qs = self._qs(start, end)
        if town_id is not None:
            qs = qs.filter(**{self.town: town_id})
        return self._value(qs.count(), start, end, town_id)

    def by_town(self, *, start: dt.date, end: dt.date, category: str | None = None) -> dict[int | None, MeasureValue]:
        rows = self._qs(start, end).values(self.town).annotate(n=Count("pk")).order_by()
        return {row[self.town]: self._value(row["n"], start, end, row[self.town]) for row in rows}


COUNTS = {
    "registers.award_applications": (_("Quality award applications"), "件", _Count(
        AwardApplication, "applied_on", "awards", "质量奖申报")),
    "registers.awards_won": (_("Quality awards won"), "项", _Count(
        AwardApplication, "decided_on", "awards", "获得质量奖", {"result": AwardResult.WON},
        {"result": AwardResult.WON}, date_params=("decided_from", "decided_to"))),
    "registers.brand_certificates": (_("品字标浙江制造 certificates issued"), "张", _Count(
        Brand, "issued_on", "brands", "品字标浙江制造证书", {"kind": BrandKind.PINZI}, {"kind": BrandKind.PINZI})),
    "registers.famous_trademarks": (_("Well-known trademarks recognised"), "件", _Count(
        Brand, "issued_on", "brands", "驰名商标", {"kind": BrandKind.FAMOUS}, {"kind": BrandKind.FAMOUS})),
    "registers.standards_led": (_("Standards led"), "项", _Count(
        StandardLed, "published_on", "standards", "主导制定标准", {"role": StandardRole.LEAD},
        {"role": StandardRole.LEAD})),
    "registers.standard_leaders": (_("Enterprise standard leaders"), "项", _Count(
        StandardLed, "published_on", "standards", "企业标准领跑者", {"leader": True}, {"leader": "true"})),
    "registers.visits": (_("Enterprise visits"), "次", _Count(
        EnterpriseVisit, "visited_on", "visits", "质量巡诊/帮扶走访")),
    "registers.publicity_events": (_("Publicity events and articles"), "次", _Count(
        PublicityItem, "held_on", "publicity", "质量宣传活动", town="unit_id")),
}


def _current(end: dt.date) -> Q:
    """Officers in office on `end`."""
    return Q(appointed_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gte=end))


def _cqo_value(n: int, end: dt.date, town_id: int | None) -> MeasureValue:
    return MeasureValue(Decimal(n), ({"label": "在任首席质量官", "count": n,
                                      "url": _url("officers", current_on=end.isoformat(), town=town_id)},))


def cqo_count(*, start: dt.date, end: dt.date, town_id: int | None = None, category: str | None = None) -> MeasureValue:
    """Chief quality officers in office on the span's last day."""
    qs = QualityOfficer.objects.filter(_current(end))
    if town_id is not None:
        qs = qs.filter(entity__town_id=town_id)
    return _cqo_value(qs.count(), end, town_id)


def cqo_count_by_town(*, start: dt.date, end: dt.date, category: str | None = None) -> dict[int | None, MeasureValue]:
    rows = QualityOfficer.objects.filter(_current(end)).values("entity__town_id").annotate(n=Count("pk")).order_by()
    return {row["entity__town_id"]: _cqo_value(row["n"], end, row["entity__town_id"]) for row in rows}


def _covered(end: dt.date):
    officers = QualityOfficer.objects.filter(_current(end), entity=OuterRef("pk"))
    return (MarketEntity.objects.filter(is_active=True, above_scale=True)
            .annotate(has_officer=Exists(officers)))


def _coverage(covered: int, total: int, end: dt.date, town_id: int | None) -> MeasureValue:
    if not total:
        return MeasureValue(None, ({"label": "在业规上企业", "count": 0},))
    rate = (Decimal(covered) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return MeasureValue(rate, (
        {"label": "设有首席质量官的在业规上企业", "count": covered,
         "url": _url("officers", current_on=end.isoformat(), town=town_id, above_scale="true")},
        {"label": "在业规上企业", "count": total}))


def cqo_coverage(*, start: dt.date, end: dt.date, town_id: int | None = None,
                 category: str | None = None) -> MeasureValue:
    """% of active 规上 firms with a 首席质量官 in office on the span's last day."""
    qs = _covered(end)
    if town_id is not None:
        qs = qs.filter(town_id=town_id)
    totals = qs.aggregate(total=Count("pk"), covered=Count("pk", filter=Q(has_officer=True)))
    return _coverage(totals["covered"], totals["total"], end, town_id)


def cqo_coverage_by_town(*, start: dt.date, end: dt.date,
                         category: str | None = None) -> dict[int | None, MeasureValue]:
    rows = (_covered(end).values("town_id").annotate(total=Count("pk"), covered=Count("pk", filter=Q(has_officer=True)))
            .order_by())
    return {row["town_id"]: _coverage(row["covered"], row["total"], end, row["town_id"]) for row in rows}


def register_all() -> None:
    for key, (label, unit, count) in COUNTS.items():
        register_measure(key, label=label, unit=unit, fn=count.fn, by_town=count.by_town)
    register_measure("registers.cqo_count", label=_("Chief quality officers in office"), unit="人", fn=cqo_count,
                     by_town=cqo_count_by_town)
    register_measure("registers.cqo_coverage", label=_("Chief quality officer coverage of firms above designated size"),
                     unit="%", fn=cqo_coverage, by_town=cqo_coverage_by_town)
