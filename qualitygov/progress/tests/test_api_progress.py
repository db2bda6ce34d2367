"""`/api/v1/` for progress: work items, cycles, reports and findings scoped like the pages; the lead unit's report
saved and submitted through the report services, refused writes changing nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualitygov.core.models import AuditEvent
from qualitygov.progress.models import Finding, ProgressReport, ReportingCycle, WorkItem
from qualitygov.progress.services import cycle_open, finding_create, report_part_submit, report_save
from qualitygov.progress.tests.factories import make_cycle, make_item, make_task
from tests.dbstate import changed_tables, table_snapshot

ITEMS = "/api/v1/work-items/"
CYCLES = "/api/v1/reporting-cycles/"
REPORTS = "/api/v1/progress-reports/"
FINDINGS = "/api/v1/findings/"
NOT_FOUND = {"code": "not_found", "message": "未找到。", "fields": {}}
PLAN_TITLE = "普陀区深入贯彻落实《质量强国建设纲要》加快建设质量强区的实施方案（2023—2027年）"


@dataclass
class World:
    cycle: ReportingCycle
    shared: WorkItem  # led by 区经信局, 沈家门街道 co-operating
    solo: WorkItem  # led by 区住建局 alone
    shared_report: ProgressReport
    solo_report: ProgressReport
    finding: Finding


@pytest.fixture
def w(cast) -> World:
    task = make_task(cast)
    shared = make_item(cast, task, co=[cast.town])
    solo = make_item(cast, task, lead=cast.dept_b, co=[], title="推进装配式建筑")
    cycle = make_cycle(cast, task.plan)
    cycle_open(actor=cast.office, cycle=cycle)
    finding = finding_create(actor=cast.office, source="office_supervision", title="台账资料不全", unit=cast.dept_a,
                             task=task, deadline=dt.date(2026, 7, 31), found_on=dt.date(2026, 6, 1))
    return World(cycle, shared, solo, ProgressReport.objects.get(work_item=shared),
                 ProgressReport.objects.get(work_item=solo), finding)


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _ids(response) -> list[int]:
    return [row["id"] for row in _rows(response)]


def _draft(report) -> str:
    return f"{REPORTS}{report.pk}/draft/"


def _submit(report) -> str:
    return f"{REPORTS}{report.pk}/submit/"


def test_work_item_reads_exactly(client_for, cast, w):
    item = w.shared
    body = client_for("liaison_a").get(f"{ITEMS}{item.pk}/").json()
    assert body == {
        "id": item.pk, "plan": item.task.plan_id, "task": item.task_id, "task_number": "1",
        "task_title": "推动产业质量升级", "lead_unit": cast.dept_a.pk, "lead_unit_name": "舟山市普陀区经济和信息化局",
        "co_units": [{"unit": cast.town.pk, "unit_name": "舟山市普陀区沈家门街道"}], "title": "建成数字化车间10个",
        "description": "", "start_date": "2026-01-01", "deadline": "2026-12-31", "status": "active",
        "status_label": "推进中", "progress_pct": None, "progress_on": None, "completed_on": None, "light": "grey",
        "light_label": "无数据", "order": item.order, "created_at": body["created_at"], "updated_at": body["updated_at"], "version": 1,
    }


@pytest.mark.parametrize(("member", "items"), [
    ("office", ["shared", "solo"]), ("leader", ["shared", "solo"]), ("liaison_a", ["shared"]),
    ("liaison_b", ["solo"]), ("town_liaison", ["shared"]),
])
def test_each_member_lists_their_units_items_and_reports(client_for, cast, w, member, items):
    client = client_for(member)
    assert _ids(client.get(ITEMS)) == [getattr(w, name).pk for name in items]
    assert _ids(client.get(REPORTS)) == [getattr(w, f"{name}_report").pk for name in items]
    assert _ids(client.get(CYCLES)) == [w.cycle.pk]


def test_another_units_objects_are_not_found(client_for, cast, w):
    client = client_for("liaison_b")
    for url in (f"{ITEMS}{w.shared.pk}/", f"{REPORTS}{w.shared_report.pk}/", f"{FINDINGS}{w.finding.pk}/"):
        response = client.get(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), url


def test_work_item_filters(client_for, cast, w):
    client = client_for("office")
    assert _ids(client.get(ITEMS, {"unit": cast.town.pk})) == [w.shared.pk]
    assert _ids(client.get(ITEMS, {"lead_unit": cast.dept_b.pk})) == [w.solo.pk]
    assert _ids(client.get(ITEMS, {"light": "grey", "status": "active"})) == [w.shared.pk, w.solo.pk]
    assert _ids(client.get(ITEMS, {"light": "red"})) == []
    assert _ids(client.get(ITEMS, {"q": "装配式"})) == [w.solo.pk]
    bad = client.get(ITEMS, {"status": "done", "unit": "99999999999999999999"})
    assert (bad.status_code, bad.json()["code"], sorted(bad.json()["fields"])) == (400, "invalid", ["status", "unit"])


def test_cycles(client_for, cast, w):
    cycle = w.cycle
    assert _rows(client_for("town_liaison").get(CYCLES)) == [{
        "id": cycle.pk, "plan": cycle.plan_id, "plan_title": PLAN_TITLE, "label": "2026年5月",
        "frequency": "monthly", "frequency_label": "按月", "period_start": "2026-05-01", "period_end": "2026-05-31",
        "due_date": "2026-05-25", "opened_at": client_for("office").get(f"{CYCLES}{cycle.pk}/").json()["opened_at"],
    }]
    june = make_cycle(cast, cycle.plan, month=6)
    client = client_for("office")
    assert _ids(client.get(CYCLES, {"opened": "false"})) == [june.pk]
    assert _ids(client.get(CYCLES, {"opened": "true", "year": 2026})) == [cycle.pk]
    assert _ids(client.get(CYCLES, {"year": 2025})) == []
    assert client.get(CYCLES, {"frequency": "weekly"}).status_code == 400


def test_report_reads_exactly_and_a_co_unit_waits_for_the_filed_report(client_for, cast, w):
    report_save(actor=cast.liaison_a, report=w.shared_report, progress_pct="40", done_text="完成3个车间。")
    body = client_for("liaison_a").get(f"{REPORTS}{w.shared_report.pk}/").json()
    assert body == {
        "id": w.shared_report.pk, "cycle": w.cycle.pk, "cycle_label": "2026年5月", "plan": w.cycle.plan_id,
        "work_item": w.shared.pk, "work_item_title": "建成数字化车间10个", "task": w.shared.task_id,
        "unit": cast.dept_a.pk, "unit_name": "舟山市普陀区经济和信息化局", "status": "draft", "status_label": "草稿",
        "due_date": "2026-05-25", "progress_pct": "40.00", "done_text": "完成3个车间。", "problems": "",
        "next_steps": "", "return_reason": "", "submitted_at": None, "submitted_by": None, "submitted_by_name": None,
        "submitted_late": False, "decided_at": None, "updated_at": body["updated_at"], "content_readable": True, "version": 2,
    }
    co = client_for("town_liaison").get(f"{REPORTS}{w.shared_report.pk}/").json()
    assert co == {**body, "progress_pct": None, "done_text": None, "problems": None, "next_steps": None,
                  "return_reason": None, "content_readable": False}


def test_report_filters(client_for, cast, w):
    client = client_for("office")
    assert _ids(client.get(REPORTS, {"unit": cast.dept_b.pk})) == [w.solo_report.pk]
    assert _ids(client.get(REPORTS, {"work_item": w.shared.pk, "cycle": w.cycle.pk})) == [w.shared_report.pk]
    assert _ids(client.get(REPORTS, {"status": "submitted"})) == []
    assert _ids(client.get(REPORTS, {"due_from": "2026-05-26"})) == []
    assert client.get(REPORTS, {"due_to": "May"}).json()["fields"] == {"due_to": ["请输入有效日期。"]}


def test_findings(client_for, cast, w):
    finding = w.finding
    body = client_for("liaison_a").get(f"{FINDINGS}{finding.pk}/").json()
    assert body == {
        "id": finding.pk, "source": "office_supervision", "source_label": "质量强区办督查", "title": "台账资料不全",
        "description": "", "unit": cast.dept_a.pk, "unit_name": "舟山市普陀区经济和信息化局", "task": finding.task_id,
        "task_number": "1", "work_item": None, "work_item_title": None, "found_on": "2026-06-01",
        "deadline": "2026-07-31", "rectification_plan": "", "rectification_result": "", "status": "open",
        "status_label": "待整改", "verification_note": "", "raised_by": cast.office.pk, "raised_by_name": "office",
        "submitted_at": None, "verified_by": None, "verified_by_name": None, "closed_at": None, "reopened_count": 0,
        "created_at": body["created_at"], "updated_at": body["updated_at"], "version": 1,
    }
    assert _ids(client_for("liaison_b").get(FINDINGS)) == []
    office = client_for("office")
    assert _ids(office.get(FINDINGS, {"open": "true", "unit": cast.dept_a.pk})) == [finding.pk]
    assert _ids(office.get(FINDINGS, {"open": "false"})) == []
    overdue = [finding.pk] if dt.date(2026, 7, 31) < timezone.localdate() else []
    assert _ids(office.get(FINDINGS, {"overdue": "true"})) == overdue
    assert _ids(office.get(FINDINGS, {"q": "台账", "source": "office_supervision"})) == [finding.pk]
    assert office.get(FINDINGS, {"source": "rumour"}).status_code == 400


# Writes: the lead unit's script saves its report, then submits it.


def test_draft_then_submit(client_for, cast, w):
    client = client_for("liaison_b")
    report = w.solo_report
    saved = client.post(_draft(report), {"progress_pct": 30, "done_text": "完成2个项目。"},
                        content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert (saved.json()["status"], saved.json()["progress_pct"], saved.json()["done_text"]) == (
        "draft", "30.00", "完成2个项目。")
    event = AuditEvent.objects.filter(action="report.save").latest("seq")
    assert (event.actor_id, event.object_id, event.changes["status"]) == (cast.liaison_b.pk, str(report.pk),
                                                                         ["open", "draft"])
    submitted = client.post(_submit(report), {"problems": "无"}, content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    report.refresh_from_db()
    assert (report.status, report.progress_pct, report.done_text, report.problems, report.submitted_by_id) == (
        "submitted", Decimal("30.00"), "完成2个项目。", "无", cast.liaison_b.pk)
    assert (submitted.json()["status"], submitted.json()["submitted_by_name"]) == ("submitted", "liaison_b")
    assert AuditEvent.objects.filter(action="report.submit", object_id=str(report.pk)).count() == 1


def _unchanged(request):
    """Send `request()`; assert nothing in the database (audit trail included) changed; return the response."""
    before, events = table_snapshot(), AuditEvent.objects.count()
    response = request()
    assert changed_tables(before, table_snapshot()) == []
    assert AuditEvent.objects.count() == events
    return response


@pytest.mark.parametrize("member", ["liaison_a", "town_liaison", "leader"])
def test_others_cannot_write_the_report_and_nothing_changes(client_for, cast, w, member):
    client = client_for(member)
    for url in (_draft(w.solo_report), _submit(w.solo_report)):
        response = _unchanged(lambda: client.post(url, {"progress_pct": "50", "done_text": "x"},  # noqa: B023
                                                  content_type="application/json"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND), url


def test_a_co_unit_may_not_write_the_lead_units_report(client_for, cast, w):
    client = client_for("town_liaison")
    response = _unchanged(lambda: client.post(_draft(w.shared_report), {"done_text": "x"},
                                              content_type="application/json"))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_submitting_before_the_parts_are_filed_is_a_conflict(client_for, cast, w):
    client = client_for("liaison_a")
    report = w.shared_report
    response = _unchanged(lambda: client.post(_submit(report), {"progress_pct": "50", "done_text": "完成5个车间。"},
                                              content_type="application/json"))
    assert (response.status_code, response.json()) == (409, {
        "code": "conflict", "message": "以下配合单位尚未报送：沈家门街道。", "fields": {"parts": ["沈家门街道"]}})
    report_part_submit(actor=cast.town_liaison, part=report.parts.get(), done_text="配合完成走访。")
    done = client.post(_submit(report), {"progress_pct": "50", "done_text": "完成5个车间。"},
                       content_type="application/json")
    assert (done.status_code, done.json()["status"]) == (200, "submitted")
    assert report.parts.get().status == "accepted"
    again = _unchanged(lambda: client.post(_draft(report), {"done_text": "改"}, content_type="application/json"))
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


@pytest.mark.parametrize(("url", "body", "fields"), [
    ("draft", {"progress_pct": "150"}, {"progress_pct": ["请填写0到100之间的进度。"]}),
    ("submit", {"progress_pct": "50"}, {"done_text": ["请填写完成情况。"]}),
    ("submit", {"done_text": "完成。"}, {"progress_pct": ["请填写0到100之间的进度。"]}),
    ("draft", {"done_text": ["a"]}, {"done_text": ["不是有效的字符串。"]}),
])
def test_bad_reports_are_400_naming_the_field(client_for, cast, w, url, body, fields):
    client = client_for("liaison_b")
    target = _draft(w.solo_report) if url == "draft" else _submit(w.solo_report)
    response = _unchanged(lambda: client.post(target, body, content_type="application/json"))
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == fields


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("member", ["office", "town_liaison"])
def test_list_queries_do_not_grow_with_rows(client_for, cast, w, member, django_assert_max_num_queries):
    client = client_for(member)
    urls = (ITEMS, CYCLES, REPORTS, FINDINGS)
    task = w.shared.task

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            make_item(cast, task, co=[cast.town, cast.dept_b], title=f"事项{i}")
            finding_create(actor=cast.office, source="inspection", title=f"问题{i}", unit=cast.town, task=task,
                           deadline=dt.date(2026, 8, 31), found_on=dt.date(2026, 6, 1))

    add(0, 1)
    few = {url: _count(client, url) for url in urls}
    add(1, 10)
    cycle_open(actor=cast.office, cycle=make_cycle(cast, task.plan, month=6))
    assert {url: _count(client, url) for url in urls} == few
    for url in urls:
        with django_assert_max_num_queries(10):
            client.get(url)


def test_a_stale_version_is_a_409_and_changes_nothing(client_for, cast, w):
    client = client_for("liaison_b")
    report = w.solo_report
    first = client.post(_draft(report), {"done_text": "甲", "version": 1}, content_type="application/json")
    assert (first.status_code, first.json()["version"], first["ETag"]) == (200, 2, '"2"')
    stale = _unchanged(lambda: client.post(_draft(report), {"done_text": "乙", "version": 1},
                                           content_type="application/json"))
    assert stale.status_code == 409
    body = stale.json()
    assert (body["code"], body["fields"]) == ("stale", {})
    assert body["message"].startswith("您打开之后，该进展报告已被 liaison_b 于 ")
    assert "（您的版本 1，现为 2）。与您填写的不同之处：完成情况。" in body["message"]
    # The same through If-Match, on draft and submit.
    assert _unchanged(lambda: client.post(_submit(report), {"progress_pct": 10}, content_type="application/json",
                                          HTTP_IF_MATCH='"1"')).status_code == 409
    ok = client.post(_submit(report), {"progress_pct": 10}, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert (ok.status_code, ok.json()["status"], ok.json()["version"]) == (200, "submitted", 3)
    assert ProgressReport.objects.get(pk=report.pk).done_text == "甲"


def test_a_malformed_version_is_a_400(client_for, w):
    response = client_for("liaison_b").post(_draft(w.solo_report), {"done_text": "甲"},
                                            content_type="application/json", HTTP_IF_MATCH="abc")
    assert (response.status_code, response.json()["fields"]) == (400, {"version": ["版本号必须是整数。"]})
