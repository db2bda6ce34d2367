"""Who sees and changes what: drafts stay with their unit, towns see their own items only."""

from __future__ import annotations

import pytest

from qualitygov.core.errors import NotFoundError
from qualitygov.progress import selectors as sel
from qualitygov.progress.models import ProgressReport, WorkItem
from qualitygov.progress.services import (
    finding_create,
    report_approve,
    report_part_return,
    report_part_save,
    report_part_submit,
    report_submit,
    work_item_create,
    work_items_create_for_towns,
)

from .factories import make_item, make_setup, make_task


def test_a_co_unit_cannot_see_another_co_units_draft(cast):
    s = make_setup(cast)
    draft = report_part_save(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="住建局草稿")
    assert list(sel.report_part_list_visible(user=cast.liaison_b, report=s.report)) == [draft]
    assert list(sel.report_part_list_visible(user=cast.town_liaison, report=s.report)) == [s.part(cast.town)]
    with pytest.raises(NotFoundError):
        sel.report_part_get_visible(user=cast.town_liaison, pk=draft.pk)
    # The lead unit sees who has filed, but not the text of a draft.
    assert list(sel.report_part_list_visible(user=cast.liaison_a, report=s.report)) == []
    rows = sel.report_part_statuses(user=cast.liaison_a, report=s.report)
    assert [(r.unit_label, r.status, r.readable) for r in rows] == [
        ("区住建局", "draft", False), ("沈家门街道", "open", False)]
    assert [(r.unit_label, r.readable) for r in sel.report_part_statuses(user=cast.town_liaison, report=s.report)] == [
        ("沈家门街道", True)]
    # Once filed, the lead unit reads it; the other co unit still does not.
    report_part_submit(actor=cast.liaison_b, part=draft)
    assert [p.unit for p in sel.report_part_list_visible(user=cast.liaison_a, report=s.report)] == [cast.dept_b]
    assert [p.unit for p in sel.report_part_list_visible(user=cast.town_liaison, report=s.report)] == [cast.town]
    assert len(sel.report_part_list_visible(user=cast.office, report=s.report)) == 2


def test_a_town_sees_only_its_own_items(cast):
    from qualitygov.accounts.choices import OrgUnitKind
    from qualitygov.accounts.services import org_unit_create

    other_town = org_unit_create(actor=None, name="舟山市普陀区东港街道", kind=OrgUnitKind.SUBDISTRICT,
                                 parent=cast.district, short_name="东港街道")
    task = make_task(cast, all_towns=True, title="推进小微企业质量提升")
    items = work_items_create_for_towns(actor=cast.office, task=task, title="开展质量帮扶", deadline=task.plan.issued_on.replace(year=2026))
    assert sorted(i.lead_unit.label for i in items) == ["东港街道", "沈家门街道"]
    other = make_item(cast, task, co=[cast.dept_b], title="部门事项")
    visible = list(sel.work_item_list_visible(user=cast.town_liaison))
    assert [(i.title, i.lead_unit.label) for i in visible] == [("开展质量帮扶", "沈家门街道")]
    with pytest.raises(NotFoundError):
        sel.work_item_get_visible(user=cast.town_liaison, pk=other.pk)
    assert sel.work_item_list_visible(user=cast.office).count() == 3
    assert sel.work_item_list_visible(user=cast.leader).count() == 3
    # Running it again creates nothing new.
    assert work_items_create_for_towns(actor=cast.office, task=task, title="开展质量帮扶",
                                       deadline=task.plan.issued_on.replace(year=2026)) == []
    assert other_town.led_work_items.count() == 1


def test_reports_are_visible_to_lead_and_co_units_only(cast):
    s = make_setup(cast, co=[cast.dept_b])
    assert list(sel.report_list_visible(user=cast.liaison_a)) == [s.report]
    assert list(sel.report_list_visible(user=cast.liaison_b)) == [s.report]
    assert list(sel.report_list_visible(user=cast.town_liaison)) == []
    with pytest.raises(NotFoundError):
        sel.report_get_visible(user=cast.town_liaison, pk=s.report.pk)


def test_units_cannot_act_for_others_and_nothing_changes(cast):
    s = make_setup(cast)
    part_b = s.part(cast.dept_b)
    with pytest.raises(NotFoundError):
        report_part_save(actor=cast.town_liaison, part=part_b, done_text="冒名")
    with pytest.raises(NotFoundError):
        report_part_return(actor=cast.liaison_b, part=s.part(cast.town), reason="不是牵头单位")
    with pytest.raises(NotFoundError):
        report_submit(actor=cast.liaison_b, report=s.report, progress_pct="50", done_text="冒名")
    part_b.refresh_from_db()
    s.report.refresh_from_db()
    assert (part_b.status, part_b.done_text, s.report.status, s.report.progress_pct) == ("open", "", "open", None)


def test_only_the_office_approves_and_sets_up(cast):
    s = make_setup(cast, co=[])
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="50", done_text="完成")
    for member in ("liaison_a", "liaison_b", "town_liaison", "leader"):
        with pytest.raises(NotFoundError):
            report_approve(actor=cast.members[member], report=s.report)
    assert ProgressReport.objects.get(pk=s.report.pk).status == "submitted"
    with pytest.raises(NotFoundError):
        work_item_create(actor=cast.liaison_a, task=s.task, lead_unit=cast.dept_a, title="自建",
                         deadline=s.item.deadline)
    with pytest.raises(NotFoundError):
        finding_create(actor=cast.liaison_a, source="inspection", title="自查", unit=cast.dept_b,
                       deadline=s.item.deadline)
    assert WorkItem.objects.count() == 1


def test_inbox_per_role(cast):
    s = make_setup(cast)
    report_part_submit(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="完成")
    box_a = sel.inbox(user=cast.liaison_a)
    assert ([r.pk for r in box_a.due_reports], [p.unit for p in box_a.parts_to_review]) == ([s.report.pk], [cast.dept_b])
    box_town = sel.inbox(user=cast.town_liaison)
    assert ([p.pk for p in box_town.due_parts], box_town.due_reports, box_town.parts_to_review) == (
        [s.part(cast.town).pk], [], [])
    report_part_return(actor=cast.liaison_a, part=s.part(cast.dept_b), reason="补充")
    assert [p.pk for p in sel.inbox(user=cast.liaison_b).returned_parts] == [s.part(cast.dept_b).pk]
    assert sel.inbox(user=cast.office).reports_to_review == []
