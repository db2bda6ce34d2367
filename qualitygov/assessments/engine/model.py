"""A validated scheme and a validated units file (immutable; built only by `validate`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .expr import CountCondition


@dataclass(frozen=True)
class Leaf:
    code: str
    title: str
    max: Decimal
    method: str
    params: dict[str, Any]  # checked and converted by methods.check_params
    applies_to: frozenset[str] | None


@dataclass(frozen=True)
class Group:
    code: str
    title: str
    children: tuple[Leaf | Group, ...]


@dataclass(frozen=True)
class Grade:
    grade: str
    min: Decimal | None


@dataclass(frozen=True)
class Veto:
    code: str
    force_grade: str


@dataclass(frozen=True)
class GradeCap:
    code: str
    condition: CountCondition
    max_grade: str


@dataclass(frozen=True)
class FollowUp:
    grades: frozenset[str]
    bottom: int | None
    min_group_size: int
    action: str
    due_months: int


@dataclass(frozen=True)
class Scheme:
    id: str
    title: str
    max_total: Decimal
    grades: tuple[Grade, ...]
    groups: tuple[str, ...] | None
    sections: tuple[Leaf | Group, ...]
    leaves: dict[str, Leaf]
    codes: frozenset[str]  # every node code (groups and leaves)
    bonus_cap: Decimal
    bonus_items: dict[str, Decimal]
    vetoes: tuple[Veto, ...]
    grade_caps: tuple[GradeCap, ...]
    follow_up: FollowUp | None

    def grade_rank(self, grade: str) -> int:
        """0 for the highest grade."""
        return [g.grade for g in self.grades].index(grade)


@dataclass(frozen=True)
class UnitInput:
    unit: str
    group: str
    inputs: dict[str, dict[str, Any]]
    bonus: dict[str, Decimal] = field(default_factory=dict)
    vetoes: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitsFile:
    scheme: str
    year: str | None
    bulletin_date: datetime.date
    units: tuple[UnitInput, ...]
