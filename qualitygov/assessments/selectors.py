"""Reads of assessment schemes, and the scheme tree as rows a page can show.

Schemes are district documents: every signed-in user may read them (a unit is entitled to know the
rules it is scored by); only the office writes them (see `services`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .choices import METHOD_LABELS
from .engine.io import parse_json
from .models import AssessmentScheme


def scheme_list() -> QuerySet[AssessmentScheme]:
    return AssessmentScheme.objects.select_related("created_by", "published_by")


def scheme_get(*, pk: int) -> AssessmentScheme:
    return scheme_list().get(pk=pk)


def scheme_versions(scheme: AssessmentScheme) -> QuerySet[AssessmentScheme]:
    return AssessmentScheme.objects.filter(key=scheme.key, year=scheme.year).order_by("-version")


@dataclass(frozen=True)
class TreeRow:
    depth: int
    code: str
    title: str
    max: str
    method: str
    rule: str
    applies_to: str
    is_group: bool


def _num(value: Any) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def _rule(method: str, params: dict) -> str:
    """A short Chinese reading of an item's parameters (the full rule is in the exported document)."""
    if method == "graded":
        return "；".join(f"{name} {_num(points)} 分" for name, points in params.get("options", {}).items())
    if method == "per_missing":
        aspects = "、".join(params.get("aspects", []))
        return _("%(each)s points off for each missing aspect: %(aspects)s") % {
            "each": _num(params.get("deduct_each", 0)), "aspects": aspects}
    if method == "rate_bands":
        return "；".join(f"≥{_num(b['min'])}%：{_num(b['points'])} 分" for b in params.get("bands", []))
    if method == "indicator_shortfall":
        return _("target %(cmp)s %(target)s; %(points)s points off per %(step)s short") % {
            "cmp": params.get("comparator", ""), "target": _num(params.get("target", 0)),
            "points": _num(params.get("points_per_step", 0)), "step": _num(params.get("step", 0))}
    if method == "event_deductions":
        return _("%(n)s kinds of recorded events") % {"n": len(params.get("events", {}))}
    if method == "share_indicators":
        return _("met %(met)s, improved %(improved)s") % {"met": _num(params.get("met", 1)),
                                                           "improved": _num(params.get("improved", 0))}
    return ""


def scheme_document(scheme: AssessmentScheme) -> dict[str, Any]:
    return parse_json(scheme.document)


def scheme_tree(data: dict[str, Any]) -> list[TreeRow]:
    """Sections and items in document order, each with its depth (0 for a section)."""
    rows: list[TreeRow] = []

    def walk(node: dict, depth: int) -> None:
        children = node.get("items")
        applies = "、".join(node.get("applies_to", [])) if node.get("applies_to") else ""
        if children is not None:
            rows.append(TreeRow(depth, node["code"], node["title"], "", "", "", applies, True))
            for child in children:
                walk(child, depth + 1)
        else:
            method = node.get("method", "")
            rows.append(TreeRow(depth, node["code"], node["title"], _num(node["max"]),
                                str(METHOD_LABELS.get(method, method)), _rule(method, node.get("params") or {}),
                                applies, False))

    for section in data.get("sections", []):
        walk(section, 0)
    return rows
