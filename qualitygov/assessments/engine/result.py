"""The result document of `qualitygov assessment score --json` (exchange format v1)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .decimals import fixed, plain
from .followup import follow_up_for
from .model import Scheme, UnitsFile
from .rank import rank_by_group
from .score import UnitScore, score_unit
from .validate import validate_scheme, validate_units


def assess(scheme_data: Any, units_data: Any) -> dict[str, Any]:
    """Validate both documents and return the result document; AssessmentError on bad input."""
    scheme = validate_scheme(scheme_data)
    return result_document(scheme, validate_units(scheme, units_data))


def score_all(scheme: Scheme, units: UnitsFile) -> list[tuple[UnitScore, int, dict[str, str] | None]]:
    """(score, rank, follow-up) of every unit, in the file's order."""
    scores = [score_unit(scheme, unit) for unit in units.units]
    ranks = rank_by_group([(s.unit, s.group, s.vetoed, s.total) for s in scores])
    sizes = Counter(s.group for s in scores)
    return [(s, ranks[s.unit], follow_up_for(scheme.follow_up, grade=s.grade, rank=ranks[s.unit],
                                             group_size=sizes[s.group], bulletin_date=units.bulletin_date))
            for s in scores]


def result_document(scheme: Scheme, units: UnitsFile) -> dict[str, Any]:
    """Units in the file's order; scores as strings: nodes/raw/base with two decimals, total with one,
    applicable maxima and bonus in their shortest form ("25", "2.5", "0")."""
    return {"scheme": scheme.id, "units": [_unit(s, rank, follow_up) for s, rank, follow_up in score_all(scheme, units)]}


def _unit(s: UnitScore, rank: int, follow_up: dict[str, str] | None) -> dict[str, Any]:
    return {
        "unit": s.unit,
        "group": s.group,
        "nodes": {code: {"score": None if n.score is None else fixed(n.score), "applicable_max": plain(n.applicable_max)}
                  for code, n in s.nodes.items()},
        "raw": fixed(s.raw),
        "applicable_max": plain(s.applicable_max),
        "base": fixed(s.base),
        "bonus": plain(s.bonus),
        "total": fixed(s.total),
        "grade": s.grade,
        "vetoes_applied": list(s.vetoes_applied),
        "caps_applied": list(s.caps_applied),
        "rank": rank,
        "follow_up": follow_up,
    }
