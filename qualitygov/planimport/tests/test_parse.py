"""Parse of the seed plan (exact expected output) and of small hand-written plans."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from qualitygov.planimport.importer.departments import parse_note, same_body, suggest_aliases
from qualitygov.planimport.importer.errors import PlanParseError
from qualitygov.planimport.importer.parse import parse_plan
from qualitygov.plans.demo import SEED as SEED_FILE

HERE = Path(__file__).parent
SEED = SEED_FILE
SCHEMA = json.loads((HERE.parent / "importer" / "plan.schema.json").read_text(encoding="utf-8"))

TASKS = [
    ('1', '坚持质量发展创新驱动', '一', ['区发改局', '区经信局', '区市场监管分局']),
    ('2', '树立质量发展绿色导向', '一', ['区发改局', '区经信局', '区住建局', '区交通运输局', '区农业农村局', '区资规分局', '区市场监管分局', '区生态环境分局', '区港航分中心']),
    ('3', '强化质量发展惠民共享', '一', ['区经信局', '区商务局', '区市场监管分局']),
    ('4', '打造优势产业集群', '二', ['区发改局', '区经信局', '区市场监管分局']),
    ('5', '推进产业基础高级化', '二', ['区经信局', '区市场监管分局']),
    ('6', '提升产业质量竞争力', '二', ['区发改局', '区经信局', '区市场监管分局']),
    ('7', '培育区域质量发展新优势', '二', ['区发改局', '区经信局', '区市场监管分局']),
    ('8', '全面提升产品质量', '三', ['区经信局', '区农业农村局', '区海洋与渔业局', '区市场监管分局']),
    ('9', '全面提升工程质量', '三', ['区住建局', '区交通运输局', '区农业农村局', '区港航分中心']),
    ('10', '全面提升服务质量', '三', ['区发改局', '区教育局', '区民政局', '区文广旅体局', '区卫健局']),
    ('11', '全面提升环境质量', '三', ['区住建局', '区综合行政执法局', '区生态环境分局', '区资源规划分局', '区港航分中心', '沈家门海事处']),
    ('12', '强化质量技术创新应用', '四', ['区经信局', '区市场监管分局']),
    ('13', '加强全面质量管理', '四', ['区经信局', '区市场监管分局']),
    ('14', '争创国内国际知名品牌', '四', ['区经信局', '区公安分局', '区商务局', '区市场监管分局']),
    ('15', '健全质量基础设施发展体制机制', '五', ['区经信局', '区市场监管分局']),
    ('16', '提高质量基础设施服务效能', '五', ['区经信局', '区市场监管分局']),
    ('17', '深化质量法治体系建设', '六', ['区人民法院', '区人民检察院', '区公安分局', '区司法局', '区市场监管分局']),
    ('18', '健全质量政策制度', '六', ['区财政局', '区人力社保局', '区市场监管分局']),
    ('19', '创新质量数字治理', '六', ['区经信局', '区市场监管分局']),
    ('20', '推动质量社会共治', '六', ['质量强区各成员单位']),
]
INDICATORS = [
    ('goals', None, '规上工业增加值占全区生产总值比重', 'about', 17, '%', 2025),
    ('goals', None, '规上制造业全员劳动生产率', '=', 23, '万元/人', 2025),
    ('goals', None, '规上制造业企业研发经费占营业收入比重', '=', 1.75, '%', 2025),
    ('goals', None, '高新技术产业增加值占规上工业增加值比重', '=', 25, '%', 2025),
    ('goals', None, '每万人口高价值发明专利拥有量', '=', 11.8, '件', 2025),
    ('goals', None, '农产品质量安全例行监测合格率', '>=', 98, '%', 2025),
    ('goals', None, '食品安全评价性抽检合格率', '>=', 99, '%', 2025),
    ('goals', None, '基本药物、集采品种抽检合格率', '>=', 99.5, '%', 2025),
    ('goals', None, '制造业产品质量合格率', '>=', 94, '%', 2025),
    ('goals', None, '工程质量一次交验合格率', '=', 100, '%', 2025),
    ('goals', None, '服务质量满意度', '>=', 85, '分', 2025),
    ('goals', None, '城市空气质量优良天数比例', '>=', 97, '%', 2025),
    ('goals', None, '地表水省控…到或优于Ⅲ类水质比例', '=', 95, '%', 2025),
    ('goals', None, '规上制造业品牌销售占比', '>=', 60, '%', 2025),
    ('task', '5', '规上工业企业研发活动覆盖率', '>=', 65, '%', None),
    ('task', '10', '智慧校园覆盖率', '=', 80, '%', 2025),
    ('task', '10', '人均体育场地面', '=', 3.0, '平方米', None),
    ('task', '10', '每千人拥有社会体育指导员', '>=', 2.8, '人', None),
]

GROUPS = [
    ("一", "增强发展动能，推动经济质量效益型发展"),
    ("二", "构筑发展新优势，增强产业质量竞争力"),
    ("三", "深入实施质量提升行动，全面优化质量供给"),
    ("四", "发挥企业主体作用，提升企业质量和品牌发展竞争力"),
    ("五", "建设高能级质量基础设施，增强质量技术支撑能力"),
    ("六", "强化数字化改革牵引，推进质量治理现代化先行"),
]


@pytest.fixture(scope="module")
def plan() -> dict:
    return parse_plan(SEED.read_text(encoding="utf-8"))


def test_seed_is_valid_against_schema(plan: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(plan)


def test_seed_header(plan: dict) -> None:
    assert plan["title"] == "普陀区深入贯彻落实《质量强国建设纲要》加快建设质量强区的实施方案（2023—2027年）"
    assert plan["issuer"] == "舟山市普陀区质量强区工作领导小组"
    assert plan["doc_number"] == "普质强区发〔2023〕1号"
    assert plan["issued_on"] == "2023-12-15"
    assert plan["period"] == [2023, 2027]


def test_seed_sections(plan: dict) -> None:
    assert [(s["number"], s["title"]) for s in plan["sections"]] == [("一", "总体要求"), ("二", "主要任务"), ("三", "实施保障")]
    assert [(s["number"], s["title"]) for s in plan["sections"][0]["subsections"]] == [("一", "指导思想"), ("二", "主要目标")]
    assert [(s["number"], s["title"]) for s in plan["sections"][1]["subsections"]] == GROUPS
    assert [s["title"] for s in plan["sections"][2]["subsections"]] == ["加强组织领导", "狠抓工作落实", "完善宣传机制", "加强考核评价"]


def test_seed_tasks(plan: dict) -> None:
    got = [(t["number"], t["title"], t["group"]["number"], t["lead_departments"]) for t in plan["tasks"]]
    assert got == TASKS
    assert all(t["all_towns"] for t in plan["tasks"])
    assert all(t["co_departments"] == [] for t in plan["tasks"])
    groups = {t["group"]["number"]: t["group"]["title"] for t in plan["tasks"]}
    assert sorted(groups.items()) == sorted(GROUPS)


def test_seed_task_text_has_no_department_note(plan: dict) -> None:
    first = plan["tasks"][0]
    assert first["text"].startswith("坚持质量发展创新驱动。大力实施数字经济“一号发展工程”")
    assert first["text"].endswith("形成知识产权创造、运用、保护、管理和服务全链条。")
    assert not any("责任部门" in t["text"] for t in plan["tasks"])


def test_seed_indicators(plan: dict) -> None:
    got = [(i["scope"], i["task"], i["name"], i["comparator"], i["value"], i["unit"], i["year"]) for i in plan["indicators"]]
    assert got == INDICATORS
    sources = {i["name"]: i["source"] for i in plan["indicators"]}
    assert sources["规上工业增加值占全区生产总值比重"] == "规上工业增加值占全区生产总值比重17%左右"
    assert sources["人均体育场地面"] == "全区人均体育场地面达到3.0平方米"


def test_seed_departments_and_aliases(plan: dict) -> None:
    aliases = {d["name"]: d["aliases"] for d in plan["departments"]}
    assert len(aliases) == 25
    assert aliases["区资规分局"] == ["区资源规划分局"]
    assert aliases["区资源规划分局"] == ["区资规分局"]
    assert sum(1 for a in aliases.values() if a) == 2
    assert aliases["质量强区各成员单位"] == []


def test_seed_output_is_clean(plan: dict) -> None:
    dumped = json.dumps({k: v for k, v in plan.items() if k not in ("cleanup", "warnings")}, ensure_ascii=False)
    for junk in ("(fā)", "(de)", "區", "發", "質", "日本网址", "打印此页", "浏览次数", "索引号"):
        assert junk not in dumped
    assert plan["warnings"] == [
        "疑似乱码（拼音残留，原字可能丢失）：地表水省控?cái)嗝孢_(dá，请核对原文",
        "疑似乱码（拼音残留，原字可能丢失）：ái)嗝孢_(dá)到或优于Ⅲ类，请核对原文",
        "指标“地表水省控…到或优于Ⅲ类水质比例”的名称含无法识别的乱码“？嗝孢_”，已删去；"
        "原句：地表水省控？嗝孢_到或优于Ⅲ类水质比例达到95%，请在导入审核时补全",
    ]
    for indicator in plan["indicators"]:
        assert not any(c in indicator["name"] for c in "?？_\ufffd"), indicator["name"]


# --- small plans -------------------------------------------------------------------------------

SMALL = """某市人民政府关于印发某市质量强市建设实施方案的通知
某政发〔2024〕3号
各区县人民政府：
现将《某市质量强市建设实施方案》印发给你们，请认真贯彻执行。
某市人民政府
2024年3月1日
某市质量强市建设实施方案
一、总体要求
（一）主要目标。到2025年，制造业产品质量合格率稳定在95%以上，PM2.5浓度控制在30微克以内，亿元GDP事故率不超过0.5，培育省级品牌10个。15分钟便民生活圈全覆盖。
到2027年，服务质量满意度达到85分左右，企业数字化改造覆盖率达 %。
二、重点任务
（一）提升产品质量
1.实施质量提升行动。到2026年，规上企业标准化覆盖率达到90%。（牵头单位：市市场监管局；配合单位：市经信局、市商务局等）
2.加强质量基础。建设10分钟检测服务圈。（市发改局牵头，市科技局配合）
（二）提升工程质量
3.开展工程创优。推进精品工程。
三、保障措施
（一）加强组织领导。各部门要落实责任。
"""


def test_small_plan() -> None:
    plan = parse_plan(SMALL)
    jsonschema.Draft202012Validator(SCHEMA).validate(plan)
    assert plan["title"] == "某市质量强市建设实施方案"
    assert plan["issuer"] == "某市人民政府"
    assert plan["doc_number"] == "某政发〔2024〕3号"
    assert plan["issued_on"] == "2024-03-01"
    assert plan["period"] is None
    tasks = plan["tasks"]
    assert [(t["number"], t["title"], t["lead_departments"], t["co_departments"], t["all_towns"]) for t in tasks] == [
        ("1", "实施质量提升行动", ["市市场监管局"], ["市经信局", "市商务局"], False),
        ("2", "加强质量基础", ["市发改局"], ["市科技局"], False),
        ("3", "开展工程创优", [], [], False),
    ]
    assert tasks[0]["text"] == "实施质量提升行动。到2026年，规上企业标准化覆盖率达到90%。"
    assert "任务 3 未列出责任部门" in plan["warnings"]
    got = [(i["scope"], i["name"], i["comparator"], i["value"], i["unit"], i["year"]) for i in plan["indicators"]]
    assert got == [
        ("goals", "制造业产品质量合格率", ">=", 95, "%", 2025),
        ("goals", "亿元GDP事故率", "<=", 0.5, None, 2025),
        ("goals", "培育省级品牌", "=", 10, "个", 2025),
        ("goals", "服务质量满意度", "about", 85, "分", 2027),
        ("task", "规上企业标准化覆盖率", "=", 90, "%", 2026),
    ]


def test_annual_plan_period() -> None:
    text = "某县2024年质量工作要点\n一、总体要求\n全面提升质量。\n二、重点任务\n1.抓好质量提升。（责任单位：县市场监管局）\n"
    plan = parse_plan(text)
    assert plan["period"] == [2024, 2024]
    assert plan["tasks"][0]["lead_departments"] == ["县市场监管局"]


def test_joint_issuers_and_chinese_date() -> None:
    text = (
        "中共某县委 某县人民政府\n关于加快建设质量强县的实施意见\n（二〇二三年十月八日）\n"
        "一、总体要求\n（一）指导思想。坚持质量第一。\n二、主要任务\n1.提升质量。（责任单位：县经信局）\n"
    )
    plan = parse_plan(text)
    assert plan["title"] == "关于加快建设质量强县的实施意见"
    assert plan["issuer"] == "中共某县委 某县人民政府"


def test_not_a_plan() -> None:
    news = "某区召开质量工作会议\n3月5日，某区召开质量工作推进会。会议强调，要提高认识。\n会上，各部门作了交流发言。"
    with pytest.raises(PlanParseError):
        parse_plan(news)
    with pytest.raises(PlanParseError):
        parse_plan("")
    with pytest.raises(PlanParseError):
        parse_plan("日本网址在线观看,日韩视频中文字幕视频一区")


def test_truncated_plan_warns() -> None:
    text = SEED.read_text(encoding="utf-8")
    plan = parse_plan(text[: text.index("二、主要任")])
    assert plan["title"] == "普陀区深入贯彻落实《质量强国建设纲要》加快建设质量强区的实施方案（2023—2027年）"
    assert plan["tasks"] == []
    assert "未找到编号任务" in plan["warnings"]


def test_parse_note() -> None:
    assert parse_note("责任部门：区发改局、区经信局等按职责分工负责。以下均需各镇街道、管委会落实，不再列出") == (
        ["区发改局", "区经信局"], [], True,
    )
    assert parse_note("牵头单位：市市场监管局；配合单位：市经信局、各县（市、区）政府") == (
        ["市市场监管局"], ["市经信局", "各县（市、区）政府"], False,
    )
    assert parse_note("区发改局牵头，区经信局、区科技局配合") == (["区发改局"], ["区经信局", "区科技局"], False)
    assert parse_note("2023—2027年") is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("区资规分局", "区资源规划分局", True),
        ("区市场监管局", "区市场监督管理局", True),
        ("区人力社保局", "区人力资源和社会保障局", True),
        ("区经信局", "区住建局", False),
        ("区公安分局", "区公安局", False),
        ("区发改局", "区财政局", False),
        ("区交通局", "区交通运输局", True),
    ],
)
def test_same_body(a: str, b: str, same: bool) -> None:
    assert same_body(a, b) is same


def test_suggest_aliases_is_symmetric() -> None:
    assert suggest_aliases(["区卫健局", "区教育局", "区卫生健康局"]) == {
        "区卫健局": ["区卫生健康局"], "区教育局": [], "区卫生健康局": ["区卫健局"],
    }


@pytest.mark.parametrize(
    ("name", "clean", "cut"),
    [
        ("地表水省控？嗝孢_到或优于Ⅲ类水质比例", "地表水省控…到或优于Ⅲ类水质比例", "？嗝孢_"),
        ("产品质量\ufffd\ufffd合格率", "产品质量…合格率", "\ufffd\ufffd"),
        ("衢州市制造业产品质量合格率", "衢州市制造业产品质量合格率", None),
    ],
)
def test_indicator_name_drops_unreadable_span(name: str, clean: str, cut: str | None) -> None:
    from qualitygov.planimport.importer.indicators import strip_garble

    assert strip_garble(name) == (clean, cut)


def test_an_opening_without_title_is_a_plan_with_a_warning() -> None:
    """Sections without 总体要求/任务/保障 words were refused as "not a plan"; the preamble names the document."""
    text = ("为加快建设质量强区，结合我区实际，提出如下实施意见。\n"
            "一、提升产品质量\n1.开展质量攻关。组织企业开展技术攻关。（区经信局牵头，区科技局配合）\n"
            "二、提升服务质量\n2.推进服务标准化。2025年底前建成标准化示范项目5个。（区商务局、区文旅局）\n")
    plan = parse_plan(text)
    assert (plan["title"], [t["number"] for t in plan["tasks"]]) == (None, ["1", "2"])
    assert plan["warnings"][0] == "未找到方案标题：文件从正文（开头语）开始，标题可能在复制时丢失，请在导入审核时填写标题"
    with pytest.raises(PlanParseError):
        parse_plan("某区召开质量工作会议。\n一、会议情况\n会议强调，要提高认识。\n二、下一步\n继续抓好落实。\n")


def test_news_headline_gives_the_quoted_title_and_both_issuers() -> None:
    text = ("首页 > 政策文件\n中共溪江市委 溪江市人民政府印发《溪江市质量强市建设实施方案》\n来源：溪江日报\n"
            "一、总体要求\n坚持质量第一。\n二、主要任务\n1.提升质量。开展质量提升行动。（市市场监管局）\n")
    plan = parse_plan(text)
    assert (plan["title"], plan["issuer"]) == ("溪江市质量强市建设实施方案", "中共溪江市委 溪江市人民政府")
    # The document's own heading under the headline keeps its period.
    own = text.replace("来源：溪江日报\n", "来源：溪江日报\n溪江市质量强市建设实施方案\n（2024—2027年）\n")
    assert parse_plan(own)["title"] == "溪江市质量强市建设实施方案（2024—2027年）"


@pytest.mark.parametrize(("text", "expected"), [
    ("完成时限：2025年6月底前。", ("2025-06-30", "2025年6月底前")),
    ("2026年底前全面推行。", ("2026-12-31", "2026年底前")),
    ("到2025年，合格率达到95%。", (None, None)),
    ("此项工作长期坚持。", (None, "长期坚持")),
    ("每年开展一次评价。", (None, "每年")),
    ("每季度通报进展。", (None, "每季度")),
    ("完成时限：持续推进", (None, "持续推进")),
])
def test_time_limits(text: str, expected: tuple) -> None:
    from qualitygov.planimport.importer.parse import _deadline

    assert _deadline(text) == expected


@pytest.mark.parametrize(("note", "rule"), [
    ("牵头单位：区市场监管局；配合单位：区经信局", "labelled"),
    ("区发改局牵头，区经信局、区科技局按职责分工负责", "verb"),
    ("区发改局、区经信局、区市场监管分局按职责分工负责", "listed"),
    ("责任单位：区商务局、区文旅局", "listed"),
    ("区商务局、区文旅局", "listed"),
    ("责任单位：区商务局", "labelled"),
])
def test_lead_rule(note: str, rule: str) -> None:
    from qualitygov.planimport.importer.departments import note_rule

    lead, co, _towns = parse_note(note)
    assert note_rule(note, lead, co) == rule
