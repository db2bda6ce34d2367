"""The rectification ledger (整改台账) pages: record, rectify with evidence, verify → close out, reopen,
filters and the .xlsx export."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.progress.models import Finding
from qualitygov.progress.services import finding_create

from .test_views import PDF, messages_of, text_of


@pytest.fixture
def findings(cast):
    today = timezone.localdate()
    late = finding_create(actor=cast.office, source="office_supervision", title="台账资料不全", unit=cast.dept_a,
                          found_on=today - dt.timedelta(days=40), deadline=today - dt.timedelta(days=10))
    fresh = finding_create(actor=cast.office, source="leader", title="工地扬尘管控不到位", unit=cast.dept_b,
                           found_on=today, deadline=today + dt.timedelta(days=30))
    town = finding_create(actor=cast.office, source="public_tip", title="农贸市场计量器具未检定", unit=cast.town,
                          found_on=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=10))
    return late, fresh, town


def _titles(response) -> list[str]:
    return re.findall(r'<tr data-testid="finding-row">\s*<td><a href="[^"]+">([^<]+)</a>', response.content.decode())


def test_the_ledger_is_scoped_and_filtered(client_for, cast, findings):
    url = reverse("progress:finding_list")
    assert _titles(client_for("office").get(url)) == ["工地扬尘管控不到位", "农贸市场计量器具未检定", "台账资料不全"]
    assert _titles(client_for("liaison_a").get(url)) == ["台账资料不全"]
    assert _titles(client_for("town_liaison").get(url)) == ["农贸市场计量器具未检定"]
    office = client_for("office")
    assert _titles(office.get(url, {"overdue": "on"})) == ["台账资料不全"]
    assert _titles(office.get(url, {"source": "leader"})) == ["工地扬尘管控不到位"]
    assert _titles(office.get(url, {"unit": cast.town.pk})) == ["农贸市场计量器具未检定"]
    assert _titles(office.get(url, {"status": "closed"})) == []
    assert "逾期" in text_of(office.get(url, {"overdue": "on"}))


def test_the_ledger_exports_what_the_filters_show(client_for, cast, findings):
    response = client_for("office").get(reverse("progress:finding_list_xlsx"), {"overdue": "on"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    today = timezone.localdate()
    assert rows[0] == ("序号", "问题", "来源", "责任单位", "关联任务", "发现日期", "整改时限", "整改措施", "整改情况",
                       "状态", "是否超期", "重新打开次数", "销号时间", "核查意见")
    assert len(rows) == 2
    assert rows[1][:4] == (1, "台账资料不全", "质量强区办督查", "区经信局")
    assert (rows[1][6].date(), rows[1][9], rows[1][10]) == (today - dt.timedelta(days=10), "待整改", "是")


def test_rectify_verify_close_out_and_reopen(client_for, cast, findings):
    late, _fresh, _town = findings
    unit, office = client_for("liaison_a"), client_for("office")
    detail = reverse("progress:finding_detail", args=[late.pk])

    response = unit.post(reverse("progress:finding_rectify", args=[late.pk]), {"text": "一周内补齐全部台账。"},
                         follow=True)
    assert messages_of(response) == ["整改措施已保存。"]
    late.refresh_from_db()
    assert (late.status, late.rectification_plan) == ("rectifying", "一周内补齐全部台账。")

    response = unit.post(reverse("progress:finding_rectify", args=[late.pk]), {
        "text": "已补齐2025年度全部台账。", "evidence": SimpleUploadedFile("台账.pdf", PDF, "application/pdf")},
        follow=True)
    assert messages_of(response) == ["整改情况已提请核查。"]
    late.refresh_from_db()
    assert late.status == "submitted_for_verification"
    assert list(Attachment.objects.values_list("original_name", "owner_type")) == [("台账.pdf", "progress.finding")]

    assert unit.post(reverse("progress:finding_verify", args=[late.pk]), {"decision": "verify"}).status_code == 404
    response = office.post(reverse("progress:finding_verify", args=[late.pk]), {"decision": "reject"}, follow=True)
    assert messages_of(response) == ["请填写理由。"]
    response = office.post(reverse("progress:finding_verify", args=[late.pk]),
                           {"decision": "verify", "note": "现场核查属实。"}, follow=True)
    assert messages_of(response) == ["已核查销号。"]
    late.refresh_from_db()
    assert (late.status, late.verification_note, late.verified_by) == ("closed", "现场核查属实。", cast.office)
    assert "销号时间" in text_of(office.get(detail))

    response = office.post(reverse("progress:finding_reopen", args=[late.pk]), {"reason": "回访发现问题反弹。"},
                           follow=True)
    assert messages_of(response) == ["问题已重新打开。"]
    late.refresh_from_db()
    assert (late.status, late.reopened_count, late.closed_at) == ("rectifying", 1, None)


def test_a_disguised_evidence_file_is_refused_and_nothing_changes(client_for, findings):
    late = findings[0]
    before = AuditEvent.objects.count()
    response = client_for("liaison_a").post(reverse("progress:finding_rectify", args=[late.pk]), {
        "text": "整改措施。", "evidence": SimpleUploadedFile("照片.png", b"GIF89a not a png", "image/png")},
        follow=True)
    assert messages_of(response) == ["“照片.png”实际上不是 .png 文件。"]
    late.refresh_from_db()
    assert (late.status, late.rectification_plan) == ("open", "")
    assert (Attachment.objects.count(), AuditEvent.objects.count()) == (0, before)


def test_another_unit_cannot_rectify(client_for, findings):
    late = findings[0]
    before = AuditEvent.objects.count()
    response = client_for("liaison_b").post(reverse("progress:finding_rectify", args=[late.pk]), {"text": "冒名整改"})
    assert response.status_code == 404
    late.refresh_from_db()
    assert (late.status, AuditEvent.objects.count()) == ("open", before)


def test_the_office_records_a_finding(client_for, cast):
    today = timezone.localdate()
    response = client_for("office").post(reverse("progress:finding_create"), {
        "source": "office_supervision", "title": "质量月活动未开展", "unit": cast.town.pk,
        "found_on": today.isoformat(), "deadline": (today + dt.timedelta(days=15)).isoformat()}, follow=True)
    assert messages_of(response) == ["问题已登记，已通知沈家门街道。"]
    finding = Finding.objects.get()
    assert (finding.title, finding.unit, finding.status, finding.raised_by) == (
        "质量月活动未开展", cast.town, "open", cast.office)
    response = client_for("office").post(reverse("progress:finding_create"), {
        "source": "office_supervision", "title": "x", "unit": cast.town.pk,
        "found_on": today.isoformat(), "deadline": (today - dt.timedelta(days=1)).isoformat()})
    assert "整改时限不能早于问题发现日期。" in text_of(response)
    assert Finding.objects.count() == 1
