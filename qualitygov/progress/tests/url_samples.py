"""URL kwargs for the permission matrix: one sample object per progress URL that takes arguments.

Everything hangs off the plans workspace plan (tasks 1–4 over the cast's units) and one monthly
cycle, built through the services as the system (actor None) or the office:
- a "solo" work item under task 1 led by 区经信局 (liaison_a) with no co unit, its report, an
  evidence file on that report, a pending extension request and a finding for 区经信局;
- a "shared" item led by 区经信局 with 区住建局 (liaison_b) co-operating, whose part is still open
  (a draft belongs to its unit: the lead may not read it);
- a "filed" item like it whose part has been filed (the lead decides on it).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _plan(cast):
    from qualitygov.plans.models import Plan
    from qualitygov.plans.tests.factories import PLAN_TITLE, workspace_plan

    return Plan.objects.filter(title=PLAN_TITLE).first() or workspace_plan(cast)


def _cycle(cast):
    from qualitygov.progress.models import ReportingCycle
    from qualitygov.progress.services import cycle_create

    plan = _plan(cast)
    return ReportingCycle.objects.filter(plan=plan).first() or cycle_create(
        actor=None, plan=plan, frequency="monthly", period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 5, 31), due_date=dt.date(2026, 5, 25))


def _item(cast, title: str, co: list):
    from qualitygov.progress.models import ProgressReport, WorkItem
    from qualitygov.progress.services import cycle_open, work_item_create

    item = WorkItem.objects.filter(title=title).first()
    if item is None:
        item = work_item_create(actor=None, task=_plan(cast).tasks.get(number="1"), lead_unit=cast.dept_a,
                                title=title, start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31),
                                co_units=co)
        cycle_open(actor=None, cycle=_cycle(cast))
    return item, ProgressReport.objects.get(work_item=item)


def solo_item(cast):
    return _item(cast, "建成数字化车间10个", [])[0]


def milestone(cast):
    from qualitygov.progress.models import Milestone

    item = solo_item(cast)
    return item.milestones.first() or Milestone.objects.create(work_item=item, title="完成设备招标",
                                                               due_date=dt.date(2026, 6, 30))


def solo_report(cast):
    return _item(cast, "建成数字化车间10个", [])[1]


def open_part(cast):
    return _item(cast, "培育专精特新企业5家", [cast.dept_b])[1].parts.get()


def filed_part(cast):
    from qualitygov.progress.services import report_part_submit

    part = _item(cast, "推广工业互联网平台", [cast.dept_b])[1].parts.get()
    if part.status == "open":
        part = report_part_submit(actor=None, part=part, done_text="配合完成企业走访12家。")
    return part


def attachment(cast):
    from qualitygov.core.models import Attachment
    from qualitygov.progress.services import evidence_attach

    report = solo_report(cast)
    found = Attachment.objects.filter(owner_type="progress.progressreport", owner_id=str(report.pk)).first()
    return found or evidence_attach(actor=None, owner=report,
                                    uploaded=SimpleUploadedFile("车间验收.pdf", PDF, "application/pdf"))


def extension(cast):
    from qualitygov.progress.models import ExtensionRequest
    from qualitygov.progress.services import extension_request_create

    report = solo_report(cast)
    return ExtensionRequest.objects.filter(report=report).first() or extension_request_create(
        actor=cast.liaison_a, report=report, requested_due_date=dt.date(2026, 6, 10), reason="设备到货延迟。")


def finding(cast):
    from qualitygov.progress.models import Finding
    from qualitygov.progress.services import finding_create

    return Finding.objects.filter(unit=cast.dept_a).first() or finding_create(
        actor=None, source="office_supervision", title="台账资料不全", unit=cast.dept_a,
        deadline=dt.date(2026, 7, 31), found_on=dt.date(2026, 6, 1))


SAMPLES = {
    "progress:lights_refresh": lambda cast: {"get_status": 405},
    # The roll-up rule is plan-wide: only a district-wide manager sets it (a POST would add a rule version).
    "progress:board_rule": lambda cast: {"district_wide": True, "owner_action": "manage",
                                         "post": {"task_rollup": "share", "task_red_share": "50",
                                                  "task_yellow_share": "30", "effective_from": "2026-01-01"}},
    "progress:work_item_detail": lambda cast: {"pk": solo_item(cast).pk, "owner": "liaison_a"},
    "progress:work_item_edit": lambda cast: {
        "pk": solo_item(cast).pk, "owner": "liaison_a", "owner_action": "manage", "post": {"title": "改", "deadline": "2026-12-31", "lead_unit": cast.dept_a.pk}},
    "progress:work_item_decide": lambda cast: {"pk": solo_item(cast).pk, "get_status": 405,
                                               "post": {"decision": "reject", "note": "不需要"}},
    "progress:work_item_transition": lambda cast: {"pk": solo_item(cast).pk, "get_status": 405,
                                                   "post": {"transition": "complete"}},
    "progress:milestone_complete": lambda cast: {
        "pk": milestone(cast).pk, "owner": "liaison_a", "owner_action": "change", "get_status": 405},
    "progress:work_item_extension": lambda cast: {
        "pk": solo_item(cast).pk, "owner": "liaison_a", "owner_action": "change",
        "post": {"requested_due_date": "2027-03-31", "reason": "延期"}},
    "progress:task_timeline": lambda cast: {"pk": _plan(cast).tasks.get(number="2").pk, "owner": "liaison_b"},
    "progress:cycle_open": lambda cast: {"pk": _cycle(cast).pk, "get_status": 405},
    "progress:report_detail": lambda cast: {
        "pk": solo_report(cast).pk, "owner": "liaison_a",
        "post": {"action": "submit", "progress_pct": "50", "done_text": "已完成5个车间。"}},
    "progress:report_review": lambda cast: {
        "pk": solo_report(cast).pk, "owner": "liaison_a", "owner_action": "review", "get_status": 405,
        "post": {"decision": "return", "note": "请补充佐证。"}},
    "progress:report_extension": lambda cast: {
        "pk": solo_report(cast).pk, "owner": "liaison_a", "owner_action": "change",
        "post": {"requested_due_date": "2026-06-30", "reason": "延期"}},
    "progress:part_detail": lambda cast: {
        "pk": open_part(cast).pk, "owner": "liaison_b",
        "post": {"action": "submit", "done_text": "配合完成。"}},
    "progress:part_decide": lambda cast: {
        "pk": filed_part(cast).pk, "owner": "liaison_a", "owner_action": "change", "get_status": 405,
        "post": {"decision": "return", "return-reason": "请补充数据。"}},
    "progress:attachment_download": lambda cast: {"pk": attachment(cast).pk, "owner": "liaison_a"},
    "progress:extension_decide": lambda cast: {"pk": extension(cast).pk, "get_status": 405,
                                               "post": {"decision": "approve"}},
    # Queuing the ledger export happens only on a POST; a GET is refused with 405.
    "progress:finding_list_xlsx_job": lambda cast: {"get_status": 405},
    "progress:finding_detail": lambda cast: {"pk": finding(cast).pk, "owner": "liaison_a"},
    "progress:finding_rectify": lambda cast: {
        "pk": finding(cast).pk, "owner": "liaison_a", "owner_action": "change", "get_status": 405,
        "post": {"text": "补齐台账。"}},
    "progress:finding_verify": lambda cast: {
        "pk": finding(cast).pk, "owner": "liaison_a", "owner_action": "review", "get_status": 405,
        "post": {"decision": "verify"}},
    "progress:finding_reopen": lambda cast: {
        "pk": finding(cast).pk, "owner": "liaison_a", "owner_action": "review", "get_status": 405,
        "post": {"reason": "问题反弹。"}},
    # /api/v1/
    "api-work-item-detail": lambda cast: {"pk": solo_item(cast).pk, "owner": "liaison_a"},
    "api-reporting-cycle-detail": lambda cast: {"pk": _cycle(cast).pk},
    "api-progress-report-detail": lambda cast: {"pk": solo_report(cast).pk, "owner": "liaison_a"},
    "api-finding-detail": lambda cast: {"pk": finding(cast).pk, "owner": "liaison_a"},
    "api-progress-report-draft": lambda cast: {
        "pk": solo_report(cast).pk, "owner": "liaison_a", "owner_action": "change",
        "post": {"progress_pct": "50", "done_text": "已完成5个车间。"}},
    "api-progress-report-submit": lambda cast: {
        "pk": solo_report(cast).pk, "owner": "liaison_a", "owner_action": "change",
        "post": {"progress_pct": "50", "done_text": "已完成5个车间。"}},
}
