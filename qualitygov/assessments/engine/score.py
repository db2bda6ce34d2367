"""One unit's score: leaves, group nodes, base with not-applicable rescaling, bonus, total, grade,
grade caps and vetoes (steps 1–8 of the exchange format)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from .decimals import CONTEXT, ZERO, clamp, round1, round2
from .methods import event_counts, raw_score
from .model import Group, Leaf, Scheme, UnitInput


@dataclass(frozen=True)
class NodeScore:
    score: Decimal | None  # None: not applicable (leaf) or nothing applicable below (group)
    applicable_max: Decimal


@dataclass(frozen=True)
class UnitScore:
    unit: str
    group: str
    nodes: dict[str, NodeScore]  # every node, children before their group, in scheme order
    raw: Decimal
    applicable_max: Decimal
    base: Decimal
    bonus: Decimal
    total: Decimal
    grade: str
    vetoes_applied: tuple[str, ...]
    caps_applied: tuple[str, ...]

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes_applied)


def applies(leaf: Leaf, unit: UnitInput) -> bool:
    """False when `applies_to` leaves the unit's group out, or the input is `{"na": true}`."""
    if leaf.applies_to is not None and unit.group not in leaf.applies_to:
        return False
    return unit.inputs.get(leaf.code, {}).get("na") is not True


def score_leaf(leaf: Leaf, unit: UnitInput) -> NodeScore:
    if not applies(leaf, unit):
        return NodeScore(None, ZERO)
    raw = raw_score(leaf, unit.inputs.get(leaf.code), unit.unit)
    if raw is None:
        return NodeScore(None, ZERO)
    return NodeScore(round2(clamp(raw, ZERO, leaf.max)), leaf.max)


def _score_node(node: Leaf | Group, unit: UnitInput, out: dict[str, NodeScore]) -> NodeScore:
    if isinstance(node, Leaf):
        result = score_leaf(node, unit)
    else:
        children = [_score_node(child, unit, out) for child in node.children]
        applicable = sum((c.applicable_max for c in children), ZERO)
        score = sum((c.score for c in children if c.score is not None), ZERO)
        result = NodeScore(score if applicable else None, applicable)
    out[node.code] = result
    return result


def score_unit(scheme: Scheme, unit: UnitInput) -> UnitScore:
    """The unit's scores; AssessmentError for a missing or malformed leaf input."""
    with localcontext(CONTEXT):
        nodes: dict[str, NodeScore] = {}
        sections = [_score_node(section, unit, nodes) for section in scheme.sections]
        raw = sum((s.score for s in sections if s.score is not None), ZERO)
        applicable = sum((s.applicable_max for s in sections), ZERO)
        base = round2(raw * scheme.max_total / applicable) if applicable else round2(ZERO)
        earned = sum((scheme.bonus_items[k] * n for k, n in unit.bonus.items()), ZERO)
        bonus = min(earned, scheme.bonus_cap)
        total = round1(base + bonus)

        grade = next(g.grade for g in scheme.grades if g.min is None or g.min <= total)
        caps = []
        for cap in scheme.grade_caps:
            leaf = scheme.leaves[cap.condition.leaf]
            counts = event_counts(leaf, unit.inputs.get(leaf.code), unit.unit) if applies(leaf, unit) else {}
            if cap.condition.holds(counts):
                caps.append(cap.code)
                if scheme.grade_rank(cap.max_grade) > scheme.grade_rank(grade):
                    grade = cap.max_grade
        vetoes = tuple(v.code for v in scheme.vetoes if unit.vetoes.get(v.code) is True)
        if vetoes:
            grade = next(v.force_grade for v in scheme.vetoes if v.code == vetoes[0])
    return UnitScore(unit=unit.unit, group=unit.group, nodes=nodes, raw=round2(raw), applicable_max=applicable,
                     base=base, bonus=bonus, total=total, grade=grade, vetoes_applied=vetoes,
                     caps_applied=tuple(caps))
