"""Lost updates: every editable progress record carries a version; a save against an older version is
refused with a Chinese message naming who changed it and what differs, and nothing is written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qualitygov.core.errors import ConflictError
from qualitygov.core.models import AuditEvent
from qualitygov.progress.models import Finding, ProgressReport, ReportPart, WorkItem
from qualitygov.progress.services import (
    finding_create,
    finding_plan,
    report_approve,
    report_part_save,
    report_part_submit,
    report_save,
    report_submit,
    work_item_update,
)

from .factories import DEADLINE, make_setup


def test_every_write_raises_the_version(cast):
    s = make_setup(cast, co=[cast.dept_b])
    assert (s.report.version, s.part(cast.dept_b).version, s.item.version) == (1, 1, 1)
    report_save(actor=cast.liaison_a, report=s.report, done_text="初稿", version=1)
    part = report_part_save(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="配合", version=1)
    report_part_submit(actor=cast.liaison_b, part=part, version=2)
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="30", version=2)
    report_approve(actor=cast.office, report=s.report)
    assert ProgressReport.objects.get(pk=s.report.pk).version == 4
    assert ReportPart.objects.get(pk=part.pk).version == 4  # saved, submitted, accepted with the report
    assert WorkItem.objects.get(pk=s.item.pk).version == 2  # its progress moved


def test_a_stale_report_save_is_refused_and_nothing_is_lost(cast):
    s = make_setup(cast, co=[])
    shown = ProgressReport.objects.get(pk=s.report.pk).version  # two sessions open the same form
    report_save(actor=cast.liaison_a, report=s.report, progress_pct="40", done_text="甲的内容", version=shown)
    events = AuditEvent.objects.count()
    with pytest.raises(ConflictError) as refused:
        report_save(actor=cast.liaison_a, report=s.report, progress_pct="50", done_text="乙的内容", version=shown)
    error = refused.value
    assert error.code == "stale" and error.status == 409
    assert error.message.startswith("您打开之后，该进展报告已被 liaison_a 于 ")
    assert error.message.endswith("修改（您的版本 1，现为 2）。与您填写的不同之处：进度（%）、完成情况。"
                                  "您的修改未保存：请刷新页面，核对后重新保存。")
    report = ProgressReport.objects.get(pk=s.report.pk)
    assert (report.version, report.done_text, report.progress_pct) == (2, "甲的内容", Decimal("40.00"))
    assert AuditEvent.objects.count() == events
    # Reloaded, the second writer saves on top of the first.
    assert report_save(actor=cast.liaison_a, report=s.report, done_text="甲的内容；乙补充", version=2).version == 3


def test_a_stale_submit_is_refused(cast):
    s = make_setup(cast, co=[])
    report_save(actor=cast.liaison_a, report=s.report, progress_pct="40", done_text="已改", version=1)
    with pytest.raises(ConflictError):
        report_submit(actor=cast.liaison_a, report=s.report, progress_pct="40", done_text="旧稿", version=1)
    assert ProgressReport.objects.get(pk=s.report.pk).status == "draft"


def test_a_stale_part_save_is_refused(cast):
    s = make_setup(cast, co=[cast.dept_b])
    part = s.part(cast.dept_b)
    report_part_save(actor=cast.liaison_b, part=part, done_text="第一人", version=1)
    with pytest.raises(ConflictError) as refused:
        report_part_save(actor=cast.liaison_b, part=part, done_text="第二人", version=1)
    assert "与您填写的不同之处：完成情况。" in refused.value.message
    assert ReportPart.objects.get(pk=part.pk).done_text == "第一人"


def test_a_stale_work_item_edit_and_finding_plan_are_refused(cast):
    s = make_setup(cast, co=[])
    work_item_update(actor=cast.office, work_item=s.item, title="改名一", version=1)
    with pytest.raises(ConflictError) as refused:
        work_item_update(actor=cast.office, work_item=s.item, title="改名二", version=1)
    assert "与您填写的不同之处：工作事项。" in refused.value.message
    assert WorkItem.objects.get(pk=s.item.pk).title == "改名一"
    finding = finding_create(actor=cast.office, source="office_supervision", title="问题", unit=cast.dept_a,
                             deadline=DEADLINE)
    Finding.objects.filter(pk=finding.pk).update(description="另一处修改", version=2)
    with pytest.raises(ConflictError):
        finding_plan(actor=cast.liaison_a, finding=finding, rectification_plan="计划", version=1)
    assert Finding.objects.get(pk=finding.pk).status == "open"


def test_without_a_version_the_save_goes_through(cast):
    """Internal callers (jobs, loaders) that hold the row need not send a version."""
    s = make_setup(cast, co=[])
    report_save(actor=cast.liaison_a, report=s.report, done_text="一")
    assert report_save(actor=cast.liaison_a, report=s.report, done_text="二").version == 3


def test_the_report_page_carries_the_version_and_refuses_a_stale_save(cast):
    from django.test import Client
    from django.urls import reverse

    s = make_setup(cast, co=[])
    client = Client()
    client.force_login(cast.liaison_a)
    url = reverse("progress:report_detail", kwargs={"pk": s.report.pk})
    assert '<input type="hidden" name="version" value="1"' in client.get(url).content.decode()
    assert client.post(url, {"done_text": "甲", "version": "1", "action": "save"}).status_code == 302
    page = client.post(url, {"done_text": "乙", "version": "1", "action": "save"})
    assert page.status_code == 200
    assert "（您的版本 1，现为 2）。与您填写的不同之处：完成情况。" in page.content.decode()
    assert ProgressReport.objects.get(pk=s.report.pk).done_text == "甲"


def test_the_part_and_work_item_pages_refuse_a_stale_save(cast):
    from django.test import Client
    from django.urls import reverse

    s = make_setup(cast, co=[cast.dept_b])
    part = s.part(cast.dept_b)
    client = Client()
    client.force_login(cast.liaison_b)
    url = reverse("progress:part_detail", kwargs={"pk": part.pk})
    assert client.post(url, {"done_text": "甲", "version": "1", "action": "save"}).status_code == 302
    assert "与您填写的不同之处" in client.post(url, {"done_text": "乙", "version": "1"}).content.decode()
    assert ReportPart.objects.get(pk=part.pk).done_text == "甲"
    office = Client()
    office.force_login(cast.office)
    url = reverse("progress:work_item_edit", kwargs={"pk": s.item.pk})
    form = {"title": "改名", "deadline": "2026-12-31", "lead_unit": cast.dept_a.pk, "version": "1"}
    assert office.post(url, form).status_code == 302
    assert "与您填写的不同之处" in office.post(url, {**form, "title": "再改"}).content.decode()
    assert WorkItem.objects.get(pk=s.item.pk).title == "改名"
