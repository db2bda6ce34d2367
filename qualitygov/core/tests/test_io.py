"""The shared spreadsheet writer: values a spreadsheet program would run are kept as text; flags follow the language."""

from __future__ import annotations

import io

from django.utils import translation
from openpyxl import Workbook, load_workbook

from qualitygov.core.io import write_cell, xlsx_bytes


def cells(rows: list[list]) -> list[tuple]:
    data = xlsx_bytes([("表", ["值"], rows)])
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))


def test_formula_starts_stay_text_as_typed_including_after_tab_or_carriage_return():
    rows = [["=1+1"], ["+cmd"], ["-2"], ["@SUM(A1)"], ["\t=HYPERLINK(\"x\")"], ["\r=1"], ["普通文本"], [5], ["a\x00b"]]
    data = xlsx_bytes([("表", ["值"], rows)])
    ws = load_workbook(io.BytesIO(data)).active
    written = [(c.value, c.data_type, c.quotePrefix) for (c,) in ws.iter_rows(min_row=2)]
    assert written == [
        ("=1+1", "s", True), ("+cmd", "s", True), ("-2", "s", True), ("@SUM(A1)", "s", True),
        ("\t=HYPERLINK(\"x\")", "s", True), ("\r=1", "s", True), ("普通文本", "s", False), (5, "n", False),
        ("ab", "s", False),
    ]


def test_write_cell_on_an_ordinary_sheet_keeps_text():
    wb = Workbook()
    write_cell(wb.active, 1, 1, "=SUM(A2)")
    buffer = io.BytesIO()
    wb.save(buffer)
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=SUM(A2)", "s", True)


def test_true_and_false_follow_the_language():
    with translation.override("zh-hans"):
        assert cells([[True], [False]]) == [("是",), ("否",)]
    with translation.override("en"):
        assert cells([[True], [False]]) == [("Yes",), ("No",)]
