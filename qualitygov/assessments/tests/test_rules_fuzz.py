"""Property tests: the 评分细则 reader never fails except with RulesFileError, on random bytes and on
random workbooks; whatever it reads, problems are computed and a clean parse builds a valid scheme."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from qualitygov.assessments.engine.errors import AssessmentError
from qualitygov.assessments.engine.validate import validate_scheme
from qualitygov.assessments.rules_import import RulesFileError, build_document, parse_rules, row_problems

from .rules_tables import excel_rules, word_rules

fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = ["序号", "考核内容", "分值", "评分标准", "责任单位", "一级指标", "类别", "一、组织领导（20分）", "（一）",
         "1", "1.1", "2", "十五", "5分", "加分项", "一票否决", "最高加5分", "", " ", "=1+1", "3.5", "-2", "0"]
cell = st.one_of(st.sampled_from(WORDS), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=6), st.integers(-5, 50), st.floats(allow_nan=True),
                 st.none())


def _check(name: str, data: bytes) -> None:
    try:
        parsed = parse_rules(name, data)
    except RulesFileError as exc:
        assert exc.message
        return
    if not row_problems(parsed):
        try:
            validate_scheme(build_document(parsed, key="k", title="t"))
        except AssessmentError:
            pass  # e.g. nothing scored: the service refuses it with the engine's line


@fuzz
@given(st.binary(max_size=400), st.sampled_from(["a.xlsx", "a.docx"]))
def test_random_bytes_never_crash(data: bytes, name: str) -> None:
    _check(name, data)


@fuzz
@given(st.integers(0, len(excel_rules()) - 1), st.binary(min_size=1, max_size=8))
def test_damaged_real_files_never_crash(at: int, junk: bytes) -> None:
    for name, good in (("a.xlsx", excel_rules()), ("a.docx", word_rules())):
        position = at % len(good)
        _check(name, good[:position] + junk + good[position + len(junk):])


@fuzz
@given(st.lists(st.lists(cell, min_size=0, max_size=7), max_size=14),
       st.lists(st.tuples(st.integers(1, 14), st.integers(1, 7), st.integers(0, 3), st.integers(0, 2)), max_size=4))
def test_random_workbooks_never_crash(rows, merges) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "考核内容", "分值", "评分标准", "责任单位"])
    for row in rows:
        ws.append(row)
    for r, c, down, right in merges:
        try:
            ws.merge_cells(start_row=r + 1, start_column=c, end_row=r + 1 + down, end_column=c + right)
        except ValueError:
            pass
    buffer = io.BytesIO()
    wb.save(buffer)
    _check("a.xlsx", buffer.getvalue())
