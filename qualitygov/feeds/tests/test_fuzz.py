"""The reader never raises on what a file holds: arbitrary bytes, arbitrary cells, arbitrary CSV text."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitygov.feeds.mappings import SOURCE_KEYS, get_mapping
from qualitygov.feeds.reader import read_feed
from qualitygov.feeds.sheets import csv_bytes, xlsx_bytes

from . import fixtures

CELLS = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.integers(-10**15, 10**15),
                  st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                  st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
                  st.sampled_from(["合计", "小计", "沈家门街道", "98.5%", "1,234", "－", "2026年1月", "Ⅲ", "劣Ⅴ类",
                                   "不合格", "注：", "镇街", "受理量", "2026-02-30"]))
HEADERS = ["镇街", "类别", "受理量", "按时办结率", "抽样单编号", "抽检类别", "所在镇街", "抽样日期", "检验结论",
           "日期", "AQI", "断面名称", "水质类别", "月份", "计划抽查户数"]


def _never_raises(data: bytes, name: str) -> None:
    for key in SOURCE_KEYS:
        result = read_feed(data, name, get_mapping(key), resolve_town=lambda text: (None, f"镇街“{text[:30]}”未知"))
        for error in result.errors:
            assert isinstance(error.message, str) and error.message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["x.xlsx", "x.csv"]))
def test_arbitrary_bytes(data, name):
    _never_raises(data, name)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, max_size=8), max_size=12))
def test_arbitrary_cells_under_a_real_header(rows):
    safe = [[v for v in row] for row in rows]
    data = xlsx_bytes([["2026年1月"], HEADERS[:8], *safe])
    _never_raises(data, "x.xlsx")
    text_rows = [["" if v is None else str(v) for v in row] for row in rows]
    _never_raises(csv_bytes([HEADERS, *text_rows], encoding="gb18030"), "x.csv")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 4000), st.binary(min_size=1, max_size=8))
def test_damaged_real_file(at, patch):
    data = bytearray(fixtures.c12315_xlsx())
    at = at % len(data)
    data[at:at + len(patch)] = patch
    _never_raises(bytes(data), "x.xlsx")
