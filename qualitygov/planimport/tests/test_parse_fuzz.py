"""Property tests: cleanup and parse never raise on arbitrary text; cleanup is idempotent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitygov.planimport.importer.cleanup import clean_text
from qualitygov.planimport.importer.errors import PlanParseError
from qualitygov.planimport.importer.parse import parse_plan
from qualitygov.plans.demo import SEED as SEED_FILE

SEED = SEED_FILE.read_text(encoding="utf-8")
SEED_LINES = SEED.split("\n")

# Fragments that exercise the cleanup rules, mixed with arbitrary characters.
FRAGMENTS = [
    "發(fā)", "的(de)", "一(yī)、", "（一(yī)）", "(VOCs)", "(", ")", "（", "）", "?", " ", "\n", "\u3000", "\xa0",
    "日本网址在线观看", "日韩视频", "国产精品", "打印此页", "关闭窗口", "浏览次数:", "信息来源:", "索引号 ",
    "责任部门:", "（责任部门：区经信局负责", "区经信局负责）", ")增强发展动能", "(2023—2027年", "2023- 12- 11",
    "达到95%以上", "17%左右", "不少于2.8人", "到2025年，", "一、", "二、主要任务", "1.", "。", "，", ",", ":",
    "\ufffd", "cái)", "_(dá)", "中共某县委 某县人民政府", "|", "[ 文 号 ]", "•", "——",
]
texty = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join)
seed_slices = st.tuples(st.integers(0, len(SEED_LINES)), st.integers(0, 60)).map(
    lambda t: "\n".join(SEED_LINES[t[0]: t[0] + t[1]])
)
fuzz = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fuzz
@given(st.one_of(texty, st.text(max_size=200), seed_slices))
def test_cleanup_never_raises_and_is_idempotent(text: str) -> None:
    first = clean_text(text)
    assert clean_text(first.text).text == first.text


@fuzz
@given(st.one_of(texty, st.text(max_size=200), seed_slices))
def test_parse_never_raises_other_errors(text: str) -> None:
    try:
        plan = parse_plan(text)
    except PlanParseError:
        return
    assert isinstance(plan["tasks"], list)
