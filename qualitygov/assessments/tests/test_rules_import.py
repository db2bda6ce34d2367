"""Importing a scoring table (评分细则) from Excel or Word: the tree read from numbering and merged
cells, damaged rows named by row and column, the review's corrections and skips, the all-or-nothing
confirm into a draft scheme, and who may import."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qualitygov.assessments.engine.validate import validate_scheme
from qualitygov.assessments.events import SCHEME_IMPORT
from qualitygov.assessments.models import AssessmentScheme
from qualitygov.assessments.rules_import import RulesFileError, build_document, parse_rules, row_problems
from qualitygov.assessments.views_rules import SESSION_KEY
from qualitygov.core.models import AuditEvent

from .rules_tables import excel_rules, word_rules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, data: bytes = b"", name: str = "评分细则.xlsx", year: int = 2026):
    upload = SimpleUploadedFile(name, data or excel_rules(), content_type=XLSX)
    return client.post(reverse("assessments:rules_upload"), {"year": year, "title": "", "file": upload})


def _index(client, row: int) -> int:
    rows = client.session[SESSION_KEY]["parsed"]["rows"]
    return next(i for i, r in enumerate(rows) if r["row"] == row and r["kind"] != "group")


def test_an_excel_rules_import_with_a_damaged_row(cast, client_for):
    client = client_for("office")
    response = _upload(client)
    assert response.status_code == 302 and response["Location"] == reverse("assessments:rules_review")
    page = client.get(reverse("assessments:rules_review"))
    assert page.status_code == 200
    assert page.context["problem_count"] == 1
    assert "第9行“分值”列：“十五”不是数字" in page.content.decode()
    damaged = _index(client, 9)

    # Confirming with the problem open writes nothing.
    refused = client.post(reverse("assessments:rules_review"), {"confirm": "1", "title": "2026年度评分细则"})
    assert refused.status_code == 400
    assert refused.context["error"] == "请先修正或跳过每个有问题的行，再导入。"
    assert AssessmentScheme.objects.count() == 0

    # The office corrects the row's points in the review; the correction survives a reload.
    saved = client.post(reverse("assessments:rules_review"), {f"{damaged}-max": "15", f"{damaged}-name": "质量基础建设"})
    assert saved.status_code == 302
    again = client.get(reverse("assessments:rules_review"))
    assert again.context["problem_count"] == 0
    done = client.post(reverse("assessments:rules_review"), {"confirm": "1", "title": "2026年度评分细则",
                                                            f"{damaged}-max": "15", f"{damaged}-name": "质量基础建设"})
    scheme = AssessmentScheme.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("assessments:scheme", args=[scheme.pk])
    assert (scheme.status, scheme.year, scheme.title, scheme.source_name) == ("draft", 2026, "2026年度评分细则",
                                                                            "评分细则.xlsx")
    document = json.loads(scheme.document)
    validate_scheme(document)
    assert document["max_total"] == 50
    first, second = document["sections"]
    assert (first["code"], first["title"], first["max"]) == ("A", "组织领导", 20)
    assert [(i["code"], i["title"], i["max"], i["method"], i["description"], i["owner"]) for i in first["items"]] == [
        ("1", "建立工作机制", 10, "judged", "未建立扣5分", "区市场监管局"),
        ("2", "召开领导小组会议", 10, "judged", "未召开不得分", "区政府办")]
    brand, basis = second["items"]
    assert (brand["code"], brand["title"], brand["seq"]) == ("B1", "品牌建设", "3")
    assert [(i["code"], i["title"], i["max"]) for i in brand["items"]] == [
        ("B1-1", "新增省级品牌得5分", 5), ("B1-2", "完成培育计划得10分", 10)]
    assert (basis["code"], basis["title"], basis["max"]) == ("4", "质量基础建设", 15)
    assert document["bonus"] == {"cap": 5, "items": {"J1": {"points": 3, "text": "获评省政府质量奖：每获一项加3分",
                                                             "seq": "5", "source_row": 11}}}
    assert document["vetoes"] == [{"code": "V1", "text": "发生重大质量安全事故：实行一票否决",
                                   "effect": {"force_grade": "不合格"}, "source_row": 13}]
    assert AuditEvent.objects.filter(action=SCHEME_IMPORT).get().changes["leaves"] == 5
    assert SESSION_KEY not in client.session


def test_a_damaged_row_may_be_skipped_and_the_rest_imported(cast, client_for):
    client = client_for("office")
    _upload(client)
    damaged = _index(client, 9)
    client.post(reverse("assessments:rules_review"), {f"{damaged}-name": "质量基础", f"{damaged}-skip": "on"})
    page = client.get(reverse("assessments:rules_review"))
    # Without row 9 section 二 adds up to 15, not the 30 its heading states: a new problem on row 6.
    assert [p for r in page.context["rows"] for p in r["problems"]] == [
        "第6行“分值”列：下设各项合计 15 分，与本项 30 分不符"]
    assert AssessmentScheme.objects.count() == 0


def test_sub_scores_must_add_up_to_the_parent(cast):
    parsed = parse_rules("t.docx", word_rules())
    assert row_problems(parsed) == {}
    parsed.rows[2].max_text = "5"
    assert row_problems(parsed) == {1: ["第2行“标准分”列：下设各项合计 9 分，与本项 10 分不符"]}


def test_a_word_table_with_merged_categories_and_decimal_numbering(cast):
    parsed = parse_rules("t.docx", word_rules())
    assert parsed.columns == {"seq": "序号", "content": "考核项目", "max": "标准分", "criteria": "考核标准",
                              "owner": "牵头单位"}
    document = build_document(parsed, key="city-2026", title="市对区考核")
    validate_scheme(document)
    assert document["max_total"] == 18
    work, basis = document["sections"]
    assert (work["title"], basis["title"]) == ("质量工作", "质量基础")
    push = work["items"][0]
    assert (push["code"], push["title"], push["max"]) == ("A1", "质量强区推进", 10)
    assert [(i["code"], i["max"], i["owner"]) for i in push["items"]] == [("1.1", 6, "区市场监管局"),
                                                                         ("1.2", 4, "区经信局")]
    assert basis["items"][0]["description"] == "主导制定标准每项得2分"


def test_an_empty_content_cell_is_a_problem_with_row_and_column(cast):
    data = excel_rules(damaged=False)
    wb = load_workbook(io.BytesIO(data))
    wb.active["B5"] = None
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed = parse_rules("t.xlsx", buffer.getvalue())
    assert [p for ps in row_problems(parsed).values() for p in ps] == ["第5行“考核内容”列为空"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("t.xlsx", b"PK\x03\x04 not really", "文件“t.xlsx”已损坏或不是有效的 .xlsx 文件，无法读取"),
    ("t.csv", b"a,b", "只能导入 Excel（.xlsx）或 Word（.docx）格式的评分细则表"),
])
def test_unreadable_files_are_refused_in_chinese(name, data, message):
    with pytest.raises(RulesFileError) as refused:
        parse_rules(name, data)
    assert refused.value.message == message


def test_a_workbook_without_the_columns_is_refused_at_upload(cast, client_for):
    wb = Workbook()
    wb.active.append(["名称", "备注"])
    wb.active.append(["甲", "乙"])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = _upload(client_for("office"), buffer.getvalue())
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "没有找到评分细则表：表头应含“分值”列和“考核内容”或“评分标准”列"]
    assert SESSION_KEY not in client_for("office").session


@pytest.mark.parametrize("member", ["liaison_a", "leader", "town_liaison"])
def test_only_the_district_office_imports_a_table(cast, client_for, member):
    client = client_for(member)
    assert _upload(client).status_code == 404
    assert client.post(reverse("assessments:rules_review"), {"confirm": "1"}).status_code == 404
    assert SESSION_KEY not in client.session
    assert AssessmentScheme.objects.count() == 0


def test_cancel_drops_the_pending_table(cast, client_for):
    client = client_for("office")
    _upload(client)
    assert client.post(reverse("assessments:rules_cancel")).status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get(reverse("assessments:rules_review")).status_code == 302


def test_an_item_column_beside_a_content_column_and_the_total_row():
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "考核项目", "考核内容", "分值", "评分标准"])
    ws.append(["1", "质量安全", "食品抽检", 6, "合格率达98%"])
    ws.append(["2", "质量安全", "特种设备", 4, "无事故"])
    ws.merge_cells("B2:B3")
    ws.append(["合计", "", "", 10, ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed = parse_rules("t.xlsx", buffer.getvalue())
    assert row_problems(parsed) == {}
    document = build_document(parsed, key="k", title="t")
    assert document["max_total"] == 10
    assert [(s["title"], [(i["code"], i["title"], i["max"]) for i in s["items"]]) for s in document["sections"]] == [
        ("质量安全", [("1", "食品抽检", 6), ("2", "特种设备", 4)])]


def test_a_word_table_is_imported_through_the_review(cast, client_for):
    client = client_for("office")
    upload = SimpleUploadedFile("市对区细则.docx", word_rules(),
                                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert client.post(reverse("assessments:rules_upload"), {"year": 2026, "title": "市对区考核", "file": upload}
                       ).status_code == 302
    page = client.get(reverse("assessments:rules_review"))
    assert (page.context["problem_count"], page.context["leaves"]) == (0, 3)
    assert client.post(reverse("assessments:rules_review"), {"confirm": "1"}).status_code == 302
    scheme = AssessmentScheme.objects.get()
    document = json.loads(scheme.document)
    assert (scheme.title, scheme.source_name, document["max_total"]) == ("市对区考核", "市对区细则.docx", 18)
