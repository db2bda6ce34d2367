"""The one-stop window's measures: requests received, requests done, % done within the time limit and the
firms' average rating over a span of dates, for a town (the firm's) or all, with `by_town` in one query."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qualitygov.indicators.measures import MeasureValue, memoized, register_measure

from .models import ServiceRequest

TOWN = "entity__town_id"


def _url(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("onestop:list") + (f"?{query}" if query else "")


def _received(start, end):
    return ServiceRequest.objects.filter(received_on__gte=start, received_on__lte=end)


def _done(start, end):
    return ServiceRequest.objects.filter(done_on__gte=start, done_on__lte=end)


_DONE_AGG = {"done": Count("pk"), "within": Count("pk", filter=Q(done_on__lte=F("due_on"))),
             "rated": Count("rating"), "rating": Avg("rating")}


def _requests_value(n: int, start: dt.date, end: dt.date, town_id) -> MeasureValue:
    return MeasureValue(Decimal(n), ({"label": "一站式服务受理件数", "count": n, "url": _url(
        received_from=start.isoformat(), received_to=end.isoformat(), town=town_id)},))


def _done_url(start, end, town_id, **extra) -> str:
    return _url(done_from=start.isoformat(), done_to=end.isoformat(), town=town_id, **extra)


def _done_value(row, start, end, town_id) -> MeasureValue:
    n = row["done"] if row else 0
    return MeasureValue(Decimal(n), ({"label": "一站式服务办结件数", "count": n,
                                      "url": _done_url(start, end, town_id)},))


def _sla_value(row, start, end, town_id) -> MeasureValue:
    done, within = (row["done"], row["within"]) if row else (0, 0)
    if not done:
        return MeasureValue(None, ({"label": "一站式服务办结件数", "count": 0, "url": _done_url(start, end, town_id)},))
    rate = (Decimal(within) * 100 / Decimal(done)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return MeasureValue(rate, ({"label": "时限内办结件数", "count": within,
                                "url": _done_url(start, end, town_id, sla="within")},
                               {"label": "一站式服务办结件数", "count": done, "url": _done_url(start, end, town_id)}))


def _rating_value(row, start, end, town_id) -> MeasureValue:
    rated = row["rated"] if row else 0
    if not rated:
        return MeasureValue(None, ({"label": "企业评价件数", "count": 0},))
    avg = Decimal(str(row["rating"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return MeasureValue(avg, ({"label": "企业评价件数", "count": rated, "url": _done_url(start, end, town_id)},))


def requests(*, start, end, town_id=None, category=None) -> MeasureValue:
    qs = _received(start, end)
    if town_id is not None:
        qs = qs.filter(**{TOWN: town_id})
    return _requests_value(qs.count(), start, end, town_id)


def requests_by_town(*, start, end, category=None):
    rows = _received(start, end).values(TOWN).annotate(n=Count("pk")).order_by()
    return {r[TOWN]: _requests_value(r["n"], start, end, r[TOWN]) for r in rows}


def _done_one(start, end, town_id):
    def compute():
        qs = _done(start, end)
        if town_id is not None:
            qs = qs.filter(**{TOWN: town_id})
        return qs.aggregate(**_DONE_AGG)

    # done, sla_rate and rating_avg read the same counts: once on a page (`measure_memo`).
    return memoized(("onestop.done", start, end, town_id), compute)


def _done_by_town(start, end):
    return memoized(("onestop.done_by_town", start, end), lambda: {
        r[TOWN]: r for r in _done(start, end).values(TOWN).annotate(**_DONE_AGG).order_by()})


def _pair(value_fn):
    def fn(*, start, end, town_id=None, category=None) -> MeasureValue:
        return value_fn(_done_one(start, end, town_id), start, end, town_id)

    def by_town(*, start, end, category=None):
        return {town: value_fn(row, start, end, town) for town, row in _done_by_town(start, end).items()}
    return fn, by_town


done, done_by_town = _pair(_done_value)
sla_rate, sla_rate_by_town = _pair(_sla_value)
rating_avg, rating_avg_by_town = _pair(_rating_value)


def register_all() -> None:
    register_measure("onestop.requests", label=_("One-stop service requests received"), unit="件", fn=requests,
                     by_town=requests_by_town)
    register_measure("onestop.done", label=_("One-stop service requests done"), unit="件", fn=done,
                     by_town=done_by_town)
    register_measure("onestop.sla_rate", label=_("One-stop requests done within the time limit"), unit="%",
                     fn=sla_rate, by_town=sla_rate_by_town)
    register_measure("onestop.rating_avg", label=_("Firms' average rating of one-stop services"), unit="分",
                     fn=rating_avg, by_town=rating_avg_by_town)
