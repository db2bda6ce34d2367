"""Work breakdown, cycles and their services: transitions, audit, idempotent opening, extensions."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.progress.choices import REPORT_TRANSITIONS, WORK_ITEM_TRANSITIONS
from qualitygov.progress.models import Milestone, ProgressReport, ReportingCycle, ReportPart, WorkItem
from qualitygov.progress.services import (
    cycle_create,
    cycle_open,
    cycles_schedule,
    extension_approve,
    extension_reject,
    extension_request_create,
    milestone_complete,
    work_item_approve,
    work_item_cancel,
    work_item_complete,
    work_item_create,
    work_item_propose,
    work_item_reject,
    work_item_update,
)

from .factories import make_cycle, make_item, make_setup, make_task


def test_office_creates_an_item_with_co_units_and_milestones(cast):
    task = make_task(cast)
    item = work_item_create(actor=cast.office, task=task, lead_unit=cast.dept_a, title="培育省级制造业单项冠军2家",
                            deadline=dt.date(2026, 12, 31), co_units=[cast.dept_b, cast.dept_a],
                            milestones=[("完成摸底", dt.date(2026, 3, 31)), ("完成申报", dt.date(2026, 9, 30))])
    assert (item.status, item.start_date, item.order, item.created_by) == ("active", dt.date(2023, 1, 1), 1, cast.office)
    assert [u.unit for u in item.co_units.all()] == [cast.dept_b]  # the lead is not its own co unit
    assert list(item.milestones.values_list("title", "due_date")) == [
        ("完成摸底", dt.date(2026, 3, 31)), ("完成申报", dt.date(2026, 9, 30))]
    event = AuditEvent.objects.get(action="work_item.create")
    assert (event.changes["co_units"], event.changes["milestones"], event.unit_ref) == ([cast.dept_b.pk], 2, cast.dept_a.pk)
    milestone = Milestone.objects.get(title="完成摸底")
    milestone_complete(actor=cast.liaison_a, milestone=milestone, on=dt.date(2026, 3, 20))
    assert Milestone.objects.get(pk=milestone.pk).completed_on == dt.date(2026, 3, 20)


def test_deadline_before_start_is_refused(cast):
    task = make_task(cast)
    with pytest.raises(ServiceError) as exc:
        work_item_create(actor=cast.office, task=task, lead_unit=cast.dept_a, title="x",
                         start_date=dt.date(2026, 5, 1), deadline=dt.date(2026, 4, 1))
    assert list(exc.value.fields) == ["deadline"]
    assert WorkItem.objects.count() == 0


def test_units_propose_and_the_office_decides(cast):
    task = make_task(cast)
    proposed = work_item_propose(actor=cast.liaison_a, task=task, lead_unit=cast.dept_a, title="新增事项",
                                 deadline=dt.date(2026, 10, 31))
    assert (proposed.status, proposed.proposed_by) == ("proposed", cast.liaison_a)
    with pytest.raises(NotFoundError):
        work_item_propose(actor=cast.liaison_a, task=task, lead_unit=cast.dept_b, title="替别人", deadline=dt.date(2026, 10, 31))
    with pytest.raises(NotFoundError):
        work_item_approve(actor=cast.liaison_a, work_item=proposed)
    assert work_item_approve(actor=cast.office, work_item=proposed).status == "active"
    other = work_item_propose(actor=cast.liaison_a, task=task, lead_unit=cast.dept_a, title="另一项",
                              deadline=dt.date(2026, 10, 31))
    with pytest.raises(ServiceError):
        work_item_reject(actor=cast.office, work_item=other, note="")
    rejected = work_item_reject(actor=cast.office, work_item=other, note="与第1项重复")
    assert (rejected.status, rejected.decision_note) == ("cancelled", "与第1项重复")
    with pytest.raises(ConflictError):
        work_item_approve(actor=cast.office, work_item=rejected)


def test_transition_tables_are_closed():
    assert WORK_ITEM_TRANSITIONS["approve"] == (frozenset({"proposed"}), "active")
    assert REPORT_TRANSITIONS["approve"] == (frozenset({"submitted"}), "approved")


def test_update_changes_fields_and_co_units_with_audit(cast):
    task = make_task(cast)
    item = make_item(cast, task, co=[cast.dept_b])
    work_item_update(actor=cast.office, work_item=item, deadline=dt.date(2026, 11, 30), co_units=[cast.town])
    item.refresh_from_db()
    assert (item.deadline, [u.unit for u in item.co_units.all()]) == (dt.date(2026, 11, 30), [cast.town])
    assert AuditEvent.objects.get(action="work_item.update").changes == {
        "deadline": ["2026-12-31", "2026-11-30"], "co_units": [[cast.dept_b.pk], [cast.town.pk]]}


def test_schedule_creates_cycles_due_on_the_25th(cast):
    task = make_task(cast)
    monthly = cycles_schedule(actor=cast.office, plan=task.plan, frequency="monthly", year=2026)
    assert len(monthly) == 12
    assert (monthly[1].label, monthly[1].period_end, monthly[1].due_date) == (
        "2026年2月", dt.date(2026, 2, 28), dt.date(2026, 2, 25))
    quarterly = cycles_schedule(actor=cast.office, plan=task.plan, frequency="quarterly", year=2026)
    assert [(c.label, c.due_date) for c in quarterly] == [
        ("2026年第1季度", dt.date(2026, 3, 25)), ("2026年第2季度", dt.date(2026, 6, 25)),
        ("2026年第3季度", dt.date(2026, 9, 25)), ("2026年第4季度", dt.date(2026, 12, 25))]
    assert cycles_schedule(actor=cast.office, plan=task.plan, frequency="monthly", year=2026) == []
    with pytest.raises(ConflictError):
        cycle_create(actor=cast.office, plan=task.plan, frequency="monthly", period_start=dt.date(2026, 1, 1),
                     period_end=dt.date(2026, 1, 31), due_date=dt.date(2026, 1, 25))
    assert ReportingCycle.objects.count() == 16


def test_opening_is_idempotent_and_adds_items_approved_later(cast):
    s = make_setup(cast)
    assert cycle_open(actor=cast.office, cycle=s.cycle) == 0
    assert (ProgressReport.objects.count(), ReportPart.objects.count()) == (1, 2)
    later = make_item(cast, s.task, co=[], title="后加事项")
    make_item(cast, s.task, co=[], title="尚未开始", start=dt.date(2026, 6, 1))
    assert cycle_open(actor=cast.office, cycle=s.cycle) == 1
    assert ProgressReport.objects.filter(cycle=s.cycle, work_item=later).exists()
    assert ProgressReport.objects.count() == 2
    with pytest.raises(NotFoundError):
        cycle_open(actor=cast.liaison_a, cycle=s.cycle)


def test_completed_or_cancelled_items_are_not_asked_to_report(cast):
    s = make_setup(cast, co=[])
    done = make_item(cast, s.task, co=[], title="已完成")
    work_item_complete(actor=cast.office, work_item=done, on=dt.date(2026, 5, 30))
    gone = make_item(cast, s.task, co=[], title="已取消")
    work_item_cancel(actor=cast.office, work_item=gone, note="并入第1项")
    june = make_cycle(cast, s.plan, month=6)
    assert cycle_open(actor=cast.office, cycle=june) == 1
    assert done.light.light == "green"


def test_extension_request_rules(cast):
    s = make_setup(cast, co=[])
    with pytest.raises(ServiceError):
        extension_request_create(actor=cast.liaison_a, report=s.report, requested_due_date=dt.date(2026, 5, 20),
                                 reason="早于原期限")
    with pytest.raises(NotFoundError):
        extension_request_create(actor=cast.liaison_b, report=s.report, requested_due_date=dt.date(2026, 6, 5),
                                 reason="不是我的")
    extension = extension_request_create(actor=cast.liaison_a, report=s.report,
                                         requested_due_date=dt.date(2026, 6, 5), reason="等待统计数据")
    with pytest.raises(ConflictError):
        extension_request_create(actor=cast.liaison_a, report=s.report, requested_due_date=dt.date(2026, 6, 6),
                                 reason="再申请")
    with pytest.raises(NotFoundError):
        extension_approve(actor=cast.liaison_a, extension=extension)
    rejected = extension_reject(actor=cast.office, extension=extension, note="数据可先报预估值")
    assert rejected.status == "rejected"
    s.report.refresh_from_db()
    assert s.report.due_date == dt.date(2026, 5, 25)
    # Without a report, an extension moves the work item's deadline.
    item_ext = extension_request_create(actor=cast.liaison_a, work_item=s.item,
                                        requested_due_date=dt.date(2027, 3, 31), reason="工程延期")
    extension_approve(actor=cast.office, extension=item_ext, note="同意")
    s.item.refresh_from_db()
    assert s.item.deadline == dt.date(2027, 3, 31)
    assert AuditEvent.objects.get(action="extension.approve").changes["due_date"] == ["2026-12-31", "2027-03-31"]
