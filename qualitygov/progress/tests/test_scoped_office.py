"""An office admin granted on one department (`office_dept`, 区住建局) writes only within that department:
every write checks its scope over every object it creates or touches, not only the one named."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.accounts.testing import Cast, build_cast
from qualitygov.core.errors import NotFoundError
from qualitygov.progress.models import (
    Finding,
    ProgressReport,
    ReportingCycle,
    ReportPart,
    WorkItem,
    WorkItemUnit,
)
from qualitygov.progress.services import (
    cycle_create,
    cycle_open,
    cycles_schedule,
    finding_create,
    work_item_approve,
    work_item_create,
    work_item_propose,
    work_item_update,
    work_items_create_for_towns,
)

from .factories import DEADLINE, make_cycle, make_item, make_task


@pytest.fixture
def cast(db) -> Cast:
    """The cast with `office_dept`, an office admin granted on 区住建局 only."""
    return build_cast(scoped_office=True)


def test_a_scoped_office_admin_cannot_create_or_open_plan_wide_cycles(cast):
    task = make_task(cast)
    make_item(cast, task)  # led by 区经信局, outside office_dept's scope
    plan = task.plan
    with pytest.raises(NotFoundError):
        cycle_create(actor=cast.office_dept, plan=plan, frequency="monthly", period_start=dt.date(2026, 5, 1),
                     period_end=dt.date(2026, 5, 31), due_date=dt.date(2026, 5, 25))
    with pytest.raises(NotFoundError):
        cycles_schedule(actor=cast.office_dept, plan=plan, frequency="monthly", year=2026)
    assert ReportingCycle.objects.count() == 0
    cycle = make_cycle(cast, plan)
    with pytest.raises(NotFoundError):
        cycle_open(actor=cast.office_dept, cycle=cycle)
    cycle.refresh_from_db()
    assert (cycle.opened_at, ProgressReport.objects.count(), ReportPart.objects.count()) == (None, 0, 0)
    assert cycle_open(actor=cast.office, cycle=cycle) == 1


def test_a_scoped_office_admin_cannot_create_all_towns_items(cast):
    task = make_task(cast, all_towns=True)
    with pytest.raises(NotFoundError):
        work_items_create_for_towns(actor=cast.office_dept, task=task, title="开展质量帮扶", deadline=DEADLINE)
    assert WorkItem.objects.count() == 0
    assert [i.lead_unit for i in work_items_create_for_towns(actor=cast.office, task=task, title="开展质量帮扶",
                                                             deadline=DEADLINE)] == [cast.town]


def test_a_scoped_office_admin_sets_up_items_only_among_its_units(cast):
    task = make_task(cast)
    # Its own department as lead, with a co unit it does not hold: refused.
    with pytest.raises(NotFoundError):
        work_item_create(actor=cast.office_dept, task=task, lead_unit=cast.dept_b, title="住建事项",
                         deadline=DEADLINE, co_units=[cast.town])
    with pytest.raises(NotFoundError):
        work_item_create(actor=cast.office_dept, task=task, lead_unit=cast.dept_a, title="经信事项",
                         deadline=DEADLINE)
    assert WorkItem.objects.count() == 0
    own = work_item_create(actor=cast.office_dept, task=task, lead_unit=cast.dept_b, title="住建事项",
                           deadline=DEADLINE)
    # Moving its own item to another lead unit, or adding a co unit outside its scope: refused.
    with pytest.raises(NotFoundError):
        work_item_update(actor=cast.office_dept, work_item=own, lead_unit=cast.dept_a)
    with pytest.raises(NotFoundError):
        work_item_update(actor=cast.office_dept, work_item=own, co_units=[cast.town])
    own.refresh_from_db()
    assert (own.lead_unit, list(WorkItemUnit.objects.filter(work_item=own))) == (cast.dept_b, [])
    # An item of 区经信局 with 区住建局 as co unit is not its to change.
    other = make_item(cast, task, co=[cast.dept_b])
    with pytest.raises(NotFoundError):
        work_item_update(actor=cast.office_dept, work_item=other, co_units=[])
    assert list(other.co_units.values_list("unit_id", flat=True)) == [cast.dept_b.pk]


def test_a_scoped_office_admin_cannot_approve_a_proposal_with_co_units_outside_its_scope(cast):
    task = make_task(cast)
    proposal = work_item_propose(actor=cast.liaison_b, task=task, lead_unit=cast.dept_b, title="住建提议",
                                 deadline=DEADLINE, co_units=[cast.town])
    with pytest.raises(NotFoundError):
        work_item_approve(actor=cast.office_dept, work_item=proposal)
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert work_item_approve(actor=cast.office, work_item=proposal).status == "active"


def test_a_finding_cannot_link_a_work_item_outside_the_actors_sight(cast):
    task = make_task(cast)
    item = make_item(cast, task, co=[])  # 区经信局 only
    with pytest.raises(NotFoundError):
        finding_create(actor=cast.office_dept, source="office_supervision", title="问题", unit=cast.dept_b,
                       deadline=DEADLINE, work_item=item)
    assert Finding.objects.count() == 0
    finding = finding_create(actor=cast.office_dept, source="office_supervision", title="问题", unit=cast.dept_b,
                             deadline=DEADLINE)
    assert (finding.unit, finding.work_item) == (cast.dept_b, None)



def test_the_supervised_notice_lists_a_scoped_office_admins_own_units_only(cast):
    from qualitygov.core.models import Notification
    from qualitygov.progress.escalation import escalation_run

    from .factories import make_setup

    make_setup(cast, co=[cast.dept_b])  # 区经信局 leads, 区住建局 co-operates
    for day in (23, 26):
        escalation_run(today=dt.date(2026, 5, day))
    escalation_run(today=dt.date(2026, 6, 1))  # 7 days overdue: red and 督办 for both units
    assert sorted(Notification.objects.filter(kind="progress.supervised").values_list(
        "recipient__username", "subject")) == [("office", "督办清单新增2项"), ("office_dept", "督办清单新增1项")]
