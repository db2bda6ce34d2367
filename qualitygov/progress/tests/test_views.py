"""Progress pages: the reporting flow through the pages, scoping of drafts and town items, evidence
limits, extensions, the inbox and the task timeline."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory
from qualitygov.progress.models import ExtensionRequest, ProgressReport, ReportPart, WorkItem, WorkItemLight
from qualitygov.progress.services import (
    cycle_create,
    cycle_open,
    extension_request_create,
    report_part_submit,
    report_submit,
    work_item_create,
    work_items_create_for_towns,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def text_of(response) -> str:
    """The page's visible text with tags dropped and whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


class Flow:
    """A task led by 区经信局; a work item running from 100 days ago to 100 days ahead, led by 区经信局
    with 区住建局 and 沈家门街道 co-operating; a cycle due yesterday, opened."""

    def __init__(self, cast):
        today = timezone.localdate()
        self.cast = cast
        self.plan = plan_factory()
        group = group_factory(plan=self.plan, number="一", title="推动经济发展质量效益型跃升")
        self.task = task_factory(plan=self.plan, group=group, title="推动产业质量升级", lead=[cast.dept_a],
                                 co=[cast.dept_b])
        self.item = work_item_create(actor=cast.office, task=self.task, lead_unit=cast.dept_a,
                                     title="建成数字化车间10个", start_date=today - dt.timedelta(days=100),
                                     deadline=today + dt.timedelta(days=100), co_units=[cast.dept_b, cast.town])
        self.cycle = cycle_create(actor=cast.office, plan=self.plan, frequency="monthly",
                                  period_start=today.replace(day=1), period_end=today + dt.timedelta(days=1),
                                  due_date=today - dt.timedelta(days=1), label="本月")
        cycle_open(actor=cast.office, cycle=self.cycle)
        self.report = ProgressReport.objects.get(work_item=self.item)
        self.part_b = ReportPart.objects.get(report=self.report, unit=cast.dept_b)
        self.part_town = ReportPart.objects.get(report=self.report, unit=cast.town)

    def refresh(self):
        self.report.refresh_from_db()
        self.part_b.refresh_from_db()
        self.part_town.refresh_from_db()
        self.item.refresh_from_db()


@pytest.fixture
def flow(cast) -> Flow:
    return Flow(cast)


def _part_url(part) -> str:
    return reverse("progress:part_detail", args=[part.pk])


def _report_url(report) -> str:
    return reverse("progress:report_detail", args=[report.pk])


# --- the reporting flow -----------------------------------------------------------------------


def test_co_units_file_the_lead_returns_one_then_submits_and_the_office_approves(client_for, cast, flow):
    b, town, lead, office = (client_for(m) for m in ("liaison_b", "town_liaison", "liaison_a", "office"))

    response = b.post(_part_url(flow.part_b), {"action": "submit", "done_text": "配合完成企业走访12家。",
                                               "problems": "", "next_steps": "继续走访。"}, follow=True)
    assert messages_of(response) == ["分报已报送牵头单位。"]
    town.post(_part_url(flow.part_town), {"action": "submit", "done_text": "街道完成摸排。"})
    flow.refresh()
    assert (flow.part_b.status, flow.part_town.status) == ("submitted", "submitted")

    page = text_of(lead.get(_report_url(flow.report)))
    assert "配合完成企业走访12家。" in page and "街道完成摸排。" in page

    response = lead.post(reverse("progress:part_decide", args=[flow.part_town.pk]),
                         {"decision": "return", "return-reason": " "}, follow=True)
    assert messages_of(response) == ["请填写理由。"]
    response = lead.post(reverse("progress:part_decide", args=[flow.part_town.pk]),
                         {"decision": "return", "return-reason": "请补充摸排数据。"}, follow=True)
    assert messages_of(response) == ["分报已退回沈家门街道。"]
    flow.refresh()
    assert (flow.part_town.status, flow.part_town.return_reason) == ("returned", "请补充摸排数据。")
    assert flow.part_b.status == "submitted"

    response = lead.post(_report_url(flow.report), {"action": "submit", "progress_pct": "55",
                                                    "done_text": "已建成6个车间。"}, follow=True)
    assert messages_of(response) == ["已保存为草稿，但尚未提交：尚待以下单位报送分报：沈家门街道。"]
    assert "已建成6个车间。" in text_of(response)
    flow.refresh()
    assert (flow.report.status, flow.report.progress_pct, flow.report.done_text, flow.report.submitted_at) == (
        "draft", Decimal("55.00"), "已建成6个车间。", None)

    assert "请补充摸排数据。" in text_of(town.get(_part_url(flow.part_town)))
    town.post(_part_url(flow.part_town), {"action": "submit", "done_text": "街道完成摸排，涉及企业30家。"})
    response = lead.post(_report_url(flow.report), {"action": "submit", "progress_pct": "55",
                                                    "done_text": "已建成6个车间。", "problems": "资金到位慢。",
                                                    "next_steps": "年底前建成10个。"}, follow=True)
    assert messages_of(response) == ["报告已提交质量强区办。"]
    flow.refresh()
    assert (flow.report.status, flow.report.progress_pct, flow.report.submitted_late) == (
        "submitted", Decimal("55.00"), True)
    assert (flow.part_b.status, flow.part_town.status) == ("accepted", "accepted")

    response = office.post(reverse("progress:report_review", args=[flow.report.pk]), {"decision": "approve"},
                           follow=True)
    assert messages_of(response) == ["报告已审核通过。"]
    flow.refresh()
    assert (flow.report.status, flow.item.progress_pct) == ("approved", Decimal("55.00"))
    light = WorkItemLight.objects.get(work_item=flow.item)
    assert (light.light, light.rule, light.progress_pct) == ("green", "on_schedule", Decimal("55.00"))

    page = text_of(office.get(reverse("progress:work_item_detail", args=[flow.item.pk])))
    assert "亮灯原因: 符合序时进度" in page
    assert "报送进度（%） 55.00" in page


