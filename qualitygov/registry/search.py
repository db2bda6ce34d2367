"""The global search's group of market entities: by name or code, within what the user may see."""

from __future__ import annotations

from django.urls import reverse

from qualitygov.core.registry import SearchHit

from .selectors import entity_search


def search(*, user, q: str, limit: int) -> tuple[list[SearchHit], int]:
    found, total = entity_search(user=user, q=q, limit=limit)
    hits = [SearchHit(title=e.name, url=reverse("registry:detail", args=[e.pk]),
                      detail=" · ".join(p for p in (e.uscc, e.industry_name,
                                                    (e.town.short_name or e.town.name) if e.town else "") if p))
            for e in found]
    return hits, total
