"""The accounts app's group of the global search: units the user may see."""

from __future__ import annotations

from django.urls import reverse

from qualitygov.core.registry import SearchHit
from qualitygov.core.search import search_queryset

from .selectors import org_unit_list_visible


def search_units(*, user, q: str, limit: int) -> tuple[list[SearchHit], int]:
    """Active units in scope by full or short name (or the pinyin initials of the full name)."""
    return search_queryset(
        org_unit_list_visible(user=user).active().order_by("sort_order", "path"), q,
        fields=("name", "short_name"), title_field="name", limit=limit,
        hit=lambda unit: SearchHit(unit.name, reverse("accounts:unit_detail", args=[unit.pk]),
                                   unit.get_kind_display()),
    )