def test_the_office_returns_a_report_with_a_reason(client_for, cast, flow):
    for member, part in (("liaison_b", flow.part_b), ("town_liaison", flow.part_town)):
        client_for(member).post(_part_url(part), {"action": "submit", "done_text": "完成。"})
    client_for("liaison_a").post(_report_url(flow.report), {"action": "submit", "progress_pct": "20",
                                                            "done_text": "推进中。"})
    office = client_for("office")
    response = office.post(reverse("progress:report_review", args=[flow.report.pk]), {"decision": "return"},
                           follow=True)
    assert messages_of(response) == ["请填写理由。"]
    flow.refresh()
    assert flow.report.status == "submitted"
    office.post(reverse("progress:report_review", args=[flow.report.pk]),
                {"decision": "return", "note": "进度数据与佐证不符。"})
    flow.refresh()
    assert (flow.report.status, flow.report.return_reason) == ("returned", "进度数据与佐证不符。")
    inbox = client_for("liaison_a").get(reverse("progress:inbox"))
    assert "进度数据与佐证不符。" in text_of(inbox)


def test_a_leader_may_read_but_not_review_or_file(client_for, flow):
    leader = client_for("leader")
    assert leader.get(_report_url(flow.report)).status_code == 200
    before = AuditEvent.objects.count()
    assert leader.post(_report_url(flow.report), {"action": "save", "progress_pct": "10"}).status_code == 404
    assert leader.post(reverse("progress:report_review", args=[flow.report.pk]),
                       {"decision": "approve"}).status_code == 404
    flow.refresh()
    assert (flow.report.status, flow.report.progress_pct, AuditEvent.objects.count()) == ("open", None, before)


def test_the_office_reads_a_units_report_and_parts_without_the_units_forms(client_for, flow):
    """The office may change everywhere, but the unit files: no editable form, no "my part", no lead decision."""
    client_for("liaison_b").post(_part_url(flow.part_b), {"action": "submit", "done_text": "配合完成企业走访12家。"})
    office = client_for("office")
    report_page = office.get(_report_url(flow.report)).content.decode()
    assert 'data-testid="report-form"' not in report_page
    assert 'data-testid="submit-report"' not in report_page
    assert "打开本单位分报" not in report_page
    assert 'data-testid="return-part"' not in report_page
    assert "本报告由区经信局填报；报送后由质量强区办审核。" in text_of(office.get(_report_url(flow.report)))
    part_page = office.get(_part_url(flow.part_town)).content.decode()
    assert 'name="done_text"' not in part_page
    # The units themselves keep their forms.
    lead_page = client_for("liaison_a").get(_report_url(flow.report)).content.decode()
    assert 'data-testid="report-form"' in lead_page
    assert 'data-testid="return-part"' in lead_page
    town_report = client_for("town_liaison").get(_report_url(flow.report)).content.decode()
    assert "打开本单位分报" in town_report
    assert 'name="done_text"' in client_for("town_liaison").get(_part_url(flow.part_town)).content.decode()


