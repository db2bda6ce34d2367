"""Reads of the upper-level assessment. Assessments and their item table are read by every signed-in
user; one item's page (self-score, evidence) by its lead unit's people and the district office."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from qualitygov.core.errors import NotFoundError
from qualitygov.core.models import Attachment
from qualitygov.core.permissions import Action

from .models import UpperAssessment, UpperItem

OWNER_TYPE = UpperItem._meta.label_lower


def assessment_list() -> QuerySet[UpperAssessment]:
    return UpperAssessment.objects.annotate(item_count=Count("items"))


def assessment_get(*, pk: int) -> UpperAssessment:
    try:
        return UpperAssessment.objects.select_related("task", "scheme").get(pk=pk)
    except UpperAssessment.DoesNotExist:
        raise NotFoundError("Not found.") from None


def item_rows(assessment: UpperAssessment) -> QuerySet[UpperItem]:
    """The assessment's items in scheme order with lead unit, co units and work item."""
    return (UpperItem.objects.filter(assessment=assessment).select_related("lead_unit", "work_item")
            .prefetch_related("co_units"))


def item_get_fillable(*, user, pk: int) -> UpperItem:
    """An assigned item whose lead unit `user` may change (the liaison's own items; the office: every assigned one)."""
    try:
        return (UpperItem.objects.visible_to(user, Action.CHANGE).filter(lead_unit__isnull=False)
                .select_related("assessment", "lead_unit", "work_item").get(pk=pk))
    except UpperItem.DoesNotExist:
        raise NotFoundError("Not found.") from None


def item_get(*, pk: int) -> UpperItem:
    try:
        return UpperItem.objects.select_related("assessment", "lead_unit", "work_item").get(pk=pk)
    except UpperItem.DoesNotExist:
        raise NotFoundError("Not found.") from None


def items_of_user(user, assessment: UpperAssessment) -> set[int]:
    """Ids of the items `user` may fill (for the "fill" links on the table)."""
    return set(UpperItem.objects.visible_to(user, Action.CHANGE).filter(assessment=assessment, lead_unit__isnull=False)
               .values_list("pk", flat=True))


def evidence_of(item: UpperItem) -> list[Attachment]:
    return list(Attachment.objects.filter(owner_type=OWNER_TYPE, owner_id=str(item.pk)).order_by("pk"))


def evidence_by_item(assessment: UpperAssessment) -> dict[int, list[Attachment]]:
    ids = [str(pk) for pk in UpperItem.objects.filter(assessment=assessment).values_list("pk", flat=True)]
    out: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(owner_type=OWNER_TYPE, owner_id__in=ids).order_by("pk"):
        out.setdefault(int(attachment.owner_id), []).append(attachment)
    return out
