"""The annual work plan: an .xlsx import with merged cells and an unknown unit through review to an issued
plan whose key points are work items in the liaisons' inbox; text and Word layouts; the roll-over with
each outcome; the exports; who may do what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.core.registry import INBOX_DUE
from qualitygov.progress.models import ProgressReport, WorkItem
from qualitygov.progress.services import cycle_open
from qualitygov.progress.tests.factories import make_cycle
from qualitygov.workplans import events, services
from qualitygov.workplans.importer import WorkPlanParseError, parse_work_plan
from qualitygov.workplans.inbox import inbox_items
from qualitygov.workplans.models import KeyPoint, RollOverDecision, WorkPlan, WorkPlanImport
from qualitygov.workplans.review import import_review

from .factories import checked, make_plan, merged_xlsx

TODAY = dt.date(2026, 1, 20)


def _points(work_plan):
    return [(p.number, p.text, p.task.number, p.lead_unit.label, sorted(u.label for u in p.co_units.all()),
             p.deadline, p.deadline_text) for p in work_plan.key_points.order_by("number")]


def test_parse_xlsx_with_merged_cells():
    parsed = parse_work_plan(merged_xlsx(), "要点.xlsx")
    assert parsed.title == "区质量强区工作领导小组办公室2026年工作要点"
    assert parsed.year == 2026
    assert [(p.number, p.text, p.group, p.lead, p.co, p.deadline, p.deadline_text, p.where) for p in parsed.points] == [
        (1, "在规上工业企业全面推行首席质量官制度", "一、增强发展动能，推动经济质量效益型发展", ["区经信局"],
         ["区住建局", "沈家门街道"], "2026-06-30", "2026年6月底前", "工作要点：第4行"),
        (2, "建设质量发展创新驱动平台", "一、增强发展动能，推动经济质量效益型发展", ["区经信局"],
         ["区火星局", "区住建局"], "2026-12-31", "2026年12月31日", "工作要点：第6行"),
        (3, "开展质量提升专项行动", "一、增强发展动能，推动经济质量效益型发展", ["区经信局"], [], "2026-12-31", "下半年",
         "工作要点：第7行"),
        (4, "开展在建工程质量安全专项检查", "二、深入实施质量提升行动，全面优化质量供给", ["区住建局"], [], "2026-09-30",
         "第三季度", "工作要点：第9行"),
    ]


def test_xlsx_import_review_unknown_unit_confirm_and_issue(cast):
    plan = make_plan(cast)
    imp = services.work_plan_import_preview(actor=cast.office, plan=plan, checked=checked("要点.xlsx", merged_xlsx()))
    review = import_review(imp)
    assert review.unknown == ["区火星局"]
    assert [p.problems for p in review.points] == [
        [], ["工作要点：第6行：配合单位“区火星局”不是已知单位，请选择它所指的单位。"],
        ["工作要点：第7行：请选择该要点服务的方案任务。"], []]
    # Headings and wording find the tasks: 首席质量官 → task 2, 创新驱动 → task 1, the one task of group two → 3.
    assert [p.task.number if p.task else None for p in review.points] == ["2", "1", None, "3"]

    # Confirming with problems is refused and writes nothing.
    with pytest.raises(ServiceError):
        services.work_plan_import_confirm(actor=cast.office, imp=imp)
    assert not WorkPlan.objects.exists() and not KeyPoint.objects.exists()

    task1 = plan.tasks.get(number="1")
    imp = services.work_plan_import_correct(actor=cast.office, imp=imp, units={"区火星局": cast.town}, tasks={2: task1})
    assert import_review(imp).problem_count == 0
    work_plan = services.work_plan_import_confirm(actor=cast.office, imp=imp)
    assert (work_plan.year, work_plan.status, work_plan.title, work_plan.source_name) == (
        2026, "draft", "区质量强区工作领导小组办公室2026年工作要点", "要点.xlsx")
    assert _points(work_plan) == [
        (1, "在规上工业企业全面推行首席质量官制度", "2", "区经信局", ["区住建局", "沈家门街道"], dt.date(2026, 6, 30),
         "2026年6月底前"),
        (2, "建设质量发展创新驱动平台", "1", "区经信局", ["区住建局", "沈家门街道"], dt.date(2026, 12, 31), "2026年12月31日"),
        (3, "开展质量提升专项行动", "1", "区经信局", [], dt.date(2026, 12, 31), "下半年"),
        (4, "开展在建工程质量安全专项检查", "3", "区住建局", [], dt.date(2026, 9, 30), "第三季度"),
    ]
    assert WorkPlanImport.objects.get().status == "confirmed"
    assert not WorkItem.objects.exists()

    services.work_plan_publish(actor=cast.office, work_plan=work_plan, today=TODAY)
    work_plan.refresh_from_db()
    assert work_plan.status == "published" and work_plan.published_by == cast.office
    items = [(p.work_item.task.number, p.work_item.lead_unit, p.work_item.deadline, p.work_item.start_date,
              p.work_item.status) for p in work_plan.key_points.order_by("number")]
    assert items == [("2", cast.dept_a, dt.date(2026, 6, 30), TODAY, "active"),
                     ("1", cast.dept_a, dt.date(2026, 12, 31), TODAY, "active"),
                     ("1", cast.dept_a, dt.date(2026, 12, 31), TODAY, "active"),
                     ("3", cast.dept_b, dt.date(2026, 9, 30), TODAY, "active")]
    first = work_plan.key_points.get(number=1).work_item
    assert first.description == "区质量强区工作领导小组办公室2026年工作要点第1项：在规上工业企业全面推行首席质量官制度"
    assert sorted(first.co_units.values_list("unit__short_name", flat=True)) == ["区住建局", "沈家门街道"]
    assert AuditEvent.objects.filter(action=events.WORK_PLAN_PUBLISH).count() == 1
    with pytest.raises(ConflictError):  # issued once
        services.work_plan_publish(actor=cast.office, work_plan=work_plan)
    assert WorkItem.objects.count() == 4

    # The liaisons see their key points at once: the lead unit's and the co units'.
    assert [i.title for i in inbox_items(cast.liaison_a, 50)] == [
        "2026年工作要点第1项 · 在规上工业企业全面推行首席质量官制度", "2026年工作要点第2项 · 建设质量发展创新驱动平台",
        "2026年工作要点第3项 · 开展质量提升专项行动"]
    assert [i.title for i in inbox_items(cast.town_liaison, 50)] == [
        "2026年工作要点第1项 · 在规上工业企业全面推行首席质量官制度", "2026年工作要点第2项 · 建设质量发展创新驱动平台"]
    assert {i.section for i in inbox_items(cast.liaison_b, 50)} == {INBOX_DUE}
    assert inbox_items(cast.office, 50) == []
    # Once a cycle asks for reports, the progress inbox takes over.
    cycle_open(actor=cast.office, cycle=make_cycle(cast, plan, month=5))
    assert ProgressReport.objects.count() == 4
    assert inbox_items(cast.liaison_a, 50) == []


def test_import_into_an_issued_year_is_refused(cast):
    plan = make_plan(cast)
    text = "2026年工作要点\n一、深入实施质量提升行动，全面优化质量供给\n1. 开展工程质量检查（牵头单位：区住建局；完成时限：2026年6月底前）\n"
    imp = services.work_plan_import_preview(actor=cast.office, plan=plan, checked=checked("a.txt", text.encode()))
    work_plan = services.work_plan_import_confirm(actor=cast.office, imp=imp)
    services.work_plan_publish(actor=cast.office, work_plan=work_plan, today=TODAY)
    again = services.work_plan_import_preview(actor=cast.office, plan=plan, checked=checked("a.txt", text.encode()))
    with pytest.raises(ConflictError):
        services.work_plan_import_confirm(actor=cast.office, imp=again)
    assert KeyPoint.objects.count() == 1
    assert WorkPlanImport.objects.get(pk=again.pk).status == "preview"


def test_text_layout_with_labels_and_headings(cast):
    text = ("区质量强区工作领导小组办公室2026年工作要点\n\n一、增强发展动能，推动经济质量效益型发展\n"
            "1. 深入推行首席质量官制度（牵头单位：区经信局；配合单位：区住建局、沈家门街道；完成时限：2026年6月底前）\n"
            "2. 建设创新驱动平台\n（牵头单位：区经信局；完成时限：年底前）\n"
            "二、深入实施质量提升行动\n3. 开展工程质量检查。牵头单位：区住建局；完成时限：9月30日前\n")
    parsed = parse_work_plan(text.encode("gb18030"), "要点.txt")
    assert parsed.title == "区质量强区工作领导小组办公室2026年工作要点"
    assert [(p.text, p.group, p.lead, p.co, p.deadline, p.deadline_text) for p in parsed.points] == [
        ("深入推行首席质量官制度", "增强发展动能，推动经济质量效益型发展", ["区经信局"], ["区住建局", "沈家门街道"],
         "2026-06-30", "2026年6月底前"),
        ("建设创新驱动平台", "增强发展动能，推动经济质量效益型发展", ["区经信局"], [], "2026-12-31", "年底前"),
        ("开展工程质量检查。", "深入实施质量提升行动", ["区住建局"], [], "2026-09-30", "9月30日前"),
    ]


def test_docx_table_with_vertical_merge():
    document = Document()
    document.add_paragraph("区质量强区工作领导小组办公室2026年工作要点")
    table = document.add_table(rows=4, cols=5)
    for c, text in enumerate(["序号", "工作内容", "牵头单位", "配合单位", "完成时限"]):
        table.cell(0, c).text = text
    table.cell(1, 0).merge(table.cell(1, 4)).text = "一、增强发展动能"
    for r, row in ((2, ["1", "推行首席质量官制度", "区经信局", "区住建局", "2026年6月底前"]),
                   (3, ["2", "建设创新平台", "", "", "2026年10月底前"])):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    table.cell(2, 2).merge(table.cell(3, 2))
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_work_plan(buffer.getvalue(), "要点.docx")
    assert [(p.text, p.group, p.lead, p.co, p.deadline, p.where) for p in parsed.points] == [
        ("推行首席质量官制度", "一、增强发展动能", ["区经信局"], ["区住建局"], "2026-06-30", "表1：第3行"),
        ("建设创新平台", "一、增强发展动能", ["区经信局"], [], "2026-10-31", "表1：第4行"),
    ]


@pytest.mark.parametrize(("rows", "message"), [
    ([["序号", "工作要点", "牵头单位", "完成时限"], [1, None, "区经信局", "6月底前"]],
     "工作要点：第2行第B列（工作要点）：内容为空，但填写了牵头单位或完成时限"),
    ([["序号", "说明"], [1, "x"]], "工作表（工作要点）中没有找到表头：需要“工作要点”和“牵头单位”两列"),
    ([["序号", "工作要点", "牵头单位"]], "工作要点：表头在第1行，但其下没有工作要点"),
])
def test_xlsx_errors_name_row_and_column(rows, message):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "工作要点"
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(WorkPlanParseError) as info:
        parse_work_plan(buffer.getvalue(), "a.xlsx", year=2026)
    assert info.value.message == message


def test_unreadable_deadline_and_missing_lead_are_review_problems(cast):
    plan = make_plan(cast)
    text = "1. 开展工程质量检查（牵头单位：区住建局；完成时限：适时）\n2. 推行首席质量官制度（完成时限：2026年6月底前）\n"
    imp = services.work_plan_import_preview(actor=cast.office, plan=plan, checked=checked("a.txt", text.encode()),
                                            year=2026)
    review = import_review(imp)
    assert review.points[0].problems == ["第1段（第1条）：完成时限“适时”，无法识别为日期"]
    assert "第2段（第2条）：未写明牵头单位" in review.points[1].problems
    imp = services.work_plan_import_correct(actor=cast.office, imp=imp, deadlines={0: dt.date(2026, 8, 31)})
    assert import_review(imp).points[0].deadline == dt.date(2026, 8, 31)


@pytest.fixture
def issued(cast):
    plan = make_plan(cast)
    text = ("2026年工作要点\n一、增强发展动能，推动经济质量效益型发展\n"
            "1. 推行首席质量官制度（牵头单位：区经信局；配合单位：区住建局；完成时限：2026年6月底前）\n"
            "2. 建设创新驱动平台（牵头单位：区经信局；完成时限：2026年12月底前）\n"
            "3. 编制质量发展报告（牵头单位：区住建局；完成时限：2026年11月底前）\n"
            "4. 评选质量标杆企业（牵头单位：区住建局；完成时限：2026年10月底前）\n")
    imp = services.work_plan_import_preview(actor=cast.office, plan=plan, checked=checked("a.txt", text.encode()))
    services.work_plan_import_correct(actor=cast.office, imp=imp, tasks={i: plan.tasks.get(number="1") for i in range(4)})
    work_plan = services.work_plan_import_confirm(actor=cast.office, imp=imp)
    services.work_plan_publish(actor=cast.office, work_plan=work_plan, today=TODAY)
    return work_plan


def test_roll_over_carry_close_and_drop(cast, issued):
    from qualitygov.progress.services import work_item_complete

    p1, p2, p3, p4 = issued.key_points.order_by("number")
    work_item_complete(actor=cast.office, work_item=p4.work_item, on=dt.date(2026, 10, 20))  # done: not open
    with pytest.raises(ConflictError):  # next year not started yet
        services.roll_over_decide(actor=cast.office, key_point=p1, outcome="close", reason="已完成")
    nxt = services.roll_over_start(actor=cast.office, work_plan=issued)
    assert (nxt.year, nxt.status, nxt.previous, nxt.title) == (2027, "draft", issued,
                                                               "区质量强区工作领导小组办公室2027年工作要点")
    assert services.roll_over_start(actor=cast.office, work_plan=issued) == nxt  # the same draft
    on = dt.date(2026, 12, 20)
    carry = services.roll_over_decide(actor=cast.office, key_point=p1, outcome="carry", reason="试点尚未覆盖全部企业",
                                      deadline=dt.date(2027, 6, 30), today=on)
    close = services.roll_over_decide(actor=cast.office, key_point=p2, outcome="close", reason="平台已建成", today=on)
    drop = services.roll_over_decide(actor=cast.office, key_point=p3, outcome="drop", reason="并入年度考核工作", today=on)

    new = carry.carried_to
    assert (new.work_plan, new.number, new.text, new.task, new.lead_unit, new.deadline, new.origin, new.work_item) == (
        nxt, 1, "推行首席质量官制度", p1.task, cast.dept_a, dt.date(2027, 6, 30), p1, None)
    assert list(new.co_units.all()) == [cast.dept_b]
    for point in (p1, p2, p3, p4):
        point.work_item.refresh_from_db()
    assert (p1.work_item.status, p1.work_item.decision_note) == ("cancelled", "结转至2027年工作要点第1项继续推进：试点尚未覆盖全部企业")
    assert (p2.work_item.status, p2.work_item.completed_on) == ("completed", on)
    assert (p3.work_item.status, p3.work_item.decision_note) == ("cancelled", "并入年度考核工作")
    assert [(d.key_point.number, d.outcome, d.reason, d.decided_by, d.decided_on) for d in RollOverDecision.objects.all()] == [
        (1, "carry", "试点尚未覆盖全部企业", cast.office, on), (2, "close", "平台已建成", cast.office, on),
        (3, "drop", "并入年度考核工作", cast.office, on)]
    assert (close.carried_to, drop.carried_to) == (None, None)
    assert AuditEvent.objects.filter(action=events.ROLL_OVER_DECIDE).count() == 3

    # Nothing is decided twice; a closed key point is not open; carry needs a reason and a deadline in 2027.
    with pytest.raises(ConflictError):
        services.roll_over_decide(actor=cast.office, key_point=p2, outcome="drop", reason="重复")
    with pytest.raises(ConflictError):
        services.roll_over_decide(actor=cast.office, key_point=p4, outcome="close", reason="已完成")
    assert RollOverDecision.objects.count() == 3 and nxt.key_points.count() == 1


def test_roll_over_refusals_change_nothing(cast, issued):
    p1 = issued.key_points.get(number=1)
    services.roll_over_start(actor=cast.office, work_plan=issued)
    with pytest.raises(ServiceError):
        services.roll_over_decide(actor=cast.office, key_point=p1, outcome="carry", reason="继续",
                                  deadline=dt.date(2026, 12, 31))
    with pytest.raises(ServiceError):
        services.roll_over_decide(actor=cast.office, key_point=p1, outcome="drop", reason="  ")
    with pytest.raises(NotFoundError):
        services.roll_over_decide(actor=cast.liaison_a, key_point=p1, outcome="drop", reason="不做了")
    p1.work_item.refresh_from_db()
    assert p1.work_item.status == "active"
    assert not RollOverDecision.objects.exists() and KeyPoint.objects.filter(origin__isnull=False).count() == 0


def test_exports_docx_and_xlsx(cast, issued, client_for):
    from qualitygov.progress.services import work_item_complete

    work_item_complete(actor=cast.office, work_item=issued.key_points.get(number=1).work_item, on=dt.date(2026, 5, 1))
    client = client_for("liaison_a")
    response = client.get(reverse("workplans:docx", args=[issued.pk]))
    assert response.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert paragraphs[:3] == ["2026年工作要点", "一、增强发展动能，推动经济质量效益型发展",
                              "1. 推行首席质量官制度。（牵头单位：区经信局；配合单位：区住建局；完成时限：2026年6月底前）"]
    section = Document(io.BytesIO(response.content)).sections[0]
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    response = client.get(reverse("workplans:xlsx", args=[issued.pk]))
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("序号", "类别", "工作要点", "服务的方案任务", "牵头单位", "配合单位", "完成时限", "状态")
    assert rows[1] == (1, "增强发展动能，推动经济质量效益型发展", "推行首席质量官制度", "1 坚持质量发展创新驱动", "区经信局",
                       "区住建局", "2026年6月底前", "已完成")
    # The export reads back as an import of the same key points.
    again = parse_work_plan(response.content, "back.xlsx", year=2026)
    assert (again.points[0].text, again.points[0].lead, again.points[0].task_hint) == (
        "推行首席质量官制度", ["区经信局"], "1 坚持质量发展创新驱动")


def test_pages_upload_review_and_who_may_write(cast, client_for):
    plan = make_plan(cast)
    office = client_for("office")
    upload = SimpleUploadedFile("要点.xlsx", merged_xlsx())
    response = office.post(reverse("workplans:import_upload"), {"plan": plan.pk, "year": 2026, "file": upload})
    imp = WorkPlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workplans:import_review", args=[imp.pk])
    page = office.get(reverse("workplans:import_review", args=[imp.pk])).content.decode()
    assert "区火星局" in page and page.count('data-testid="review-point"') == 4
    # A liaison cannot see the import nor confirm it; nothing changes.
    liaison = client_for("liaison_a")
    assert liaison.get(reverse("workplans:import_review", args=[imp.pk])).status_code == 404
    assert liaison.post(reverse("workplans:import_review", args=[imp.pk]), {"confirm": "1"}).status_code in (403, 404)
    assert WorkPlanImport.objects.get().status == "preview" and not WorkPlan.objects.exists()
    # Confirming with the unknown unit left is refused with the count of problems.
    response = office.post(reverse("workplans:import_review", args=[imp.pk]), {"confirm": "1"})
    assert response.status_code == 400 and not WorkPlan.objects.exists()
    form = {"unit-0": cast.town.pk, "task-2": plan.tasks.get(number="1").pk, "confirm": "1"}
    for i, number in enumerate(["2", "1", "1", "3"]):
        form.setdefault(f"task-{i}", plan.tasks.get(number=number).pk)
    response = office.post(reverse("workplans:import_review", args=[imp.pk]), form)
    work_plan = WorkPlan.objects.get()
    assert response["Location"] == reverse("workplans:detail", args=[work_plan.pk])
    assert liaison.post(reverse("workplans:publish", args=[work_plan.pk])).status_code in (403, 404)
    assert WorkPlan.objects.get().status == "draft"
    assert office.post(reverse("workplans:publish", args=[work_plan.pk])).status_code == 302
    assert WorkPlan.objects.get().status == "published"
    detail = liaison.get(reverse("workplans:detail", args=[work_plan.pk])).content.decode()
    assert detail.count('data-testid="key-point"') == 4
    assert liaison.get(reverse("workplans:list")).status_code == 200


def test_bad_upload_is_refused_with_the_parsers_message(cast, client_for):
    plan = make_plan(cast)
    response = client_for("office").post(reverse("workplans:import_upload"), {
        "plan": plan.pk, "year": 2026, "file": SimpleUploadedFile("a.txt", "只是一段说明文字。".encode())})
    assert response.status_code == 400
    assert "没有找到编号的工作要点" in response.content.decode()
    assert not WorkPlanImport.objects.exists()


def test_the_list_filters_sorts_and_exports(cast, client_for, issued):
    for year in (2024, 2025):
        WorkPlan.objects.create(plan=issued.plan, year=year, title=f"{year}年工作要点")
    client = client_for("liaison_b")
    rows = client.get(reverse("workplans:list")).context["lst"].rows
    assert [(w.year, w.status, w.point_count, w.open_count) for w in rows] == [
        (2026, "published", 4, 4), (2025, "draft", 0, 0), (2024, "draft", 0, 0)]
    assert [w.year for w in client.get(reverse("workplans:list"), {"status": "draft", "sort": "year"})
            .context["lst"].rows] == [2024, 2025]
    response = client.get(reverse("workplans:list"), {"format": "xlsx", "year": 2026})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("年度", "标题", "实施方案", "状态", "要点数", "未完成数", "下达时间")
    assert rows[1][:6] == (2026, "2026年工作要点", issued.plan.title, "已下达", 4, 4)
    assert client.get(reverse("workplans:list"), {"sort": "-nope", "page": "x", "year": "x"}).status_code == 200
