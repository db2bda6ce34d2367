"""`qualitygov assessment score [--json] SCHEME.json UNITS.json` (no database).

Contract: `run_score(scheme_path, units_path, as_json=..., stdout=..., stderr=...)` returns 0 and
prints the result — with `as_json` the result document of the exchange format v1 (UTF-8, indent 1),
otherwise a Chinese table per group; on a bad file it writes one Chinese line to `stderr`
(“错误：FILE：…”, naming the item, unit or path), nothing to `stdout`, and returns 2.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any, TextIO

from .engine import AssessmentError, load_json
from .engine.errors import one_line
from .engine.result import result_document
from .engine.validate import validate_scheme, validate_units

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def run_score(scheme_path: str, units_path: str, *, as_json: bool, stdout: TextIO, stderr: TextIO) -> int:
    """Score the units file against the scheme and print the result; see the module docstring."""
    current = scheme_path
    try:
        scheme = validate_scheme(load_json(scheme_path))
        current = units_path
        units_data = load_json(units_path)
        result = result_document(scheme, validate_units(scheme, units_data))
    except AssessmentError as exc:
        stderr.write(one_line(f"错误：{current}：{exc.message}") + "\n")
        return EXIT_BAD_INPUT
    except (MemoryError, RecursionError):
        stderr.write(one_line(f"错误：{current}：文件内容过于复杂，无法计算") + "\n")
        return EXIT_BAD_INPUT
    if as_json:
        stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    else:
        stdout.write(table(scheme.title, scheme.groups, result))
    return EXIT_OK


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _row(cells: list[str], widths: list[int], right: set[int]) -> str:
    out = []
    for k, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        pad = " " * (width - _width(cell))
        out.append(pad + cell if k in right else cell + pad)
    return "  ".join(out).rstrip()


def table(title: str, groups: tuple[str, ...] | None, result: dict[str, Any]) -> str:
    """The result as a readable Chinese table per group, each ordered by rank (then file order)."""
    order = list(groups or ())
    for unit in result["units"]:
        if unit["group"] not in order:
            order.append(unit["group"])
    header = ["名次", "单位", "得分", "适用满分", "基础分", "加分", "总分", "等次", "否决", "等次上限", "整改"]
    right = {0, 2, 3, 4, 5, 6}
    lines = [f"{title}（评分细则 {result['scheme']}）"]
    for group in order:
        members = sorted((u for u in result["units"] if u["group"] == group), key=lambda u: u["rank"])
        if not members:
            continue
        rows = [[str(u["rank"]), u["unit"], u["raw"], u["applicable_max"], u["base"], u["bonus"], u["total"],
                 u["grade"], "、".join(u["vetoes_applied"]) or "—", "、".join(u["caps_applied"]) or "—",
                 f"{u['follow_up']['action']}，{u['follow_up']['due']} 前" if u["follow_up"] else "—"]
                for u in members]
        widths = [max(_width(r[k]) for r in [header, *rows]) for k in range(len(header))]
        lines += ["", f"组别：{group}（{len(members)} 个单位）", _row(header, widths, right)]
        lines += [_row(r, widths, right) for r in rows]
    if not result["units"]:
        lines += ["", "（没有单位）"]
    return "\n".join(lines) + "\n"
