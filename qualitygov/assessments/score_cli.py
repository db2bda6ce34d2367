"""`qualitygov assessment score [--json] [--pdf OUT.pdf] SCHEME.json UNITS.json` (no database).

Contract: `run_score(scheme_path, units_path, as_json=..., stdout=..., stderr=..., pdf_path=None)`
returns 0 and prints the result — with `as_json` the result document of the exchange format v1
(UTF-8, indent 1), otherwise a Chinese table per group; on a bad file it writes one Chinese line to
`stderr` (“错误：FILE：…”, naming the item, unit or path), nothing to `stdout`, and returns 2.
With `pdf_path` it also writes the ranked result table per group as an A4 landscape PDF
(`core.io_pdf`); when the PDF cannot be made or written it prints the result, writes one line
“错误：OUT.pdf：…” to `stderr` and returns 1.
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
EXIT_OUTPUT_FAILED = 1
EXIT_BAD_INPUT = 2
HEADER = ["名次", "单位", "得分", "适用满分", "基础分", "加分", "总分", "等次", "否决", "等次上限", "整改"]


def run_score(scheme_path: str, units_path: str, *, as_json: bool, stdout: TextIO, stderr: TextIO,
              pdf_path: str | None = None) -> int:
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
    if pdf_path:
        from qualitygov.core.io_pdf import PdfUnavailable

        try:
            data = result_pdf(scheme.title, scheme.groups, result)
            with open(pdf_path, "wb") as out:
                out.write(data)
        except (PdfUnavailable, OSError) as exc:
            stderr.write(one_line(f"错误：{pdf_path}：{exc}") + "\n")
            return EXIT_OUTPUT_FAILED
    return EXIT_OK


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _row(cells: list[str], widths: list[int], right: set[int]) -> str:
    out = []
    for k, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        pad = " " * (width - _width(cell))
        out.append(pad + cell if k in right else cell + pad)
    return "  ".join(out).rstrip()


def _groups(groups: tuple[str, ...] | None, result: dict[str, Any]) -> list[tuple[str, list[list[str]]]]:
    """(group, rows) in the scheme's group order then file order; rows by rank, cells as `HEADER`."""
    order = list(groups or ())
    for unit in result["units"]:
        if unit["group"] not in order:
            order.append(unit["group"])
    out = []
    for group in order:
        members = sorted((u for u in result["units"] if u["group"] == group), key=lambda u: u["rank"])
        if members:
            out.append((group, [
                [str(u["rank"]), u["unit"], u["raw"], u["applicable_max"], u["base"], u["bonus"], u["total"],
                 u["grade"], "、".join(u["vetoes_applied"]) or "—", "、".join(u["caps_applied"]) or "—",
                 f"{u['follow_up']['action']}，{u['follow_up']['due']} 前" if u["follow_up"] else "—"]
                for u in members]))
    return out


def table(title: str, groups: tuple[str, ...] | None, result: dict[str, Any]) -> str:
    """The result as a readable Chinese table per group, each ordered by rank (then file order)."""
    right = {0, 2, 3, 4, 5, 6}
    lines = [f"{title}（评分细则 {result['scheme']}）"]
    for group, rows in _groups(groups, result):
        widths = [max(_width(r[k]) for r in [HEADER, *rows]) for k in range(len(HEADER))]
        lines += ["", f"组别：{group}（{len(rows)} 个单位）", _row(HEADER, widths, right)]
        lines += [_row(r, widths, right) for r in rows]
    if not result["units"]:
        lines += ["", "（没有单位）"]
    return "\n".join(lines) + "\n"


def result_pdf(title: str, groups: tuple[str, ...] | None, result: dict[str, Any]) -> bytes:
    """The ranked result table per group as an A4 landscape PDF; PdfUnavailable where none can be made."""
    from qualitygov.core.io_pdf import PdfDocument

    doc = PdfDocument(landscape=True, table_size="10.5pt")
    doc.title(title + ("结果" if title.endswith("考核") else "考核结果"))  # not "…考核考核结果"
    doc.paragraph(f"评分细则 {result['scheme']}", style="centre")
    for group, rows in _groups(groups, result):
        doc.paragraph(f"组别：{group}（{len(rows)} 个单位）", style="h1")
        doc.table(HEADER, rows, widths=[6, 18, 8, 9, 8, 7, 8, 7, 9, 9, 16], numeric=(0, 2, 3, 4, 5, 6))
    if not result["units"]:
        doc.paragraph("（没有单位）", style="flush")
    return doc.pdf_bytes()
