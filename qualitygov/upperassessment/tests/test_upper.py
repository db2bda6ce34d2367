"""迎考: loading the upper level's scheme, assigning items as work items, the liaison's self-score and
evidence (own items only), the office's accept/return, and the exports read back."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from qualitygov.assessments.tests.rules_tables import excel_rules
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.progress.models import WorkItem
from qualitygov.upperassessment import services
from qualitygov.upperassessment.exports import HEADER, INDEX_HEADER
from qualitygov.upperassessment.models import UpperAssessment, UpperItem

from .factories import DUE, assigned_item, make_task, make_upper

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pdf(name: str = "名单.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def test_loading_makes_one_item_per_leaf(cast):
    upper = make_upper(cast)
    items = list(upper.items.all())
    assert [(i.number, i.code, i.max, i.section, i.owner_hint) for i in items][:3] == [
        ("1", "A1", Decimal("10.00"), "组织领导", "区政府办"), ("2", "A2", Decimal("10.00"), "组织领导", "区市场监管局"),
        ("3", "B1", Decimal("15.00"), "质量提升", "区经信局")]
    assert len(items) == 8 and all(i.status == "todo" and i.lead_unit is None for i in items)
    bonus = items[-1]
    assert (bonus.kind, bonus.number, bonus.name, bonus.max, bonus.criteria) == (
        "bonus", "8", "获省政府质量奖或提名奖", Decimal("5.00"), "每项加 3 分，加分合计不超过 5 分。")


def test_loading_a_scoring_table_through_the_page(cast, client_for):
    task = make_task(cast)
    client = client_for("office")
    upload = SimpleUploadedFile("市对区评分细则.xlsx", excel_rules(damaged=False), content_type=XLSX)
    response = client.post(reverse("upperassessment:import"), {"year": 2026, "task": task.pk, "file": upload})
    upper = UpperAssessment.objects.get()
    assert response.status_code == 302
    assert (upper.title, upper.source_name) == ("2026年度质量工作考核评分细则", "市对区评分细则.xlsx")
    assert [(i.number, i.name, i.max) for i in upper.items.all()] == [
        ("1", "建立工作机制", Decimal("10.00")), ("2", "召开领导小组会议", Decimal("10.00")),
        ("B1-1", "新增省级品牌得5分", Decimal("5.00")), ("B1-2", "完成培育计划得10分", Decimal("10.00")),
        ("4", "质量基础", Decimal("15.00")), ("5", "获评省政府质量奖：每获一项加3分", Decimal("5.00"))]


def test_a_damaged_scoring_table_is_refused_naming_the_row(cast, client_for):
    task = make_task(cast)
    upload = SimpleUploadedFile("细则.xlsx", excel_rules(), content_type=XLSX)
    response = client_for("office").post(reverse("upperassessment:import"),
                                         {"year": 2026, "task": task.pk, "file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["第9行“分值”列：“十五”不是数字"]
    assert UpperAssessment.objects.count() == 0


def test_assigning_creates_the_work_item_that_chases_it_and_reassigning_moves_it(cast):
    item = assigned_item(cast)
    work = item.work_item
    assert (work.lead_unit, work.deadline, work.status, work.title) == (cast.dept_a, DUE, "active", "迎考：3 品牌建设")
    assert "请提交自评得分和佐证材料" in work.description and "新增“品字标”企业每家得3分" in work.description
    services.upper_item_assign(actor=cast.office, item=item, lead_unit=cast.dept_b, co_units=[cast.town],
                               due_date=DUE.replace(day=20))
    work.refresh_from_db()
    assert (work.lead_unit, work.deadline, list(work.co_units.values_list("unit", flat=True))) == (
        cast.dept_b, DUE.replace(day=20), [cast.town.pk])
    assert WorkItem.objects.count() == 1


def test_only_the_district_office_assigns(cast):
    upper = make_upper(cast)
    item = upper.items.get(code="B1")
    events = AuditEvent.objects.count()
    with pytest.raises(NotFoundError):
        services.upper_item_assign(actor=cast.liaison_a, item=item, lead_unit=cast.dept_a, due_date=DUE)
    item.refresh_from_db()
    assert (item.lead_unit, WorkItem.objects.count(), AuditEvent.objects.count()) == (None, 0, events)


def test_the_liaison_files_self_score_and_evidence_then_the_office_returns_and_accepts(cast, client_for):
    item = assigned_item(cast)
    client = client_for("liaison_a")
    url = reverse("upperassessment:item", args=[item.pk])
    too_high = client.post(url, {"action": "fill", "self_score": "15.5", "note": "", "version": item.version})
    assert too_high.status_code == 400
    assert too_high.context["fill"].errors["self_score"] == ["自评得分应在 0 到 15 之间。"]
    item.refresh_from_db()
    assert item.self_score is None
    assert client.post(url, {"action": "fill", "self_score": "12.5", "note": "新增4家",
                             "version": item.version}).status_code == 302
    assert client.post(url, {"action": "evidence", "file": _pdf()}).status_code == 302
    item.refresh_from_db()
    assert (item.self_score, item.note) == (Decimal("12.50"), "新增4家")
    assert client.post(url, {"action": "submit", "version": item.version}).status_code == 302
    item.refresh_from_db()
    assert item.status == "submitted"
    # Submitted: the liaison can no longer change it.
    locked = client.post(url, {"action": "fill", "self_score": "1", "version": item.version})
    assert locked.status_code == 400
    item.refresh_from_db()
    assert item.self_score == Decimal("12.50")

    office = client_for("office")
    review = reverse("upperassessment:review", args=[item.pk])
    office.post(review, {"action": "return", "note": "请补充企业证书"})
    item.refresh_from_db()
    assert (item.status, item.review_note) == ("returned", "请补充企业证书")
    client.post(url, {"action": "submit", "version": item.version})
    office.post(review, {"action": "accept"})
    item.refresh_from_db()
    item.work_item.refresh_from_db()
    assert (item.status, item.work_item.status) == ("accepted", "completed")


def test_another_unit_gets_404_and_changes_nothing(cast, client_for):
    item = assigned_item(cast)
    events = AuditEvent.objects.count()
    url = reverse("upperassessment:item", args=[item.pk])
    for member in ("liaison_b", "town_liaison", "leader"):
        client = client_for(member)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "fill", "self_score": "3", "version": item.version}).status_code == 404
        assert client.post(url, {"action": "evidence", "file": _pdf()}).status_code == 404
    item.refresh_from_db()
    assert (item.self_score, services.item_attachments(item).count(), AuditEvent.objects.count()) == (None, 0, events)
    with pytest.raises(NotFoundError):
        services.upper_item_fill(actor=cast.liaison_b, item=item, self_score="3")


def test_an_unassigned_item_has_no_page_for_liaisons(cast, client_for):
    upper = make_upper(cast)
    item = upper.items.get(code="C1")
    assert client_for("liaison_a").get(reverse("upperassessment:item", args=[item.pk])).status_code == 404


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "请以数字填写自评得分。"), ("-1", "自评得分应在 0 到 15 之间。"), ("1.234", "自评得分最多保留两位小数。")])
def test_a_bad_self_score_is_refused(cast, value, message):
    item = assigned_item(cast)
    with pytest.raises(ServiceError) as refused:
        services.upper_item_fill(actor=cast.liaison_a, item=item, self_score=value)
    assert refused.value.fields == {"self_score": [message]}


def _filled(cast):
    item = assigned_item(cast)
    services.upper_item_fill(actor=cast.liaison_a, item=item, self_score="12", note="见名单")
    from qualitygov.core.uploads import check_upload

    for name in ("名单.pdf", "证书.pdf"):
        services.upper_item_attach(actor=cast.liaison_a, item=item, checked=check_upload(_pdf(name)))
    return item


def test_the_self_assessment_table_reads_back(cast, client_for):
    item = _filled(cast)
    response = client_for("leader").get(reverse("upperassessment:export_xlsx", args=[item.assessment_id]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 9
    assert list(rows[8])[:4] == ["8", "获省政府质量奖或提名奖", "5", "每项加 3 分，加分合计不超过 5 分。"]
    assert list(rows[3]) == ["3", "品牌建设", "15", "新增“品字标”企业每家得3分，最高15分。", "区经信局", "12",
                             "3-1-名单.pdf\n3-2-证书.pdf", "见名单"]
    assert list(rows[1])[4:7] == ["区政府办", None, None]

    docx = client_for("office").get(reverse("upperassessment:export_docx", args=[item.assessment_id]))
    table = Document(io.BytesIO(docx.content)).tables[0]
    assert [c.text for c in table.rows[0].cells] == HEADER
    assert [c.text for c in table.rows[3].cells] == ["3", "品牌建设", "15", "新增“品字标”企业每家得3分，最高15分。",
                                                     "区经信局", "12", "3-1-名单.pdf\n3-2-证书.pdf", "见名单"]


def test_the_evidence_package_matches_the_table(cast, client_for):
    item = _filled(cast)
    response = client_for("office").get(reverse("upperassessment:export_zip", args=[item.assessment_id]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["3-品牌建设/3-1-名单.pdf", "3-品牌建设/3-2-证书.pdf", "佐证材料目录.xlsx"]
    assert archive.read("3-品牌建设/3-1-名单.pdf") == b"%PDF-1.4\n%%EOF\n"
    index = list(load_workbook(io.BytesIO(archive.read("佐证材料目录.xlsx"))).active.iter_rows(values_only=True))
    assert list(index[0]) == INDEX_HEADER
    assert [list(r) for r in index[1:]] == [["3", "品牌建设", "3-1", "3-品牌建设/3-1-名单.pdf", "名单.pdf", 15],
                                            ["3", "品牌建设", "3-2", "3-品牌建设/3-2-证书.pdf", "证书.pdf", 15]]
    assert client_for("liaison_a").get(reverse("upperassessment:export_zip",
                                               args=[item.assessment_id])).status_code == 404


def test_the_detail_page_shows_lead_due_status_and_evidence(cast, client_for):
    item = _filled(cast)
    page = client_for("liaison_a").get(reverse("upperassessment:detail", args=[item.assessment_id]))
    row = next(i for i in page.context["items"] if i.code == "B1")
    assert (row.lead_unit, row.due_date, row.status, row.self_score, row.evidence_count, row.mine) == (
        cast.dept_a, DUE, "todo", Decimal("12.00"), 2, True)
    assert not next(i for i in page.context["items"] if i.code == "A1").mine
    assert (page.context["max_total"], page.context["self_total"]) == (Decimal("100.00"), Decimal("12.00"))
    assert UpperItem.objects.filter(assessment_id=item.assessment_id).count() == 8


def test_the_inbox_lists_items_to_fill_returned_and_to_review(cast):
    from qualitygov.upperassessment.inbox import inbox_items

    item = assigned_item(cast)
    due = inbox_items(cast.liaison_a, 10)
    assert [(i.section, i.title, i.url, i.due_date) for i in due] == [
        ("due", "3 品牌建设", reverse("upperassessment:item", args=[item.pk]), DUE)]
    assert inbox_items(cast.liaison_b, 10) == []
    services.upper_item_fill(actor=cast.liaison_a, item=item, self_score="12")
    services.upper_item_submit(actor=cast.liaison_a, item=item)
    assert inbox_items(cast.liaison_a, 10) == []
    assert [(i.section, i.detail) for i in inbox_items(cast.office, 10)] == [("review", "区经信局 提交自评 12 分")]
    services.upper_item_return(actor=cast.office, item=item, note="证书不全")
    assert [(i.section, i.detail) for i in inbox_items(cast.liaison_a, 10)] == [("returned", "理由：证书不全")]


def test_loading_from_json_or_a_stored_scheme_and_refusing_other_files(cast, client_for):
    from qualitygov.assessments.services import scheme_import
    from qualitygov.upperassessment.demo import SCHEME

    task = make_task(cast)
    client = client_for("office")
    url = reverse("upperassessment:import")
    refused = client.post(url, {"year": 2026, "task": task.pk, "file": _pdf()})
    assert refused.status_code == 400
    assert refused.context["form"].errors["file"] == ["请上传 .json（交换格式）或 .xlsx、.docx（评分细则表）格式的细则文件。"]
    assert UpperAssessment.objects.count() == 0
    upload = SimpleUploadedFile("city.json", SCHEME.read_bytes(), content_type="application/json")
    assert client.post(url, {"year": 2026, "task": task.pk, "file": upload}).status_code == 302
    stored = scheme_import(actor=cast.office, text=SCHEME.read_text(encoding="utf-8"), year=2026)
    assert client.post(url, {"year": 2026, "task": task.pk, "scheme": stored.pk, "title": "市对区考核"}).status_code == 302
    first, second = UpperAssessment.objects.order_by("pk")
    assert (first.title, first.scheme, first.items.count()) == ("2026年度市对区（县）质量工作考核", None, 8)
    assert (second.title, second.scheme, second.items.count()) == ("市对区考核", stored, 8)
    assert client_for("liaison_a").post(url, {"year": 2026, "task": task.pk, "scheme": stored.pk}).status_code == 404
    assert UpperAssessment.objects.count() == 2


def test_once_submitted_upwards_nothing_changes_until_reopened(cast, client_for):
    from qualitygov.core.errors import ConflictError

    item = assigned_item(cast)
    status = reverse("upperassessment:status", args=[item.assessment_id])
    assert client_for("liaison_a").post(status, {"action": "close"}).status_code == 404
    assert client_for("office").post(status, {"action": "close"}).status_code == 302
    item.refresh_from_db()
    assert item.assessment.status == "closed"
    events = AuditEvent.objects.count()
    with pytest.raises(ConflictError):
        services.upper_item_fill(actor=cast.liaison_a, item=item, self_score="3")
    with pytest.raises(ConflictError):
        services.upper_item_assign(actor=cast.office, item=item, lead_unit=cast.dept_b, due_date=DUE)
    page = client_for("liaison_a").get(reverse("upperassessment:item", args=[item.pk]))
    assert page.context["editable"] is False
    item.refresh_from_db()
    assert (item.self_score, item.lead_unit, AuditEvent.objects.count()) == (None, cast.dept_a, events)
    client_for("office").post(status, {"action": "reopen"})
    services.upper_item_fill(actor=cast.liaison_a, item=item, self_score="3")
    item.refresh_from_db()
    assert (item.assessment.status, item.self_score) == ("open", Decimal("3.00"))
