"""Reads of the one-stop service window, through `visible_to`; the totals by industry (GB/T 4754)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q, QuerySet

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import NotFoundError
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import scope_for

from .models import ServiceRequest, SlaRuleSet


def request_list_visible(*, user, action: str = Action.VIEW) -> QuerySet:
    return ServiceRequest.objects.select_related("entity__town", "unit").visible_to(user, action)


def request_get_visible(*, user, pk: int, action: str = Action.VIEW) -> ServiceRequest:
    found = request_list_visible(user=user, action=action).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not found")
    return found


def units_for_change(user) -> QuerySet:
    scope = scope_for(user, Action.CHANGE)
    qs = OrgUnit.objects.active().order_by("sort_order", "path")
    return qs if scope.everything else qs.filter(pk__in=scope.unit_ids)


def rule_sets() -> QuerySet:
    return SlaRuleSet.objects.order_by("-effective_from", "-pk")


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class IndustryRow:
    code: str
    name: str
    requests: int
    done: int
    within: int
    solved: int
    rating: Decimal | None

    @property
    def sla_rate(self) -> Decimal | None:
        return percent(self.within, self.done)


def totals_by_industry(*, user, start: dt.date, end: dt.date) -> list[IndustryRow]:
    """Requests received from `start` to `end` the user sees, by the firm's industry class (one query):
    how many, done, done within the time limit, problems solved, average rating."""
    rows = (request_list_visible(user=user).filter(received_on__gte=start, received_on__lte=end)
            .values("entity__industry_code", "entity__industry_name")
            .annotate(requests=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False)),
                      within=Count("pk", filter=Q(done_on__isnull=False, done_on__lte=F("due_on"))),
                      solved=Count("pk", filter=Q(solved=True)), rating=Avg("rating"))
            .order_by("entity__industry_code", "entity__industry_name"))
    return [IndustryRow(r["entity__industry_code"] or "", r["entity__industry_name"] or "", r["requests"], r["done"],
                        r["within"], r["solved"],
                        None if r["rating"] is None else Decimal(str(r["rating"])).quantize(Decimal("0.01")))
            for r in rows]