# --- scoping ----------------------------------------------------------------------------------


def test_a_co_unit_cannot_see_another_co_units_draft(client_for, flow):
    client_for("liaison_b").post(_part_url(flow.part_b), {"action": "save", "done_text": "住建局草稿内容"})
    flow.refresh()
    assert flow.part_b.status == "draft"

    town = client_for("town_liaison")
    assert town.get(_part_url(flow.part_b)).status_code == 404
    report_page = town.get(_report_url(flow.report))
    assert report_page.status_code == 200
    assert "住建局草稿内容" not in report_page.content.decode()
    assert "区住建局" not in text_of(report_page)  # a co unit sees its own row only

    lead = client_for("liaison_a")
    assert lead.get(_part_url(flow.part_b)).status_code == 404
    assert "住建局草稿内容" not in lead.get(_report_url(flow.report)).content.decode()
    assert "住建局草稿内容" in client_for("liaison_b").get(_part_url(flow.part_b)).content.decode()

    before = AuditEvent.objects.count()
    assert town.post(_part_url(flow.part_b), {"action": "submit", "done_text": "冒名"}).status_code == 404
    flow.refresh()
    assert (flow.part_b.status, flow.part_b.done_text, AuditEvent.objects.count()) == ("draft", "住建局草稿内容", before)


def test_a_town_sees_only_its_own_items(client_for, cast):
    from qualitygov.accounts.choices import OrgUnitKind
    from qualitygov.accounts.services import org_unit_create

    other = org_unit_create(actor=None, name="舟山市普陀区东港街道", kind=OrgUnitKind.SUBDISTRICT,
                            parent=cast.district, short_name="东港街道")
    plan = plan_factory()
    task = task_factory(plan=plan, title="提高全民质量素养", lead=[cast.office_unit], all_towns=True)
    today = timezone.localdate()
    items = work_items_create_for_towns(actor=cast.office, task=task, title="开展质量月活动",
                                        start_date=today, deadline=today + dt.timedelta(days=60))
    assert sorted(i.lead_unit.short_name for i in items) == ["东港街道", "沈家门街道"]
    mine = next(i for i in items if i.lead_unit_id == cast.town.pk)
    theirs = next(i for i in items if i.lead_unit_id == other.pk)

    town = client_for("town_liaison")
    rows = re.findall(r'<tr data-testid="work-item-row">.*?</tr>', town.get(reverse("progress:work_item_list"))
                      .content.decode(), re.S)
    assert len(rows) == 1 and "沈家门街道" in rows[0]
    assert town.get(reverse("progress:work_item_detail", args=[mine.pk])).status_code == 200
    assert town.get(reverse("progress:work_item_detail", args=[theirs.pk])).status_code == 404
    board = town.get(reverse("progress:board") + f"?plan={plan.pk}")
    units = re.findall(r'<th scope="col" class="text-center" data-unit="(\d+)"', board.content.decode())
    assert units == [str(cast.town.pk)]
    office_units = re.findall(r'data-unit="(\d+)"', client_for("office").get(
        reverse("progress:board") + f"?plan={plan.pk}").content.decode())
    assert sorted(office_units) == sorted([str(cast.town.pk), str(other.pk)])


# --- evidence ---------------------------------------------------------------------------------


def _stored_files() -> set[str]:
    root = settings.MEDIA_ROOT
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("验收.pdf", b"MZ\x90\x00 this is an exe", "application/pdf"), "“验收.pdf”实际上不是 .pdf 文件。"),
    (SimpleUploadedFile("验收.exe", b"MZ\x90\x00", "application/octet-stream"), "“验收.exe”：不接受此类文件"),
    (SimpleUploadedFile("台账.docx", b"PK\x03\x04not really a zip", "application/octet-stream"),
     "“台账.docx”实际上不是 .docx 文件。"),
])
def test_disguised_or_wrong_files_are_refused_and_nothing_is_stored(client_for, flow, upload, message):
    before_files, before_rows = _stored_files(), Attachment.objects.count()
    response = client_for("liaison_b").post(_part_url(flow.part_b), {
        "action": "submit", "done_text": "配合完成。", "evidence": upload})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["evidence"]
    assert len(form.errors["evidence"]) == 1 and message in form.errors["evidence"][0]
    assert "文件内容与文件类型不符" not in text_of(response)
    flow.refresh()
    assert (flow.part_b.status, flow.part_b.done_text) == ("open", "")
    assert (Attachment.objects.count(), _stored_files()) == (before_rows, before_files)


