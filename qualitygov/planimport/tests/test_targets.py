"""Targets in running prose, change targets, an annual plan's year and task deliverables (issue #14)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from qualitygov.planimport.importer.changes import baseline_year_at, change_comparator, is_task_deliverable
from qualitygov.planimport.importer.indicators import extract_indicators
from qualitygov.planimport.importer.parse import SCHEMA_VERSION, parse_plan

SCHEMA = json.loads((Path(__file__).parents[1] / "importer" / "plan.schema.json").read_text(encoding="utf-8"))
KEYS = ("name", "comparator", "value", "unit", "year", "baseline_year")


def _goals(text: str, **kwargs) -> list[tuple]:
    found, _year = extract_indicators(text, scope="goals", **kwargs)
    return [tuple(i[k] for k in KEYS) for i in found]


def _task(text: str, **kwargs) -> list[tuple]:
    found, _year = extract_indicators(text, scope="task", task="1", **kwargs)
    return [tuple(i[k] for k in KEYS) for i in found]


def test_prose_paragraph_under_a_lead_in_with_the_year_once() -> None:
    text = ("到2025年，质量强省建设取得明显成效。\n——产业质量竞争力持续增强。规上工业增加值占GDP比重达30%，"
            "战略性新兴产业增加值占规上工业比重提高到45%，品牌产品销售占比达到60%左右，接近全国平均水平，"
            "高标准农田累计建成1800万亩以上，服务质量明显提高。")
    assert _goals(text) == [
        ("规上工业增加值占GDP比重", "=", 30, "%", 2025, None),
        ("战略性新兴产业增加值占规上工业比重", "=", 45, "%", 2025, None),
        ("品牌产品销售占比", "about", 60, "%", 2025, None),
        ("高标准农田", ">=", 1800, "万亩", 2025, None),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("到2025年，单位GDP能耗较2020年下降14%。", ("单位GDP能耗", "decrease_by", 14, "%", 2025, 2020)),
    ("到2025年，研发投入强度比2020年提高0.6个百分点。", ("研发投入强度", "increase_pp", 0.6, "个百分点", 2025, 2020)),
    ("到2027年，不合格发现率下降2个百分点。", ("不合格发现率", "decrease_pp", 2, "个百分点", 2027, None)),
    ("到2025年，数字经济核心产业增加值年均增长10%左右。", ("数字经济核心产业增加值", "annual_growth", 10, "%", 2025, None)),
    ("到2025年，万元产值能耗年均下降3%。", ("万元产值能耗", "annual_decline", 3, "%", 2025, None)),
    ("到2025年，全员劳动生产率相比2020年增长30%以上。", ("全员劳动生产率", "increase_by", 30, "%", 2025, 2020)),
    ("到2025年，企业标准公开数较上年增长10%。", ("企业标准公开数", "increase_by", 10, "%", 2025, 2024)),
    ("到2025年，空气质量优良天数比例提高到92%。", ("空气质量优良天数比例", "=", 92, "%", 2025, None)),
    ("到2025年，单位GDP能耗降低到0.4吨标准煤。", ("单位GDP能耗", "<=", 0.4, "吨标准煤", 2025, None)),
])
def test_change_targets_have_a_change_comparator_and_baseline_year(text: str, expected: tuple) -> None:
    assert _goals(text) == [expected]


def test_annual_plan_year_applies_where_none_is_stated() -> None:
    text = "制造业产品质量合格率达到92%以上，规上工业增加值增长6%左右，到2015年底服务质量满意度达到80分。"
    assert _goals(text, default_year=2014) == [
        ("制造业产品质量合格率", ">=", 92, "%", 2014, None),
        ("规上工业增加值", "increase_by", 6, "%", 2014, 2013),
        ("服务质量满意度", "=", 80, "分", 2015, None),
    ]
    assert _task("住宅工程质量分户验收率达到100%。", default_year=2014) == [("住宅工程质量分户验收率", "=", 100, "%", 2014, None)]
    assert _task("住宅工程质量分户验收率达到100%。") == [("住宅工程质量分户验收率", "=", 100, "%", None, None)]


def test_annual_plan_parse_sets_year_on_goals_and_tasks() -> None:
    text = ("2014年澄湖市质量强市建设行动计划\n一、主要目标\n制造业产品质量合格率达到92%以上，主要农产品质量安全监测合格率达到96%以上。\n"
            "二、重点任务\n（一）加强工程质量管理。住宅工程质量分户验收率达到100%。（市住建委负责）\n")
    plan = parse_plan(text)
    assert plan["period"] == [2014, 2014]
    assert [(i["name"], i["year"]) for i in plan["indicators"]] == [
        ("制造业产品质量合格率", 2014), ("主要农产品质量安全监测合格率", 2014), ("住宅工程质量分户验收率", 2014)]


def test_multi_year_plan_keeps_null_year_when_none_is_stated() -> None:
    text = ("澄山县质量强县建设实施方案（2023—2025年）\n一、工作目标\n制造业产品质量合格率达到95%以上。\n"
            "二、重点任务\n（一）加强工程质量管理。住宅工程质量分户验收率达到100%。（县住建局负责）\n")
    assert [i["year"] for i in parse_plan(text)["indicators"]] == [None, None]


@pytest.mark.parametrize("text", [
    "培育3个以上国家级质量标杆企业。",
    "新增省级专精特新企业5家。",
    "全年新制修订团体标准3项以上。",
    "开展食品安全监督抽检不少于1200批次。",
    "建成省级以上质检中心25家左右。",
])
def test_task_deliverable_counts_are_not_indicators(text: str) -> None:
    assert _task(text) == []


def test_task_rates_and_goal_counts_stay_indicators() -> None:
    assert _task("新增省级品牌企业5家，市场主体满意度达到90%以上。") == [("市场主体满意度", ">=", 90, "%", None, None)]
    assert _goals("到2025年，市级以上品牌企业累计达到200家，建成5个质量卓越产业集群。") == [
        ("市级以上品牌企业", "=", 200, "家", 2025, None), ("质量卓越产业集群", "=", 5, "个", 2025, None)]


def test_change_helpers() -> None:
    assert change_comparator("下降", "单位GDP能耗", "%") == ("decrease_by", "单位GDP能耗")
    assert change_comparator("提高", "比重", "个百分点") == ("increase_pp", "比重")
    assert change_comparator("增长", "增加值年均", "%") == ("annual_growth", "增加值")
    assert change_comparator("提高到", "比重", "%") is None
    assert change_comparator(None, "比重", "%") is None
    assert baseline_year_at("单位GDP能耗较2020年", 2025) == 2020
    assert baseline_year_at("公开数较上年", 2025) == 2024
    assert baseline_year_at("公开数较上年", None) is None
    assert baseline_year_at("单位GDP能耗", 2025) is None
    assert is_task_deliverable("新增省级品牌企业", "家") is True
    assert is_task_deliverable("新增省级品牌企业", "%") is False
    assert is_task_deliverable("市场主体满意度", "个") is False


def test_schema_1_1_accepts_change_targets_and_1_0_documents() -> None:
    plan = parse_plan("澄山县质量强县建设实施方案（2023—2025年）\n一、工作目标\n到2025年，单位工业增加值能耗较2020年下降13%。\n"
                      "二、重点任务\n（一）加强工程质量管理。住宅工程质量分户验收率达到100%。（县住建局负责）\n")
    assert plan["schema_version"] == SCHEMA_VERSION == "1.1"
    assert plan["indicators"][0]["comparator"] == "decrease_by"
    validator = jsonschema.Draft202012Validator(SCHEMA)
    validator.validate(plan)
    old = json.loads(json.dumps(plan))
    del old["schema_version"]
    for indicator in old["indicators"]:
        del indicator["baseline_year"]
    old["indicators"][0]["comparator"] = "="
    validator.validate(old)  # a 1.0 document (no version, no baseline_year) is still valid
    old["schema_version"] = "0.9"
    assert not validator.is_valid(old)


@pytest.mark.parametrize(("text", "expected"), [
    ("到2025年，与2020年相比，单位GDP能耗和用水量分别下降14%和16%。",
     [("单位GDP能耗", "decrease_by", 14, "%", 2025, 2020), ("用水量", "decrease_by", 16, "%", 2025, 2020)]),
    ("到2025年，单位GDP能耗和二氧化碳排放分别较2020年下降14%和18%。",
     [("单位GDP能耗", "decrease_by", 14, "%", 2025, 2020), ("二氧化碳排放", "decrease_by", 18, "%", 2025, 2020)]),
    ("到2025年，研发投入强度和专利密集度分别提高0.5和1个百分点。",
     [("研发投入强度", "increase_pp", 0.5, "个百分点", 2025, None), ("专利密集度", "increase_pp", 1, "个百分点", 2025, None)]),
    ("到2025年，品牌企业和专精特新企业分别达到50家和30家以上。",
     [("品牌企业", ">=", 50, "家", 2025, None), ("专精特新企业", ">=", 30, "家", 2025, None)]),
    ("到2025年，与2020年相比，单位GDP能耗下降14%。", [("单位GDP能耗", "decrease_by", 14, "%", 2025, 2020)]),
])
def test_shared_and_leading_baselines(text: str, expected: list[tuple]) -> None:
    assert _goals(text) == expected


def test_concentration_units_and_a_level_reached_by_falling() -> None:
    assert _goals("到2025年，PM2.5平均浓度下降到30微克/立方米，空气优良天数比率提高1.5个百分点以上。") == [
        ("PM2.5平均浓度", "<=", 30, "微克/立方米", 2025, None),
        ("空气优良天数比率", "increase_pp", 1.5, "个百分点", 2025, None),
    ]
