"""Every class of bad scheme or units data ends in AssessmentError with one exact Chinese line."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest

from qualitygov.assessments.engine import AssessmentError, validate_scheme, validate_units
from qualitygov.assessments.engine.io import parse_json
from qualitygov.assessments.engine.result import result_document

from .shared import FIXTURES

SCHEME = json.loads((FIXTURES / "example-scheme.json").read_text(encoding="utf-8"))
UNITS = json.loads((FIXTURES / "example-units.json").read_text(encoding="utf-8"))


def _a2(d: dict) -> dict:
    return d["sections"][0]["items"][1]


def _unit(d: dict) -> dict:
    return d["units"][0]


def _scheme_error(change: Callable[[dict], object]) -> str:
    data = copy.deepcopy(SCHEME)
    change(data)
    with pytest.raises(AssessmentError) as caught:
        validate_scheme(parse_json(json.dumps(data)))
    return caught.value.message


def _units_error(change: Callable[[dict], object], scheme_change: Callable[[dict], object] = lambda d: None) -> str:
    scheme_data, units_data = copy.deepcopy(SCHEME), copy.deepcopy(UNITS)
    scheme_change(scheme_data)
    change(units_data)
    scheme = validate_scheme(parse_json(json.dumps(scheme_data)))
    with pytest.raises(AssessmentError) as caught:
        result_document(scheme, validate_units(scheme, parse_json(json.dumps(units_data))))
    return caught.value.message


METHODS = "judged、binary、graded、per_missing、ratio、rate_bands、event_deductions、indicator_shortfall、share_indicators"

SCHEME_CASES = [
    ("missing top-level key", lambda d: d.pop("id"), "评分细则缺少必填项 id"),
    ("id of the wrong type", lambda d: d.update(id=[]), "评分细则中 id 应为文本"),
    ("unknown method", lambda d: _a2(d).update(method="weighted"),
     f"评分细则中节点“A2”的 method 取值“weighted”无效，应为 {METHODS} 之一"),
    ("unknown method deep in the tree",
     lambda d: d["sections"][0]["items"].append(
         {"code": "A9", "title": "x", "items": [{"code": "A9a", "title": "y", "max": 1, "method": "nope"}]}),
     f"评分细则中节点“A9a”的 method 取值“nope”无效，应为 {METHODS} 之一"),
    ("wrong type", lambda d: _a2(d).update(max="4"), "评分细则中节点“A2”的 max 应为数字"),
    ("leaf without max", lambda d: _a2(d).pop("max"), "评分细则中节点“A2”缺少必填项 max"),
    ("group and leaf at once", lambda d: _a2(d).update(items=[]),
     "评分细则中节点“A2”不能同时含 items（分组）和 method（评分项）"),
    ("duplicate code", lambda d: d["sections"][1]["items"][0].update(code="A2"),
     "节点代码“A2”重复（sections[0].items[1] 与 sections[1].items[0]）"),
    ("grades not highest first", lambda d: d["grades"][1].update(min=95),
     "等次应从高到低排列：“良好”的 min（95）不低于上一等次“优秀”的 min"),
    ("null grade not last", lambda d: d["grades"][1].update(min=None), "等次“良好”的 min 为 null，只能是最后一个等次"),
    ("no catch-all grade", lambda d: d["grades"][3].update(min=10),
     "最后一个等次“不合格”的 min 应为 null 或不大于 0，否则低分单位没有等次"),
    ("duplicate grade", lambda d: d["grades"][1].update(grade="优秀"), "等次“优秀”重复"),
    ("veto naming an unknown grade", lambda d: d["vetoes"][0]["effect"].update(force_grade="差"),
     "否决项“V1”：force_grade“差”不是评分细则中的等次"),
    ("grade cap naming an unknown grade", lambda d: d["grade_caps"][0]["effect"].update(max_grade="差"),
     "等次上限“C1”：max_grade“差”不是评分细则中的等次"),
    ("follow-up naming an unknown grade", lambda d: d["follow_up"].update(grades=["差"]),
     "follow_up.grades：“差”不是评分细则中的等次"),
    ("condition outside the grammar", lambda d: d["grade_caps"][0].update(when="C1.counts.item_red > 3"),
     "评分细则中等次上限“C1”的 when 条件“C1.counts.item_red > 3”无法解析，应为“评分项代码.counts.事件 >= 整数”"),
    ("condition naming an unknown leaf", lambda d: d["grade_caps"][0].update(when="Q1.counts.item_red >= 3"),
     "等次上限“C1”：条件引用的评分项“Q1”不存在"),
    ("condition on a leaf without counts", lambda d: d["grade_caps"][0].update(when="C2.counts.item_red >= 3"),
     "等次上限“C1”：条件引用的评分项“C2”不是 event_deductions 方法"),
    ("condition naming an unknown event", lambda d: d["grade_caps"][0].update(when="C1.counts.foo >= 3"),
     "等次上限“C1”：条件引用的事件“foo”不在评分项“C1”的 params.events 中"),
    ("params missing", lambda d: _a2(d).pop("params"), "评分项“A2”（graded）：params.options 应为非空对象（选项 → 分值）"),
    ("bands not highest first", lambda d: d["sections"][2]["items"][2]["params"]["bands"].reverse(),
     "评分项“C3”（rate_bands）：params.bands 应按 min 从高到低排列（第 2 项的 min 不低于上一项）"),
    ("step not positive", lambda d: d["sections"][1]["items"][1]["params"].update(step=0),
     "评分项“B2”（indicator_shortfall）：params.step 应大于 0"),
    ("required param missing", lambda d: d["sections"][1]["items"][1]["params"].pop("target"),
     "评分项“B2”（indicator_shortfall）：缺少参数 params.target"),
    ("applies_to an unknown group", lambda d: _a2(d).update(applies_to=["village"]),
     "评分项“A2”：applies_to 中的组别“village”不在评分细则的 groups 中"),
    ("leaf max not positive", lambda d: _a2(d).update(max=0), "评分项“A2”的 max 应大于 0"),
    ("max_total not positive", lambda d: d.update(max_total=0), "评分细则的 max_total 应大于 0"),
    ("negative bonus", lambda d: d["bonus"]["items"]["award_city"].update(points=-1), "加分项“award_city”的 points 不能为负数"),
    ("bonus item of the wrong type", lambda d: d["bonus"]["items"].update(x=3), "评分细则中加分项“x”应为对象"),
    ("number out of range", lambda d: _a2(d).update(max=10**13), "评分项“A2”的 max 超出允许范围（绝对值不大于 10^12）"),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in SCHEME_CASES], ids=[c[0] for c in SCHEME_CASES])
def test_bad_scheme(change, message):
    assert _scheme_error(change) == message


def _about_without_band(d: dict) -> None:
    d["sections"][1]["items"][0]["params"].pop("about_band_pct")


UNITS_CASES = [
    ("another scheme", lambda d: d.update(scheme="x"), "考核数据属于评分细则“x”，与所给评分细则“example-town-annual”不符"),
    ("impossible date", lambda d: d.update(bulletin_date="2026-02-30"), "考核数据的 bulletin_date“2026-02-30”不是有效日期"),
    ("date format", lambda d: d.update(bulletin_date="2026/02/03"),
     "考核数据中 bulletin_date “2026/02/03”应为 YYYY-MM-DD 格式的日期"),
    ("input not an object", lambda d: _unit(d)["inputs"].update(A1=3), "考核数据中单位“甲镇”的 inputs.A1 应为对象"),
    ("unit without inputs", lambda d: _unit(d).pop("inputs"), "考核数据中单位“甲镇”缺少必填项 inputs"),
    ("duplicate unit", lambda d: d["units"].append(d["units"][0]), "单位“甲镇”重复"),
    ("unknown group", lambda d: _unit(d).update(group="village"), "单位“甲镇”：组别“village”不在评分细则的 groups 中"),
    ("a line break in a name stays on one line", lambda d: _unit(d).update(group="镇\n街"),
     "单位“甲镇”：组别“镇\\n街”不在评分细则的 groups 中"),
    ("input for an unknown leaf", lambda d: _unit(d)["inputs"].update(Z9={}), "单位“甲镇”：评分项“Z9”不存在"),
    ("input for a group node", lambda d: _unit(d)["inputs"].update(A={}), "单位“甲镇”：“A”是分组，只能为评分项填写考核数据"),
    ("missing input", lambda d: _unit(d)["inputs"].pop("A2"), "单位“甲镇”：缺少评分项“A2”的考核数据"),
    ("count for an unknown event", lambda d: _unit(d)["inputs"]["C1"]["counts"].update(foo=1),
     "单位“甲镇”：评分项“C1”（event_deductions）：事件“foo”不在 params.events 中"),
    ("negative count", lambda d: _unit(d)["inputs"]["C1"]["counts"].update(item_late=-1),
     "单位“甲镇”：评分项“C1”（event_deductions）：事件“item_late”的次数应为非负整数"),
    ("count for an unknown bonus item", lambda d: _unit(d)["bonus"].update(foo=1), "单位“甲镇”：加分项“foo”不存在"),
    ("unknown veto", lambda d: _unit(d)["vetoes"].update(V9=True), "单位“甲镇”：否决项“V9”不存在"),
    ("unknown option", lambda d: _unit(d)["inputs"]["A2"].update(option="x"),
     "单位“甲镇”：评分项“A2”（graded）：选项“x”不在 params.options 中（可选：approved、draft、none）"),
    ("score not a number", lambda d: _unit(d)["inputs"]["D1"].update(score="9"),
     "单位“甲镇”：评分项“D1”（judged）：score 应为数字"),
    ("done not a boolean", lambda d: _unit(d)["inputs"]["A1"].update(done=1),
     "单位“甲镇”：评分项“A1”（binary）：done 应为 true 或 false"),
    ("na not a boolean", lambda d: _unit(d)["inputs"]["A1"].update(na="yes"), "单位“甲镇”：评分项“A1”的 na 应为 true 或 false"),
    ("negative ratio", lambda d: _unit(d)["inputs"]["C2"].update(num=-1), "单位“甲镇”：评分项“C2”（ratio）：num 和 den 不能为负数"),
    ("unknown comparator", lambda d: _unit(d)["inputs"]["B1"]["indicators"][0].update(comparator=">"),
     "单位“甲镇”：评分项“B1”（share_indicators）：第 1 个指标的 comparator 应为 >=、<=、= 或 about"),
    ("missing value", lambda d: _unit(d)["inputs"]["B2"].pop("value"), "单位“甲镇”：评分项“B2”（indicator_shortfall）：缺少 value"),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in UNITS_CASES], ids=[c[0] for c in UNITS_CASES])
def test_bad_units(change, message):
    assert _units_error(change) == message


def test_about_indicator_without_a_band_in_the_scheme():
    assert _units_error(lambda d: None, _about_without_band) == (
        "单位“甲镇”：评分项“B1”（share_indicators）：第 2 个指标为 about，但评分细则未设置 params.about_band_pct")


@pytest.mark.parametrize(("text", "message"), [
    ("{", "不是有效的 JSON（第 1 行第 2 列）"),
    ('{"max_total": NaN}', "不是有效的 JSON（含 NaN、Infinity、过大的数字或嵌套过深）"),
])
def test_not_json(text, message):
    with pytest.raises(AssessmentError) as caught:
        parse_json(text)
    assert caught.value.message == message


def test_a_document_that_is_not_an_object():
    with pytest.raises(AssessmentError) as caught:
        validate_scheme([])
    assert caught.value.message == "评分细则应为对象"
    scheme = validate_scheme(parse_json(json.dumps(SCHEME)))
    with pytest.raises(AssessmentError) as caught:
        validate_units(scheme, "units")
    assert caught.value.message == "考核数据应为对象"
