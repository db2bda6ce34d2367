"""`parse_corrections`: the one check of the review corrections, shared by the form and the service."""

from __future__ import annotations

import pytest

from qualitygov.planimport.corrections import CorrectionsError, merge_corrections, parse_corrections

CONTEXT = {"task_numbers": {"1", "2"}, "indicator_count": 3}


def test_values_are_normalised(db):
    parsed = parse_corrections({
        "title": "  新标题 ", "period": ["2023", 2027],
        "tasks": {"1": {"title": "任务一", "lead": ["区经信局", " ", ""], "co": [], "deadline": "2025-06-30"},
                  "2": {"deadline": ""}},
        "units": {"区发改局": {"new": "department"}, "各成员单位": {"members": 1}, "区商务局": {}},
        "merges": {"甲|乙": 0},
        "indicators": {"0": {"value": "8.50", "unit": "", "year": "2025", "delete": True}, "1": {"value": "17.0"}},
    }, **CONTEXT)
    assert parsed == {
        "title": "新标题", "period": [2023, 2027],
        "tasks": {"1": {"title": "任务一", "lead": ["区经信局"], "co": [], "deadline": "2025-06-30"},
                  "2": {"deadline": None}},
        "units": {"区发改局": {"new": "department"}, "各成员单位": {"members": True}, "区商务局": {}},
        "merges": {"甲|乙": False},
        "indicators": {"0": {"delete": True, "value": 8.5, "unit": None, "year": 2025}, "1": {"value": 17}},
    }


@pytest.mark.parametrize(("data", "message", "fields"), [
    ([], "更正内容的格式不正确。", {}),
    ({"tasks": ["1"]}, "更正内容的格式不正确。", {"tasks": ["更正内容的格式不正确。"]}),
    ({"tasks": {"1": "任务一"}}, "更正内容的格式不正确。", {"tasks.1": ["更正内容的格式不正确。"]}),
    ({"tasks": {"9": {}}}, "不存在任务 9。", {}),
    ({"indicators": {"3": {}}}, "不存在指标 3。", {}),
    ({"period": [2027]}, "实施期的起始年份不能晚于结束年份。", {"period": ["实施期无效。"]}),
    ({"tasks": {"1": {"lead": "区经信局"}}}, "单位列表无效。", {"tasks.1.lead": ["单位列表无效。"]}),
])
def test_a_bad_shape_or_value_is_refused_with_one_chinese_message(db, data, message, fields):
    with pytest.raises(CorrectionsError) as caught:
        parse_corrections(data, **CONTEXT)
    assert (caught.value.message, caught.value.fields) == (message, fields)


def test_merging_adds_fixes_up_and_an_empty_unit_choice_withdraws_one():
    current = {"tasks": {"1": {"title": "甲"}}, "units": {"区发改局": {"unit": 5}},
               "indicators": {"0": {"delete": True, "name": "指标"}}}
    new = {"tasks": {"1": {"deadline": None}}, "units": {"区发改局": {}}, "indicators": {"0": {"value": 3}},
           "title": "新标题"}
    assert merge_corrections(current, new) == {
        "tasks": {"1": {"title": "甲", "deadline": None}}, "units": {},
        "indicators": {"0": {"name": "指标", "value": 3}}, "title": "新标题"}
    assert current["units"] == {"区发改局": {"unit": 5}}  # not changed in place
