"""Co units file parts, the lead unit consolidates, the office decides."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.core.errors import ConflictError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.progress.services import (
    report_approve,
    report_part_accept,
    report_part_return,
    report_part_save,
    report_part_submit,
    report_return,
    report_save,
    report_submit,
)

from .factories import make_setup


def statuses(s):
    s.report.refresh_from_db()
    return s.report.status, {p.unit.label: p.status for p in s.report.parts.select_related("unit")}


def test_opening_a_cycle_gives_the_lead_a_report_and_each_co_unit_a_part(cast):
    s = make_setup(cast)
    assert statuses(s) == ("open", {"区住建局": "open", "沈家门街道": "open"})
    assert (s.report.unit, s.report.due_date) == (cast.dept_a, dt.date(2026, 5, 25))


def test_a_returned_part_reopens_only_that_part(cast):
    s = make_setup(cast)
    report_part_submit(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="完成2个项目验收")
    report_part_submit(actor=cast.town_liaison, part=s.part(cast.town), done_text="走访企业15家")
    report_save(actor=cast.liaison_a, report=s.report, progress_pct="30", done_text="汇总中")

    report_part_return(actor=cast.liaison_a, part=s.part(cast.dept_b), reason="请补充验收数据")

    assert statuses(s) == ("draft", {"区住建局": "returned", "沈家门街道": "submitted"})
    part_b = s.part(cast.dept_b)
    assert (part_b.return_reason, part_b.decided_by) == ("请补充验收数据", cast.liaison_a)
    assert s.part(cast.town).done_text == "走访企业15家"
    # The lead cannot submit while a part is back with its unit.
    with pytest.raises(ConflictError) as exc:
        report_submit(actor=cast.liaison_a, report=s.report, progress_pct="30", done_text="汇总")
    assert exc.value.fields == {"parts": ["区住建局"]}
    assert statuses(s)[0] == "draft"
    # Saving the returned part keeps it visibly returned; filing it again clears the way.
    report_part_save(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="补充：验收2个，投资1.2亿元")
    assert s.part(cast.dept_b).status == "returned"
    report_part_submit(actor=cast.liaison_b, part=s.part(cast.dept_b))
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="35", done_text="汇总各单位进展",
                  problems="资金到位慢", next_steps="6月完成验收", today=dt.date(2026, 5, 25))
    assert statuses(s) == ("submitted", {"区住建局": "accepted", "沈家门街道": "accepted"})
    s.report.refresh_from_db()
    assert (s.report.submitted_by, s.report.submitted_late, str(s.report.progress_pct)) == (
        cast.liaison_a, False, "35.00")


def test_lead_accepts_parts_one_by_one_and_may_return_an_accepted_part(cast):
    s = make_setup(cast)
    report_part_submit(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="完成")
    report_part_accept(actor=cast.liaison_a, part=s.part(cast.dept_b))
    assert statuses(s)[1] == {"区住建局": "accepted", "沈家门街道": "open"}
    report_part_return(actor=cast.liaison_a, part=s.part(cast.dept_b), reason="数据有误")
    assert statuses(s)[1] == {"区住建局": "returned", "沈家门街道": "open"}


def test_office_returns_then_approves(cast):
    s = make_setup(cast, co=[])
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="40", done_text="完成", today=dt.date(2026, 5, 27))
    s.report.refresh_from_db()
    assert s.report.submitted_late is True
    with pytest.raises(ServiceError):
        report_return(actor=cast.office, report=s.report, reason="  ")
    report_return(actor=cast.office, report=s.report, reason="请附佐证材料")
    assert statuses(s)[0] == "returned"
    report_save(actor=cast.liaison_a, report=s.report, next_steps="补充材料")
    assert statuses(s)[0] == "returned"
    report_submit(actor=cast.liaison_a, report=s.report, today=dt.date(2026, 5, 28))
    s.report.refresh_from_db()
    assert s.report.submitted_late is True  # lateness is fixed by the first submission
    report_approve(actor=cast.office, report=s.report, today=dt.date(2026, 5, 29))
    s.item.refresh_from_db()
    assert (statuses(s)[0], str(s.item.progress_pct), s.item.progress_on) == ("approved", "40.00", dt.date(2026, 5, 29))
    actions = list(AuditEvent.objects.filter(object_type="progress.progressreport", object_id=str(s.report.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["report.submit", "report.return", "report.save", "report.submit", "report.approve"]
    with pytest.raises(ConflictError):
        report_return(actor=cast.office, report=s.report, reason="晚了")


def test_parts_cannot_change_after_the_report_was_submitted(cast):
    s = make_setup(cast, co=[cast.dept_b])
    report_part_submit(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="完成")
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="10", done_text="汇总")
    with pytest.raises(ConflictError):
        report_part_return(actor=cast.liaison_a, part=s.part(cast.dept_b), reason="再改")
    with pytest.raises(ConflictError):
        report_part_save(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="改")
    assert s.part(cast.dept_b).done_text == "完成"


@pytest.mark.parametrize("value", ["-1", "100.5", "abc", ""])
def test_progress_must_be_between_0_and_100(cast, value):
    s = make_setup(cast, co=[])
    with pytest.raises(ServiceError) as exc:
        report_submit(actor=cast.liaison_a, report=s.report, progress_pct=value or None, done_text="完成")
    assert list(exc.value.fields) == ["progress_pct"]
    assert statuses(s)[0] == "open"