@override_settings(QUALITYGOV_EVIDENCE_MAX_BYTES=1024)
def test_an_oversized_file_is_refused_and_nothing_is_stored(client_for, flow):
    before_files = _stored_files()
    big = SimpleUploadedFile("汇报.pdf", b"%PDF-1.4\n" + b"0" * 2048, "application/pdf")
    response = client_for("liaison_a").post(_report_url(flow.report), {
        "action": "save", "progress_pct": "30", "done_text": "推进中。", "evidence": big})
    assert response.status_code == 200
    assert "“汇报.pdf”大小为 2 KB，超过上限 1 KB。" in text_of(response)
    assert response.context["form"].errors == {"evidence": ["“汇报.pdf”大小为 2 KB，超过上限 1 KB。"]}
    flow.refresh()
    assert (flow.report.status, flow.report.progress_pct, flow.report.done_text) == ("open", None, "")
    assert (Attachment.objects.count(), _stored_files()) == (0, before_files)


def test_evidence_is_stored_and_downloadable_within_scope(client_for, flow):
    response = client_for("liaison_a").post(_report_url(flow.report), {
        "action": "save", "progress_pct": "30", "done_text": "推进中。",
        "evidence": SimpleUploadedFile("车间验收.pdf", PDF, "application/pdf")}, follow=True)
    assert messages_of(response) == ["草稿已保存。"]
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.owner_type, attachment.owner_id) == (
        "车间验收.pdf", "progress.progressreport", str(flow.report.pk))
    url = reverse("progress:attachment_download", args=[attachment.pk])
    download = client_for("liaison_a").get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    # The lead unit's draft stays with it: a co unit gets the same 404 as for a missing file ...
    assert client_for("liaison_b").get(url).status_code == 404
    assert client_for("liaison_b").get(_report_url(flow.report)).context["evidence"] == []
    # ... and reads the evidence once the report is filed.
    report_part_submit(actor=flow.cast.liaison_b, part=flow.part_b, done_text="已配合。")
    report_part_submit(actor=flow.cast.town_liaison, part=flow.part_town, done_text="已配合。")
    report_submit(actor=flow.cast.liaison_a, report=flow.report)
    assert client_for("liaison_b").get(url).status_code == 200
    assert client_for("liaison_b").get(_report_url(flow.report)).context["evidence"] == [attachment]
    outsider = client_for("liaison_a")
    attachment.owner_id = "999999"
    attachment.save()
    assert outsider.get(url).status_code == 404


def test_a_co_unit_does_not_see_the_lead_units_draft_progress_on_the_work_item(client_for, flow):
    client_for("liaison_a").post(_report_url(flow.report), {"action": "save", "progress_pct": "30",
                                                            "done_text": "推进中。"})
    url = reverse("progress:work_item_detail", args=[flow.item.pk])

    def progress_cell(who: str) -> str:
        response = client_for(who).get(url)
        assert [r.pk for r in response.context["reports"]] == [flow.report.pk]
        html = response.content.decode()
        table = html[html.index('data-testid="item-reports"'):]
        return re.findall(r"<td>([^<]*)</td>", table)[2]

    assert progress_cell("liaison_a") == "30.00"
    assert progress_cell("liaison_b") == "—"


# --- extensions -------------------------------------------------------------------------------


def _item_extensions(cast, flow, n: int) -> None:
    for i in range(n):
        item = work_item_create(actor=cast.office, task=flow.task, lead_unit=cast.dept_a, title=f"事项{i:02d}",
                                start_date=flow.item.start_date, deadline=flow.item.deadline, co_units=[])
        extension_request_create(actor=cast.liaison_a, work_item=item, reason="设备到货延迟。",
                                 requested_due_date=flow.item.deadline + dt.timedelta(days=30))


