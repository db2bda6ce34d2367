"""Separation of duties (settings.SEPARATION_OF_DUTIES, per workflow, default on): whoever submitted a report,
a rectification or an extension request cannot also approve it; switched off, the office may do both."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.accounts.choices import Role
from qualitygov.accounts.services import user_create
from qualitygov.accounts.testing import PASSWORD, Cast, build_cast
from qualitygov.core.errors import ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.progress.models import ExtensionRequest, Finding, ProgressReport, WorkItem
from qualitygov.progress.services import (
    extension_approve,
    extension_request_create,
    finding_create,
    finding_plan,
    finding_submit,
    finding_verify,
    report_approve,
    report_submit,
)
from qualitygov.progress.services._common import separation_of_duties

from .factories import DEADLINE, make_setup


def _office_submits(cast):
    s = make_setup(cast, co=[])
    report_submit(actor=cast.office, report=s.report, progress_pct="60", done_text="办公室代报")
    return s


def _office_rectifies(cast):
    finding = finding_create(actor=cast.office, source="office_supervision", title="档案缺失", unit=cast.dept_b,
                             deadline=DEADLINE)
    finding = finding_plan(actor=cast.office, finding=finding, rectification_plan="建立档案")
    return finding_submit(actor=cast.office, finding=finding, rectification_result="已建立")


def _office_requests(cast):
    s = make_setup(cast, co=[])
    return extension_request_create(actor=cast.office, report=s.report, requested_due_date=dt.date(2026, 6, 10),
                                    reason="数据未到")


@pytest.fixture
def cast(db) -> Cast:
    """The cast with `office_dept`, an office admin granted on 区住建局 only."""
    return build_cast(scoped_office=True)


def test_every_workflow_is_separated_by_default(settings):
    del settings.SEPARATION_OF_DUTIES
    assert [separation_of_duties(w) for w in ("report_approval", "finding_verification", "extension_approval")] == [
        True, True, True]


def test_the_submitter_cannot_approve_the_report(cast):
    s = _office_submits(cast)
    events = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        report_approve(actor=cast.office, report=s.report)
    assert (refused.value.code, refused.value.message) == ("self_approval", "您本人报送了该报告，不能再审核通过。")
    assert ProgressReport.objects.get(pk=s.report.pk).status == "submitted"
    assert WorkItem.objects.get(pk=s.item.pk).progress_pct is None
    assert AuditEvent.objects.count() == events
    # Another office admin may.
    colleague = user_create(actor=None, username="office2", password=PASSWORD, display_name="office2",
                            unit=cast.office_unit, grants=[(Role.OFFICE_ADMIN, cast.district, True)])
    assert report_approve(actor=colleague, report=s.report).status == "approved"
    assert WorkItem.objects.get(pk=s.item.pk).progress_pct == 60


def test_the_rectifier_cannot_verify(cast):
    finding = _office_rectifies(cast)
    with pytest.raises(ServiceError) as refused:
        finding_verify(actor=cast.office, finding=finding)
    assert (refused.value.code, refused.value.message) == ("self_approval", "您本人提交了该整改结果，不能再核验销号。")
    assert Finding.objects.get(pk=finding.pk).status == "submitted_for_verification"
    assert finding_verify(actor=cast.office_dept, finding=finding).status == "closed"  # another office admin


def test_the_requester_cannot_approve_the_extension(cast):
    extension = _office_requests(cast)
    with pytest.raises(ServiceError) as refused:
        extension_approve(actor=cast.office, extension=extension)
    assert (refused.value.code, refused.value.message) == ("self_approval", "您本人提出了该延期申请，不能再批准。")
    assert ExtensionRequest.objects.get(pk=extension.pk).status == "pending"
    assert ProgressReport.objects.get(pk=extension.report_id).due_date == dt.date(2026, 5, 25)
    assert extension_approve(actor=cast.leader, extension=extension).status == "approved"


def test_switched_off_per_workflow_the_office_may_do_both(cast, settings):
    settings.SEPARATION_OF_DUTIES = {"report_approval": False, "finding_verification": False,
                                     "extension_approval": False}
    s = _office_submits(cast)
    assert report_approve(actor=cast.office, report=s.report).status == "approved"
    assert finding_verify(actor=cast.office, finding=_office_rectifies(cast)).status == "closed"
    extension = extension_request_create(actor=cast.office, work_item=s.item, requested_due_date=dt.date(2027, 3, 1),
                                         reason="工期顺延")
    assert extension_approve(actor=cast.office, extension=extension).status == "approved"


def test_one_workflow_off_leaves_the_others_on(cast, settings):
    settings.SEPARATION_OF_DUTIES = {"report_approval": False}
    s = _office_submits(cast)
    assert report_approve(actor=cast.office, report=s.report).status == "approved"
    with pytest.raises(ServiceError):
        finding_verify(actor=cast.office, finding=_office_rectifies(cast))
