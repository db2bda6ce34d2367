"""The directory's figures for computed indicators: `registry.entities` and `registry.above_scale`.

Both are stocks, not flows: the entities in business at the end of the span (registered on or before
`end`, or with no date), all or 规上 only; `by_town` answers every town in one GROUP BY query.

`registry` sits below `indicators` in the layers (ADR 0026: every ledger refers to it), so it reaches
the measures module at run time, never through an import (the dependency points up only at run time).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from .models import MarketEntity

MEASURES_MODULE = "qualitygov.indicators.measures"


def _measures() -> Any:
    return import_module(MEASURES_MODULE)


def inputs_changed(*, keys, actor) -> None:
    """Tell the indicators (if installed) that the directory's figures changed; inside the transaction."""
    try:
        module = _measures()
    except ImportError:  # pragma: no cover - indicators is always installed in the project
        return
    module.inputs_changed(keys=keys, actor=actor)


def _stock(end: dt.date, above_scale: bool) -> Q:
    q = Q(is_active=True) & (Q(registered_on__lte=end) | Q(registered_on__isnull=True))
    return q & Q(above_scale=True) if above_scale else q


def _value(count: int, *, above_scale: bool, town_id: int | None, end: dt.date) -> Any:
    label = "规上市场主体（在业）" if above_scale else "市场主体（在业）"
    params: dict[str, Any] = {"active": "1"}
    if above_scale:
        params["above_scale"] = "true"
    if town_id is not None:
        params["town"] = town_id
    provenance = ({"label": f"{label}：截至{end:%Y年%m月%d日}", "url": f"{reverse('registry:list')}?{urlencode(params)}",
                   "count": count},)
    return _measures().MeasureValue(Decimal(count), provenance)


def _fn(above_scale: bool):
    def fn(*, start: dt.date, end: dt.date, town_id: int | None = None, category: str | None = None):
        qs = MarketEntity.objects.filter(_stock(end, above_scale))
        if town_id is not None:
            qs = qs.filter(town_id=town_id)
        return _value(qs.count(), above_scale=above_scale, town_id=town_id, end=end)

    return fn


def _by_town(above_scale: bool):
    def by_town(*, start: dt.date, end: dt.date, category: str | None = None) -> dict:
        rows = (MarketEntity.objects.filter(_stock(end, above_scale)).values("town_id")
                .annotate(n=Count("pk")).order_by())
        return {row["town_id"]: _value(row["n"], above_scale=above_scale, town_id=row["town_id"], end=end)
                for row in rows}

    return by_town


entities = _fn(False)
entities_by_town = _by_town(False)
above_scale = _fn(True)
above_scale_by_town = _by_town(True)


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    module = _measures()
    module.register_measure("registry.entities", label=_("Market entities in business"), unit="户", fn=entities,
                            by_town=entities_by_town,
                            description=_("Entities in business at the end of the period (registered by then)."))
    module.register_measure("registry.above_scale", label=_("Above-designated-size entities in business"), unit="户",
                            fn=above_scale, by_town=above_scale_by_town,
                            description=_("规上 entities in business at the end of the period."))
