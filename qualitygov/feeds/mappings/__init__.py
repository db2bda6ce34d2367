"""Mappings of the upper systems' exports: for each source, which columns hold the period, the town, the
category, the row's own name (a 断面, a 抽样编号) and the figures, as plain data in this package.

Each module here defines `MAPPING` (a dict, see `Mapping.from_dict`) and, when a row's figures are derived
rather than read (a day's AQI → one day, good or not), `derive(values) -> dict[measure, Decimal]`.
A change to a shipped mapping bumps its `version`; each imported file keeps the mapping it was read with.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: Shipped sources, in the order the pages list them.
SOURCE_KEYS = ("c12315", "inspections", "sampling", "credit", "air", "water")

#: Field roles a mapping may name besides figures.
ROLES = ("period", "town", "category", "subject")


@dataclass(frozen=True)
class FieldSpec:
    """A column read as text (or a date for `period`): its header names as the exports write them."""

    name: str
    headers: tuple[str, ...]
    label: str
    required: bool = True
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical value → names in the exports
    fill_down: bool = False  # a blank cell repeats the one above (CSV exports of merged cells)


@dataclass(frozen=True)
class FigureSpec:
    """A column holding a figure. `kind` count (non-negative whole number), amount (non-negative
    number) or rate (percent 0–100; a weight measure makes sums over towns and months weighted)."""

    measure: str
    headers: tuple[str, ...]
    label: str
    kind: str = "count"
    weight: str = ""
    required: bool = True


@dataclass(frozen=True)
class Mapping:
    key: str
    label: str
    system: str
    version: int
    owner: str
    period_kind: str  # "month" or "day"
    fields: dict[str, FieldSpec]
    figures: tuple[FigureSpec, ...]
    raw: dict[str, FieldSpec]  # columns read for `derive`
    derive: Callable[[dict[str, Any]], dict[str, Decimal]] | None
    derived: dict[str, str]  # measure → label of derived figures
    spec: dict[str, Any]

    @classmethod
    def from_dict(cls, spec: dict[str, Any], derive=None) -> Mapping:
        def fields(block: dict[str, Any]) -> dict[str, FieldSpec]:
            return {name: FieldSpec(name=name, headers=tuple(item["headers"]), label=item.get("label", name),
                                    required=item.get("required", True),
                                    values={k: tuple(v) for k, v in item.get("values", {}).items()},
                                    fill_down=item.get("fill_down", False))
                    for name, item in block.items()}

        figures = tuple(FigureSpec(measure=item["measure"], headers=tuple(item["headers"]), label=item["label"],
                                   kind=item.get("kind", "count"), weight=item.get("weight", ""),
                                   required=item.get("required", True))
                        for item in spec.get("figures", []))
        return cls(key=spec["key"], label=spec["label"], system=spec.get("system", ""), version=spec["version"],
                   owner=spec.get("owner", ""), period_kind=spec.get("period_kind", "month"),
                   fields=fields(spec.get("fields", {})), figures=figures, raw=fields(spec.get("raw", {})),
                   derive=derive, derived=dict(spec.get("derived", {})), spec=spec)

    def measures(self) -> dict[str, str]:
        """Every figure name the source yields → its Chinese label."""
        out = {f.measure: f.label for f in self.figures}
        out.update(self.derived)
        return out

    def columns(self) -> list[tuple[str, tuple[str, ...], bool]]:
        """(label, header names, required) of every column read, for the sources page."""
        out = [(f.label, f.headers, f.required) for f in self.fields.values()]
        out += [(f.label, f.headers, f.required) for f in self.raw.values()]
        out += [(f.label, f.headers, f.required) for f in self.figures]
        return out


_CACHE: dict[str, Mapping] = {}


def get_mapping(key: str) -> Mapping:
    """The shipped mapping of `key`; KeyError for an unknown source."""
    if key not in SOURCE_KEYS:
        raise KeyError(key)
    if key not in _CACHE:
        module = importlib.import_module(f"{__name__}.{key}")
        _CACHE[key] = Mapping.from_dict(module.MAPPING, getattr(module, "derive", None))
    return _CACHE[key]


def all_mappings() -> list[Mapping]:
    return [get_mapping(key) for key in SOURCE_KEYS]
