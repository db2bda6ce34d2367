"""Findings: rectification, verification, close-out (销号), reopening, and the ledger."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent, Notification
from qualitygov.progress.io import LEDGER_HEADER, ledger_xlsx
from qualitygov.progress.models import Finding
from qualitygov.progress.selectors import finding_get_visible, finding_list_visible, inbox
from qualitygov.progress.services import (
    finding_create,
    finding_plan,
    finding_reject,
    finding_reopen,
    finding_submit,
    finding_verify,
)

from .factories import make_task

DEADLINE = dt.date(2026, 6, 30)


def raise_finding(cast, unit=None, *, title="企业质量档案缺失", source="office_supervision", **kw):
    return finding_create(actor=cast.office, source=source, title=title, unit=unit or cast.dept_b,
                          deadline=kw.pop("deadline", DEADLINE), found_on=kw.pop("found_on", dt.date(2026, 5, 10)), **kw)


def test_the_full_cycle_with_reopen(cast):
    task = make_task(cast)
    finding = raise_finding(cast, task=task, description="抽查3家企业均无质量档案")
    assert (finding.status, finding.task, finding.raised_by) == ("open", task, cast.office)
    assert Notification.objects.filter(recipient=cast.liaison_b, kind="progress.finding").count() == 1
    finding = finding_plan(actor=cast.liaison_b, finding=finding, rectification_plan="6月底前建立档案")
    finding = finding_submit(actor=cast.liaison_b, finding=finding, rectification_result="已为3家企业建档")
    assert finding.status == "submitted_for_verification"
    assert [f.pk for f in inbox(user=cast.office).findings_to_verify] == [finding.pk]
    finding = finding_reject(actor=cast.office, finding=finding, note="缺少照片佐证")
    assert (finding.status, finding.verification_note) == ("rectifying", "缺少照片佐证")
    finding = finding_submit(actor=cast.liaison_b, finding=finding, rectification_result="补充照片")
    finding = finding_verify(actor=cast.office, finding=finding, note="核查属实，予以销号")
    assert (finding.status, finding.verified_by, finding.closed_at is not None) == ("closed", cast.office, True)
    finding = finding_reopen(actor=cast.office, finding=finding, reason="回头看发现问题反弹",
                             deadline=dt.date(2026, 8, 31))
    assert (finding.status, finding.reopened_count, finding.closed_at, finding.deadline) == (
        "rectifying", 1, None, dt.date(2026, 8, 31))
    actions = list(AuditEvent.objects.filter(object_type="progress.finding").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["finding.create", "finding.plan", "finding.submit", "finding.reject", "finding.submit",
                       "finding.verify", "finding.reopen"]


def test_transitions_out_of_order_are_refused(cast):
    finding = raise_finding(cast)
    with pytest.raises(ConflictError):
        finding_submit(actor=cast.liaison_b, finding=finding, rectification_result="完成")
    with pytest.raises(ConflictError):
        finding_verify(actor=cast.office, finding=finding)
    with pytest.raises(ServiceError):
        finding_plan(actor=cast.liaison_b, finding=finding, rectification_plan="  ")
    assert Finding.objects.get(pk=finding.pk).status == "open"


def test_only_the_responsible_unit_rectifies_and_only_the_office_verifies(cast):
    finding = raise_finding(cast)
    with pytest.raises(NotFoundError):
        finding_plan(actor=cast.liaison_a, finding=finding, rectification_plan="代改")
    finding_plan(actor=cast.liaison_b, finding=finding, rectification_plan="整改")
    finding_submit(actor=cast.liaison_b, finding=finding, rectification_result="完成")
    for member in ("liaison_b", "liaison_a", "leader"):
        with pytest.raises(NotFoundError):
            finding_verify(actor=cast.members[member], finding=finding)
    assert Finding.objects.get(pk=finding.pk).status == "submitted_for_verification"
    with pytest.raises(NotFoundError):
        finding_get_visible(user=cast.liaison_a, pk=finding.pk)
    assert finding_get_visible(user=cast.leader, pk=finding.pk) == finding


def test_deadline_cannot_precede_the_finding(cast):
    with pytest.raises(ServiceError) as exc:
        raise_finding(cast, deadline=dt.date(2026, 5, 1))
    assert list(exc.value.fields) == ["deadline"]
    assert Finding.objects.count() == 0


def test_ledger_filters_and_export(cast):
    a = raise_finding(cast, title="问题甲", source="leader")
    b = raise_finding(cast, cast.town, title="问题乙", source="public_tip", deadline=dt.date(2026, 5, 20))
    c = raise_finding(cast, cast.dept_a, title="问题丙", source="inspection")
    finding_plan(actor=cast.liaison_a, finding=c, rectification_plan="整改")
    finding_submit(actor=cast.liaison_a, finding=c, rectification_result="已整改")
    finding_verify(actor=cast.office, finding=c)
    office = cast.office
    assert [f.title for f in finding_list_visible(user=office, source="public_tip")] == ["问题乙"]
    assert [f.title for f in finding_list_visible(user=office, overdue_on=dt.date(2026, 6, 1))] == ["问题乙"]
    assert {f.title for f in finding_list_visible(user=office, open_only=True)} == {"问题甲", "问题乙"}
    assert [f.title for f in finding_list_visible(user=office, status="closed")] == ["问题丙"]
    assert [f.title for f in finding_list_visible(user=office, query="乙")] == ["问题乙"]
    assert [f.title for f in finding_list_visible(user=cast.town_liaison)] == ["问题乙"]
    assert [f.pk for f in inbox(user=cast.town_liaison).findings_to_rectify] == [b.pk]

    data = ledger_xlsx(finding_list_visible(user=office).order_by("pk"), today=dt.date(2026, 6, 1))
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "整改台账"
    assert list(rows[0]) == LEDGER_HEADER
    assert [(r[0], r[1], r[2], r[3], r[9], r[10]) for r in rows[1:]] == [
        (1, "问题甲", "领导批示", "区住建局", "待整改", "否"),
        (2, "问题乙", "群众反映", "沈家门街道", "待整改", "是"),
        (3, "问题丙", "检查发现", "区经信局", "已销号", "否"),
    ]
    assert rows[1][6].date() == DEADLINE
    assert a.pk < b.pk < c.pk
