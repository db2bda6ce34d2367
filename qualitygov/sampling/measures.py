"""The ledger's measures (indicators.measures): batches, failures and the district's own 监督抽查合格率
over batches sampled in [start, end]; and the follow-ups of those batches that are open, due within
the rule's horizon (15 days) or overdue **today**. Each has a by-town function answering every town in
one GROUP BY query; the provenance links to the batch list filtered to the rows behind the figure.

`category` filters by the plan's category (食品 / 药品 / 食用农产品 / 工业产品). A batch whose re-test
overturned the failure counts as passed.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from qualitygov.indicators.measures import MeasureValue, memoized

from .choices import ClockState, Outcome, Verdict
from .models import SampleBatch
from .selectors import clock_filter

FAILED = Q(verdict=Verdict.FAIL) & ~Q(followup__outcome=Outcome.OVERTURNED)

LABELS = {
    "batches": "监督抽查批次", "failed": "不合格批次", "pass_rate": "监督抽查合格率",
    "followups_open": "未办结后处置", "followups_due_soon": "15日内到期的后处置", "followups_overdue": "超期后处置",
}
#: The batch-list filter behind each figure.
LIST_FILTER = {"batches": {}, "failed": {"verdict": Verdict.FAIL}, "pass_rate": {},
               "followups_open": {"clock": ClockState.OPEN}, "followups_due_soon": {"clock": ClockState.DUE_SOON},
               "followups_overdue": {"clock": ClockState.OVERDUE}}


def _base(start: dt.date, end: dt.date, category: str | None):
    qs = SampleBatch.objects.filter(sampled_on__gte=start, sampled_on__lte=end)
    return qs.filter(plan__category=category) if category else qs


def _aggregates(today: dt.date) -> dict:
    return {
        "batches": Count("pk"),
        "failed": Count("pk", filter=FAILED),
        "followups_open": Count("pk", filter=clock_filter(ClockState.OPEN, today)),
        "followups_due_soon": Count("pk", filter=clock_filter(ClockState.DUE_SOON, today)),
        "followups_overdue": Count("pk", filter=clock_filter(ClockState.OVERDUE, today)),
    }


def _url(name: str, start: dt.date, end: dt.date, town_id: int | None, category: str | None) -> str:
    params = {"sampled_from": start.isoformat(), "sampled_to": end.isoformat(), **LIST_FILTER[name]}
    if town_id is not None:
        params["town"] = town_id
    if category:
        params["category"] = category
    return f"{reverse('sampling:list')}?{urlencode(params)}"


def _value(name: str, counts: dict, start, end, town_id, category) -> MeasureValue:
    if not counts.get("batches"):
        return MeasureValue(None)
    if name == "pass_rate":
        total, failed = counts["batches"], counts["failed"]
        value = (Decimal(total - failed) * 100 / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        provenance = ({"label": f"{LABELS['batches']} {total} 批，{LABELS['failed']} {failed} 批", "count": total,
                       "url": _url("pass_rate", start, end, town_id, category)},)
        return MeasureValue(value, provenance)
    value = counts[name]
    return MeasureValue(Decimal(value), ({"label": LABELS[name], "count": value,
                                          "url": _url(name, start, end, town_id, category)},))


def _measure(name: str):
    def fn(*, start: dt.date, end: dt.date, town_id: int | None = None, category: str | None = None) -> MeasureValue:
        def counts() -> dict:
            qs = _base(start, end, category)
            if town_id is not None:
                qs = qs.filter(town_id=town_id)
            return qs.aggregate(**_aggregates(timezone.localdate()))

        # Every figure of the ledger comes from the same counts: one query for all of them on a page.
        counts_ = memoized(("sampling.counts", start, end, town_id, category), counts)
        return _value(name, counts_, start, end, town_id, category)

    def by_town(*, start: dt.date, end: dt.date, category: str | None = None) -> dict[int | None, MeasureValue]:
        rows = memoized(("sampling.by_town", start, end, category), lambda: list(
            _base(start, end, category).order_by().values("town_id").annotate(**_aggregates(timezone.localdate()))))
        return {row["town_id"]: _value(name, row, start, end, row["town_id"], category) for row in rows}

    return fn, by_town


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from qualitygov.indicators.measures import register_measure

    labels = {"batches": _("Sampled batches (own supervision sampling)"),
              "failed": _("Failed batches (own supervision sampling)"),
              "pass_rate": _("Supervision sampling pass rate (district's own)"),
              "followups_open": _("Open sampling follow-ups"),
              "followups_due_soon": _("Sampling follow-ups due within 15 days"),
              "followups_overdue": _("Overdue sampling follow-ups")}
    units = {"batches": "批次", "failed": "批次", "pass_rate": "%", "followups_open": "件",
             "followups_due_soon": "件", "followups_overdue": "件"}
    for name, label in labels.items():
        fn, by_town = _measure(name)
        register_measure(f"sampling.{name}", label=label, fn=fn, unit=units[name], by_town=by_town)
