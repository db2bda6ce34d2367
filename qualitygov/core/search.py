"""The global search: one box in the top bar, result groups from the apps (`core.registry.SearchSource`).

`search_queryset` is what the apps' search functions share: every word of the query must occur in
one of the given fields (case-insensitive); a query of 2–20 Latin letters also matches the pinyin
initials of the title field ("zlqq" finds 质量强区), over at most `PINYIN_SCAN` rows of the scoped
queryset, so the cost stays bounded on a large table.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from functools import reduce

from django.db.models import Q, QuerySet

from qualitygov.utilities.pinyin import is_initials_query, matches_initials

from .registry import SearchHit, SearchSource, search_sources

MAX_QUERY = 100
PINYIN_SCAN = 5000
GROUP_LIMIT = 10


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY]


def search_queryset(queryset: QuerySet, q: str, *, fields: Sequence[str], title_field: str, limit: int,
                    hit: Callable[[object], SearchHit]) -> tuple[list[SearchHit], int]:
    """Rows of `queryset` (already scoped) matching `q`: at most `limit` hits, and the total."""
    words = q.split()
    if not words:
        return [], 0
    condition = reduce(operator.and_, (reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in fields))
                                       for word in words))
    if is_initials_query(q):
        pinyin_pks = [pk for pk, title in queryset.values_list("pk", title_field)[:PINYIN_SCAN]
                      if matches_initials(q, title or "")]
        if pinyin_pks:
            condition |= Q(pk__in=pinyin_pks)
    matched = queryset.filter(condition)
    total = matched.count()
    return [hit(obj) for obj in matched[:limit]], total


def search_all(*, user, q: str, limit: int = GROUP_LIMIT) -> list[tuple[SearchSource, list[SearchHit], int]]:
    """Each registered source's hits for `user` (empty groups left out)."""
    if not q:
        return []
    out = []
    for source in search_sources():
        hits, total = source.run(user=user, q=q, limit=limit)
        if total:
            out.append((source, hits, total))
    return out
