"""The tree editor of a draft scheme: build a scheme from nothing through the services and through the
pages, the exact stored document, the engine scoring against it, strict parameter lines, a frozen
published version and who may edit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitygov.assessments import services, services_tree
from qualitygov.assessments.engine import assess
from qualitygov.assessments.events import SCHEME_UPDATE
from qualitygov.assessments.models import AssessmentScheme
from qualitygov.assessments.scheme_tree import LineError, params_from, parse_grades, parse_pairs
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent

GRADED = {"code": "A1", "title": "制度建设", "max": "30", "method": "graded", "options": "完善=30\n基本完善=20\n缺失=0",
          "applies_to": ["department"], "evidence": True, "input": "self", "description": "查阅制度文件"}
EVENTS = {"code": "A2", "title": "信息报送", "max": "30", "method": "event_deductions",
          "events": "逾期报送=1\n材料缺失＝5", "input": "auto"}
JUDGED = {"code": "B1", "title": "区领导评价", "max": "40", "method": "judged", "input": "leader"}

#: The document the steps below build (services and pages alike).
EXPECTED = {
    "id": "scheme-2027-1", "title": "2027年度质量强区考核细则", "max_total": 100,
    "grades": [{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}, {"grade": "合格", "min": 60},
               {"grade": "不合格", "min": None}],
    "sections": [
        {"code": "B", "title": "综合评价", "max": 40, "items": [
            {"code": "B1", "title": "区领导评价", "max": 40, "method": "judged", "input": "leader"}]},
        {"code": "A", "title": "工作推进", "max": 60, "items": [
            {"code": "A1", "title": "制度建设情况", "max": 30, "method": "graded",
             "params": {"options": {"完善": 30, "基本完善": 20, "缺失": 0}}, "applies_to": ["department"],
             "evidence": True, "input": "self", "description": "查阅制度文件"},
            {"code": "A2", "title": "信息报送", "max": 30, "method": "event_deductions",
             "params": {"events": {"逾期报送": 1, "材料缺失": 5}}, "input": "auto"}]},
    ],
    "groups": ["department", "town"],
}


def _doc(scheme: AssessmentScheme) -> dict:
    scheme.refresh_from_db()
    return json.loads(scheme.document)


def _build_through_services(office) -> AssessmentScheme:
    scheme = services_tree.scheme_create(actor=office, title="考核细则（草稿）", year=2027)
    services_tree.scheme_header_save(actor=office, scheme=scheme, title="2027年度质量强区考核细则", max_total="100",
                                     grades="优秀=90\n良好=80\n合格=60\n不合格=", groups=["department", "town"])
    save = services_tree.scheme_item_save
    save(actor=office, scheme=scheme, path_or_code=None, data={"code": "A", "title": "工作推进", "max": "60",
                                                               "method": "judged"})
    save(actor=office, scheme=scheme, path_or_code=None, data={**GRADED, "title": "制度建设"}, parent_code="A")
    save(actor=office, scheme=scheme, path_or_code=None, data=EVENTS, parent_code="A")
    save(actor=office, scheme=scheme, path_or_code=None, data={"code": "B", "title": "综合评价", "max": "40",
                                                               "method": "binary"})
    save(actor=office, scheme=scheme, path_or_code=None, data=JUDGED, parent_code="B")
    save(actor=office, scheme=scheme, path_or_code="A1", data={**GRADED, "title": "制度建设情况"})
    services_tree.scheme_item_move(actor=office, scheme=scheme, code="B", direction="up")
    services_tree.scheme_item_delete(actor=office, scheme=scheme, code="1")
    return scheme


def test_a_scheme_built_through_the_services_is_stored_exactly_and_scores(cast):
    scheme = _build_through_services(cast.office)
    assert _doc(scheme) == EXPECTED
    assert (scheme.status, scheme.title, scheme.key) == ("draft", "2027年度质量强区考核细则", "scheme-2027-1")
    events = AuditEvent.objects.filter(action=SCHEME_UPDATE).order_by("pk")
    assert [e.changes.get("code") for e in events] == [None, "A", "A1", "A2", "B", "B1", "A1", "B", "1"]
    assert [e.changes["item_change"] for e in events][-3:] == ["修改项目", "上移项目", "删除项目"]
    units = {"scheme": "scheme-2027-1", "year": "2027", "bulletin_date": "2028-01-15", "units": [
        {"unit": "区经信局", "group": "department",
         "inputs": {"A1": {"option": "基本完善"}, "A2": {"counts": {"逾期报送": 2, "材料缺失": 1}}, "B1": {"score": 38}}},
        {"unit": "沈家门街道", "group": "town", "inputs": {"A1": {"option": "完善"}, "B1": {"score": 35.5}}},
    ]}
    result = {u["unit"]: u for u in assess(json.loads(scheme.document), units)["units"]}
    # 区经信局: B1 38; A1 基本完善 20; A2 30 − 2×1 − 1×5 = 23 → 81 of 100: 良好.
    assert (result["区经信局"]["total"], result["区经信局"]["grade"]) == ("81.0", "良好")
    # 沈家门街道: A1 applies to departments only; B1 35.5 + A2 no events 30 = 65.5 of 70 → 93.57 base.
    assert result["沈家门街道"]["nodes"]["A1"] == {"score": None, "applicable_max": "0"}
    assert result["沈家门街道"]["raw"] == "65.50"


def test_the_pages_build_the_same_scheme(cast, client_for):
    client = client_for("office")
    response = client.post(reverse("assessments:scheme_new"), {"title": "考核细则（草稿）", "year": 2027})
    scheme = AssessmentScheme.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessments:scheme", args=[scheme.pk])
    pk = scheme.pk
    assert client.post(reverse("assessments:scheme_header", args=[pk]), {
        "title": "2027年度质量强区考核细则", "max_total": "100", "grades": "优秀=90\n良好=80\n合格=60\n不合格",
        "groups": ["department", "town"]}).status_code == 302
    new = reverse("assessments:item_new", args=[pk])
    for data, parent in (({"code": "A", "title": "工作推进", "max": "60", "method": "judged"}, None),
                         ({**GRADED, "title": "制度建设"}, "A"), (EVENTS, "A"),
                         ({"code": "B", "title": "综合评价", "max": "40", "method": "binary"}, None),
                         (JUDGED, "B")):
        response = client.post(new + (f"?parent={parent}" if parent else ""), {k: v for k, v in data.items()
                                                                            if v is not False})
        assert response.status_code == 302, response.content.decode()
    assert 'data-testid="becomes-group"' in client.get(new + "?parent=A1").content.decode()
    assert 'data-testid="becomes-group"' not in client.get(new + "?parent=A").content.decode()
    page = client.get(reverse("assessments:item_edit", args=[pk, "A1"]))
    assert page.status_code == 200 and "完善=30\n基本完善=20\n缺失=0" in page.content.decode()
    assert client.post(reverse("assessments:item_edit", args=[pk, "A1"]),
                       {**GRADED, "title": "制度建设情况"}).status_code == 302
    assert client.post(reverse("assessments:item_move", args=[pk, "B", "up"])).status_code == 302
    assert client.post(reverse("assessments:item_delete", args=[pk, "1"])).status_code == 302
    assert _doc(scheme) == EXPECTED
    tree = client.get(reverse("assessments:scheme", args=[pk])).content.decode()
    assert tree.count('data-testid="edit-row"') == 5
    assert "部门" in tree and "区领导评价" in tree


def test_a_bad_parameter_line_names_the_line_and_changes_nothing(cast, client_for):
    scheme = _build_through_services(cast.office)
    scheme.refresh_from_db()
    before = (scheme.document, AuditEvent.objects.count())
    with pytest.raises(ServiceError) as refused:
        services_tree.scheme_item_save(actor=cast.office, scheme=scheme, path_or_code="A1",
                                       data={**GRADED, "options": "完善=30\n基本完善 20\n缺失=0"})
    assert refused.value.fields == {"options": ["“选项及分值”第 2 行“基本完善 20”应写成“选项=分值”"]}
    response = client_for("office").post(reverse("assessments:item_edit", args=[scheme.pk, "A2"]),
                                         {**EVENTS, "events": "逾期报送=1\n材料缺失=五"})
    assert response.status_code == 400
    assert "“扣分事件”第 2 行：每次扣分“五”不是数字" in response.content.decode()
    # The engine still checks the whole document and is quoted as it words it.
    with pytest.raises(ServiceError) as refused:
        services_tree.scheme_item_save(actor=cast.office, scheme=scheme, path_or_code="A1", data={**GRADED, "max": "-1"})
    assert refused.value.message == "评分项“A1”的 max 应大于 0"
    with pytest.raises(ServiceError) as refused:
        services_tree.scheme_item_delete(actor=cast.office, scheme=scheme, code="B1")
    assert refused.value.message == "分组“B”至少要保留一个下级项目；请删除整个分组或先添加其他下级项目。"
    scheme.refresh_from_db()
    assert (scheme.document, AuditEvent.objects.count()) == before


def test_a_published_scheme_refuses_every_tree_edit(cast, client_for):
    scheme = _build_through_services(cast.office)
    services.scheme_publish(actor=cast.office, scheme=scheme)
    before = (_doc(scheme), AuditEvent.objects.count())
    for call in (lambda: services_tree.scheme_item_save(actor=cast.office, scheme=scheme, path_or_code="A1", data=GRADED),
                 lambda: services_tree.scheme_item_delete(actor=cast.office, scheme=scheme, code="A2"),
                 lambda: services_tree.scheme_item_move(actor=cast.office, scheme=scheme, code="A", direction="up"),
                 lambda: services_tree.scheme_header_save(actor=cast.office, scheme=scheme, title="x", max_total=100,
                                                          grades="合格=", groups=None)):
        with pytest.raises(ConflictError):
            call()
    assert client_for("office").post(reverse("assessments:item_edit", args=[scheme.pk, "A1"]), GRADED).status_code == 404
    page = client_for("office").get(reverse("assessments:scheme", args=[scheme.pk])).content.decode()
    assert 'data-testid="edit-tree"' not in page and 'data-testid="tree"' in page
    assert (_doc(scheme), AuditEvent.objects.count()) == before


def test_a_liaison_may_not_edit_and_nothing_changes(cast, client_for):
    scheme = _build_through_services(cast.office)
    before = (_doc(scheme), AuditEvent.objects.count(), AssessmentScheme.objects.count())
    client = client_for("liaison_a")
    for url, data in ((reverse("assessments:item_edit", args=[scheme.pk, "A1"]), GRADED),
                      (reverse("assessments:item_new", args=[scheme.pk]), JUDGED),
                      (reverse("assessments:item_delete", args=[scheme.pk, "A2"]), {}),
                      (reverse("assessments:item_move", args=[scheme.pk, "A", "up"]), {}),
                      (reverse("assessments:scheme_header", args=[scheme.pk]), {"title": "x"}),
                      (reverse("assessments:scheme_new"), {"title": "x", "year": 2027})):
        assert client.post(url, data).status_code == 404
    with pytest.raises(NotFoundError):
        services_tree.scheme_item_delete(actor=cast.liaison_a, scheme=scheme, code="A2")
    page = client.get(reverse("assessments:scheme", args=[scheme.pk])).content.decode()
    assert 'data-testid="edit-tree"' not in page
    assert (_doc(scheme), AuditEvent.objects.count(), AssessmentScheme.objects.count()) == before


def test_grade_lines_and_pair_lines_parse_strictly():
    assert parse_grades("优秀=90\n\n合格＝60\n不合格") == [{"grade": "优秀", "min": 90}, {"grade": "合格", "min": 60},
                                                         {"grade": "不合格", "min": None}]
    with pytest.raises(LineError) as refused:
        parse_grades("优秀=\n合格=60")
    assert refused.value.message == "“等次”第 1 行缺少最低分（只有最后一个等次可以不填）"
    with pytest.raises(LineError) as refused:
        parse_pairs("options", "选项及分值", "好=1\n好=2", left="选项", right="分值")
    assert refused.value.message == "“选项及分值”第 2 行：选项“好”重复"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_the_line_parsers_never_crash(text):
    parsers = [lambda: parse_grades(text),
               lambda: parse_pairs("events", "扣分事件", text, left="事件", right="每次扣分", non_negative=True)]
    for method in ("graded", "per_missing", "rate_bands", "event_deductions", "indicator_shortfall",
                   "share_indicators"):
        values = {key: text for key in ("options", "aspects", "deduct_each", "bands", "events", "comparator",
                                        "target", "step", "points_per_step", "met", "improved")}
        parsers.append(lambda method=method, values=values: params_from(method, values))
    for parse in parsers:
        try:
            parse()
        except LineError:
            pass


def test_a_group_edited_keeps_its_items_and_gets_no_method(cast, client_for):
    scheme = _build_through_services(cast.office)
    page = client_for("office").get(reverse("assessments:item_edit", args=[scheme.pk, "A"])).content.decode()
    assert 'name="method"' not in page and 'name="code"' in page
    services_tree.scheme_item_save(actor=cast.office, scheme=scheme, path_or_code="A",
                                   data={"code": "A", "title": "重点工作推进", "max": "", "method": "judged"})
    group = _doc(scheme)["sections"][1]
    assert ({k: v for k, v in group.items() if k != "items"}, [i["code"] for i in group["items"]]) == (
        {"code": "A", "title": "重点工作推进"}, ["A1", "A2"])


def test_every_method_s_parameters_round_trip_through_the_form_fields(cast, client_for):
    scheme = services_tree.scheme_create(actor=cast.office, title="各种评分方法", year=2027)
    leaves = [
        ({"code": "P/1", "title": "要点齐全", "max": "10", "method": "per_missing", "aspects": "制度\n台账\n总结",
          "deduct_each": "2.5", "zero_if_none": True},
         {"aspects": ["制度", "台账", "总结"], "deduct_each": 2.5, "zero_if_none": True}),
        ({"code": "R1", "title": "合格率", "max": "10", "method": "rate_bands", "bands": "98=10\n95=6\n90.5=2"},
         {"bands": [{"min": 98, "points": 10}, {"min": 95, "points": 6}, {"min": 90.5, "points": 2}]}),
        ({"code": "S1", "title": "达标差距", "max": "10", "method": "indicator_shortfall", "comparator": ">=",
          "target": "95", "step": "1", "points_per_step": "2"},
         {"comparator": ">=", "target": 95, "step": 1, "points_per_step": 2}),
        ({"code": "T1", "title": "牵头指标", "max": "10", "method": "share_indicators", "met": "1", "improved": "0.5"},
         {"met": 1, "improved": 0.5}),
        ({"code": "Q1", "title": "报送率", "max": "10", "method": "ratio", "options": "不用=1"}, None),
        ({"code": "D1", "title": "纳入考核", "max": "10", "method": "binary"}, None),
    ]
    for data, _params in leaves:
        services_tree.scheme_item_save(actor=cast.office, scheme=scheme, path_or_code=None, data=data)
    stored = {node["code"]: node for node in _doc(scheme)["sections"]}
    for data, params in leaves:
        assert stored[data["code"]].get("params") == params
    # A code with a slash has its own edit page; the form shows the stored parameters as lines.
    page = client_for("office").get(reverse("assessments:item_edit", args=[scheme.pk, "P/1"])).content.decode()
    assert "制度\n台账\n总结" in page and 'value="2.5"' in page
    bands = client_for("office").get(reverse("assessments:item_edit", args=[scheme.pk, "R1"])).content.decode()
    assert "98=10\n95=6\n90.5=2" in bands
    with pytest.raises(ServiceError) as refused:
        services_tree.scheme_item_save(actor=cast.office, scheme=scheme, path_or_code="R1",
                                       data={**leaves[1][0], "bands": "98=10\n高=6"})
    assert refused.value.fields == {"bands": ["“分档”第 2 行：最低值“高”不是数字"]}


def test_an_imported_scheme_with_fractions_is_edited_keeping_every_other_key(cast):
    text = (Path(__file__).resolve().parents[1] / "data" / "member-units-2026.json").read_text(encoding="utf-8")
    scheme = services.scheme_import(actor=cast.office, text=text, year=2026)
    services_tree.scheme_item_move(actor=cast.office, scheme=scheme, code="A2", direction="up")
    expected = json.loads(text)
    items = expected["sections"][0]["items"]
    items[0], items[1] = items[1], items[0]
    assert _doc(scheme) == expected  # A1's "improved": 0.5 and the leaves' "source" kept
