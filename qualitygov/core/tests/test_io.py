"""The shared spreadsheet writer: values a spreadsheet program would run are kept as text; flags follow the language."""

from __future__ import annotations

import io

from django.utils import translation
from openpyxl import load_workbook

from qualitygov.core.io import xlsx_bytes


def cells(rows: list[list]) -> list[tuple]:
    data = xlsx_bytes([("表", ["值"], rows)])
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))


def test_formula_starts_are_quoted_including_after_tab_or_carriage_return():
    rows = [["=1+1"], ["+cmd"], ["-2"], ["@SUM(A1)"], ["\t=HYPERLINK(\"x\")"], ["\r=1"], ["普通文本"], [5]]
    assert cells(rows) == [
        ("'=1+1",), ("'+cmd",), ("'-2",), ("'@SUM(A1)",), ("'\t=HYPERLINK(\"x\")",), ("'\r=1",), ("普通文本",), (5,),
    ]


def test_true_and_false_follow_the_language():
    with translation.override("zh-hans"):
        assert cells([[True], [False]]) == [("是",), ("否",)]
    with translation.override("en"):
        assert cells([[True], [False]]) == [("Yes",), ("No",)]
