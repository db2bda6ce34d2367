"""Ranking within each group: not vetoed first, then total descending; competition ranks (1, 2, 2, 4)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal


def _key(vetoed: bool, total: Decimal) -> tuple[bool, Decimal]:
    return (vetoed, -total)


def competition_ranks(entries: Sequence[tuple[str, bool, Decimal]]) -> dict[str, int]:
    """Rank of each (unit, vetoed, total) among `entries` (one group): 1 + the number strictly ahead."""
    keys = sorted(_key(vetoed, total) for _, vetoed, total in entries)
    first: dict[tuple[bool, Decimal], int] = {}
    for position, key in enumerate(keys, 1):
        first.setdefault(key, position)
    return {unit: first[_key(vetoed, total)] for unit, vetoed, total in entries}


def rank_by_group(entries: Sequence[tuple[str, str, bool, Decimal]]) -> dict[str, int]:
    """Ranks of (unit, group, vetoed, total) entries, each within its own group."""
    groups: dict[str, list[tuple[str, bool, Decimal]]] = {}
    for unit, group, vetoed, total in entries:
        groups.setdefault(group, []).append((unit, vetoed, total))
    ranks: dict[str, int] = {}
    for members in groups.values():
        ranks.update(competition_ranks(members))
    return ranks
