"""The 工作要点 parser never crashes: any bytes under any supported name give key points or WorkPlanParseError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitygov.workplans.importer import (
    ParsedWorkPlan,
    WorkPlanParseError,
    parse_deadline,
    parse_work_plan,
    split_units,
)

PIECES = st.sampled_from(["1. ", "（牵头单位：", "区经信局", "；配合单位：", "、", "完成时限：", "2026年", "6月底前", "）", "\n",
                          "一、", "工作要点", "\t", "年底前", "第三季度", "（", "13月", "2月30日", "：", " "])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES | st.text(max_size=8), max_size=40), st.sampled_from(["a.txt", "a.docx", "a.xlsx", "a.doc"]))
def test_parser_never_crashes(parts, name):
    try:
        parsed = parse_work_plan("".join(parts).encode("utf-8", "replace"), name, year=2026)
    except WorkPlanParseError as exc:
        assert exc.message
    else:
        assert isinstance(parsed, ParsedWorkPlan) and parsed.points


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.none() | st.integers(min_value=1900, max_value=2100))
def test_deadline_and_units_never_crash(text, year):
    date, _written = parse_deadline(text, year)
    assert date is None or 1900 <= date.year <= 9999
    assert all(name for name in split_units(text))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["a.txt", "a.docx", "a.xlsx"]))
def test_random_bytes(data, name):
    try:
        parse_work_plan(data, name)
    except WorkPlanParseError:
        pass
