"""The indicators app's group of the global search: indicators the user may see."""

from __future__ import annotations

from django.urls import reverse

from qualitygov.core.registry import SearchHit
from qualitygov.core.search import search_queryset

from .selectors import indicator_list_visible


def search_indicators(*, user, q: str, limit: int) -> tuple[list[SearchHit], int]:
    """Indicators in scope by code or name (or the pinyin initials of the name)."""
    return search_queryset(
        indicator_list_visible(user=user).select_related("plan").order_by("plan_id", "order", "pk"), q,
        fields=("code", "name"), title_field="name", limit=limit,
        hit=lambda ind: SearchHit(f"{ind.code} {ind.name}", reverse("indicators:indicator_detail", args=[ind.pk]),
                                  ind.plan.title),
    )