def test_the_extension_list_exports_what_the_user_sees(cast, client_for, flow):
    _item_extensions(cast, flow, 1)
    deadline = flow.item.deadline
    page = client_for("office").get(reverse("progress:extension_list"), {"status": "pending"})
    assert 'href="?status=pending&amp;format=xlsx" data-testid="list-export"' in page.content.decode()
    response = client_for("office").get(reverse("progress:extension_list_xlsx"), {"status": "pending"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("单位", "工作事项", "报送周期", "原定日期", "申请延至", "理由", "状态", "申请人", "审批意见",
                       "审批人", "审批时间")
    assert [row[:9] for row in rows[1:]] == [
        ("区经信局", "事项00", None, dt.datetime.combine(deadline, dt.time()),
         dt.datetime.combine(deadline + dt.timedelta(days=30), dt.time()), "设备到货延迟。", "待决定",
         str(cast.liaison_a), None)]
    # 区住建局 is no party to the request: its export has the header only.
    other = client_for("liaison_b").get(reverse("progress:extension_list_xlsx"))
    assert len(list(load_workbook(io.BytesIO(other.content)).active.iter_rows(values_only=True))) == 1


def test_the_extension_list_and_export_take_the_same_queries_for_5_or_30_rows(cast, client_for, flow):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = client_for("office")
    counts = []
    for total in (5, 30):
        _item_extensions(cast, flow, total - ExtensionRequest.objects.count())
        for name in ("progress:extension_list", "progress:extension_list_xlsx"):
            with CaptureQueriesContext(connection) as ctx:
                assert office.get(reverse(name)).status_code == 200
            counts.append((name, len(ctx.captured_queries)))
    assert ExtensionRequest.objects.count() == 30
    assert counts[:2] == counts[2:]


def test_the_lead_requests_an_extension_and_the_office_approves_it(client_for, flow):
    lead = client_for("liaison_a")
    new_date = flow.report.due_date + dt.timedelta(days=10)
    response = lead.post(reverse("progress:report_extension", args=[flow.report.pk]),
                         {"requested_due_date": new_date.isoformat(), "reason": "设备到货延迟。"}, follow=True)
    assert messages_of(response) == ["延期申请已提交，待审批。"]
    extension = ExtensionRequest.objects.get()
    assert (extension.status, extension.requested_due_date) == ("pending", new_date)
    assert f"区经信局 申请延期至 {new_date.isoformat()}" in text_of(client_for("office").get(reverse("progress:inbox")))

    assert client_for("liaison_b").post(reverse("progress:extension_decide", args=[extension.pk]),
                                        {"decision": "approve"}).status_code == 404
    response = client_for("office").post(reverse("progress:extension_decide", args=[extension.pk]),
                                         {"decision": "approve"}, follow=True)
    assert messages_of(response) == [f"延期申请已批准，新的截止日期为 {new_date.isoformat()}。"]
    flow.refresh()
    assert flow.report.due_date == new_date


def test_an_extension_must_move_the_date_later(client_for, flow):
    response = client_for("liaison_a").post(reverse("progress:report_extension", args=[flow.report.pk]), {
        "requested_due_date": flow.report.due_date.isoformat(), "reason": "x"})
    assert response.status_code == 200
    assert f"申请的日期须晚于原截止日期（{flow.report.due_date.isoformat()}）。" in text_of(response)
    assert ExtensionRequest.objects.count() == 0


# --- work items -------------------------------------------------------------------------------


def test_the_office_creates_one_item_per_town_and_a_unit_proposes_one(client_for, cast):
    plan = plan_factory()
    towns_task = task_factory(plan=plan, title="提高全民质量素养", lead=[cast.office_unit], all_towns=True)
    task = task_factory(plan=plan, title="推动产业质量升级", lead=[cast.dept_a])
    response = client_for("office").post(reverse("progress:work_item_create"), {
        "task": towns_task.pk, "all_towns": "on", "title": "开展质量月活动", "deadline": "2026-12-31",
        "start_date": "2026-01-01", "milestones": "2026-09-30 完成活动方案"}, follow=True)
    assert messages_of(response) == ["已为各镇（街道）各建一项，共 1 项工作事项。"]
    item = WorkItem.objects.get(task=towns_task)
    assert (item.lead_unit_id, item.status, [m.title for m in item.milestones.all()]) == (
        cast.town.pk, "active", ["完成活动方案"])

    response = client_for("liaison_a").post(reverse("progress:work_item_propose"), {
        "task": task.pk, "lead_unit": cast.dept_a.pk, "co_units": [cast.dept_b.pk], "title": "培育专精特新企业5家",
        "deadline": "2026-12-31", "milestones": "第一季度 完成"})
    assert "第 1 行：请写日期和名称" in text_of(response)
    response = client_for("liaison_a").post(reverse("progress:work_item_propose"), {
        "task": task.pk, "lead_unit": cast.dept_a.pk, "co_units": [cast.dept_b.pk], "title": "培育专精特新企业5家",
        "deadline": "2026-12-31"}, follow=True)
    proposed = WorkItem.objects.get(title="培育专精特新企业5家")
    assert (proposed.status, proposed.lead_unit_id) == ("proposed", cast.dept_a.pk)
    assert "申报的工作事项" in text_of(client_for("office").get(reverse("progress:inbox")))
    client_for("office").post(reverse("progress:work_item_decide", args=[proposed.pk]), {"decision": "approve"})
    proposed.refresh_from_db()
    assert proposed.status == "active"


def test_a_liaison_cannot_propose_for_another_unit(client_for, cast):
    task = task_factory(plan=plan_factory(), title="推动产业质量升级", lead=[cast.dept_a])
    response = client_for("liaison_a").post(reverse("progress:work_item_propose"), {
        "task": task.pk, "lead_unit": cast.dept_b.pk, "title": "越权申报", "deadline": "2026-12-31"})
    assert response.status_code == 200
    assert WorkItem.objects.count() == 0


# --- inbox and timeline -----------------------------------------------------------------------


def test_the_inbox_shows_each_role_what_waits_for_it(client_for, flow):
    due = re.compile(r'data-testid="inbox-due".*?</section>', re.S)
    review = re.compile(r'data-testid="inbox-review".*?</section>', re.S)
    lead_box = client_for("liaison_a").get(reverse("progress:inbox")).content.decode()
    assert "建成数字化车间10个" in due.search(lead_box).group(0)
    b_box = client_for("liaison_b").get(reverse("progress:inbox")).content.decode()
    assert reverse("progress:part_detail", args=[flow.part_b.pk]) in due.search(b_box).group(0)
    client_for("liaison_b").post(_part_url(flow.part_b), {"action": "submit", "done_text": "完成。"})
    lead_box = client_for("liaison_a").get(reverse("progress:inbox")).content.decode()
    assert "区住建局 已报送分报" in text_of_html(review.search(lead_box).group(0))
    office_box = client_for("office").get(reverse("progress:inbox")).content.decode()
    assert "暂无待审核事项。" in text_of_html(review.search(office_box).group(0))


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_task_timeline_lists_reports_and_findings(client_for, cast, flow):
    from qualitygov.progress.services import finding_create

    for member, part in (("liaison_b", flow.part_b), ("town_liaison", flow.part_town)):
        client_for(member).post(_part_url(part), {"action": "submit", "done_text": "完成。"})
    client_for("liaison_a").post(_report_url(flow.report), {"action": "submit", "progress_pct": "50",
                                                            "done_text": "推进中。"})
    client_for("office").post(reverse("progress:report_review", args=[flow.report.pk]), {"decision": "approve"})
    finding_create(actor=cast.office, source="office_supervision", title="台账资料不全", unit=cast.dept_a,
                   task=flow.task, deadline=timezone.localdate() + dt.timedelta(days=30))
    page = client_for("liaison_a").get(reverse("progress:task_timeline", args=[flow.task.pk]))
    kinds = re.findall(r'<li class="mb-3" data-kind="([a-z_]+)"', page.content.decode())
    assert sorted(kinds) == ["finding_raised", "report_approved", "report_submitted"]
    assert "报告审核通过" in text_of(page)
    assert client_for("town_liaison").get(reverse("progress:task_timeline", args=[flow.task.pk])).status_code == 404


def test_a_report_filed_by_no_signed_in_person_shows_system_not_none(client_for, flow):
    for member, part in (("liaison_b", flow.part_b), ("town_liaison", flow.part_town)):
        client_for(member).post(_part_url(part), {"action": "submit", "done_text": "完成。"})
    client_for("liaison_a").post(_report_url(flow.report), {"action": "submit", "progress_pct": "20",
                                                            "done_text": "推进中。"})
    ProgressReport.objects.filter(pk=flow.report.pk).update(submitted_by=None)
    ReportPart.objects.filter(pk=flow.part_b.pk).update(submitted_by=None)
    office = client_for("office")
    for url in (_report_url(flow.report), _part_url(flow.part_b)):
        text = text_of(office.get(url))
        assert "None" not in text
        assert "· 系统" in text
