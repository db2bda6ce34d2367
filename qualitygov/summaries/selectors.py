"""Reads of the summaries.

Templates and rounds are district records every signed-in user reads. A unit's summary is read
through `UnitSummary.objects.visible_to` (its own unit's liaison, the office, leaders); the round
page lists only the summaries the reader may view. The district draft is read by those who approve
across the whole district (the office and leaders).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from qualitygov.accounts.choices import Action
from qualitygov.core.models import Attachment
from qualitygov.core.scoping import can, scope_for

from .choices import UNIT_FILED, UnitSummaryStatus
from .models import DistrictSummary, SummaryRound, SummaryTemplate, UnitSummary


def templates() -> QuerySet[SummaryTemplate]:
    return SummaryTemplate.objects.all()


def template_get(*, pk: int) -> SummaryTemplate:
    return SummaryTemplate.objects.get(pk=pk)


def rounds() -> QuerySet[SummaryRound]:
    """Every round with its counts of units, filed and late summaries."""
    return SummaryRound.objects.select_related("plan").annotate(
        unit_count=Count("unit_summaries", distinct=True),
        filed_count=Count("unit_summaries", filter=Q(unit_summaries__status__in=UNIT_FILED), distinct=True),
        late_count=Count("unit_summaries", filter=Q(unit_summaries__late=True), distinct=True))


def round_get(*, pk: int) -> SummaryRound:
    return SummaryRound.objects.select_related("plan", "template").get(pk=pk)


def unit_summaries_visible(*, user, round: SummaryRound) -> QuerySet[UnitSummary]:
    """The round's summaries `user` may view, with their reminders counted."""
    return (UnitSummary.objects.visible_to(user, Action.VIEW).filter(round=round).select_related("unit")
            .annotate(chase_count=Count("chases")).order_by("unit__sort_order", "unit_id"))


def unit_summary_get_visible(*, user, pk: int) -> UnitSummary:
    """DoesNotExist when missing or outside `user`'s view."""
    return UnitSummary.objects.visible_to(user, Action.VIEW).select_related("round", "round__plan", "unit").get(pk=pk)


def unit_summary_chases(summary: UnitSummary):
    return list(summary.chases.order_by("on_date", "pk"))


def evidence(summary: UnitSummary) -> list[Attachment]:
    return list(Attachment.objects.filter(owner_type=summary._meta.label_lower, owner_id=str(summary.pk))
                .order_by("pk"))


def evidence_get(*, summary: UnitSummary, pk: int) -> Attachment:
    return Attachment.objects.get(pk=pk, owner_type=summary._meta.label_lower, owner_id=str(summary.pk))


def may_read_district(user) -> bool:
    """The district draft is for those who approve across the whole district (office, leaders)."""
    return can(user, Action.APPROVE) and scope_for(user, Action.VIEW).everything


def district_get(*, round: SummaryRound) -> DistrictSummary | None:
    return DistrictSummary.objects.filter(round=round).first()


def status_counts(summaries) -> dict[str, int]:
    counts = {status: 0 for status in UnitSummaryStatus.values}
    for summary in summaries:
        counts[summary.status] += 1
    return counts


def late_by_unit(*, year: int) -> dict[int, int]:
    """`{unit id: late summaries}` of the year's rounds: an assessment input."""
    rows = UnitSummary.objects.filter(round__year=year, late=True).values_list("unit_id", flat=True)
    out: dict[int, int] = {}
    for unit_id in rows:
        out[unit_id] = out.get(unit_id, 0) + 1
    return out
