"""`plan_outline_create` and `plan_outline_revise`: a plan's outline written as a whole."""

from __future__ import annotations

import datetime as dt

from qualitygov.core.models import AuditEvent
from qualitygov.plans.models import Plan, Responsibility, Section, Task, TaskGroup
from qualitygov.plans.services import PlanOutline, TaskOutline, plan_outline_create, plan_outline_revise

HEADER = {"title": "某区质量强区实施方案", "issuer": "某区人民政府", "doc_number": "某政发〔2024〕1号",
          "issued_on": dt.date(2024, 3, 1), "period_start": 2024, "period_end": 2026, "source_name": "方案.txt"}
SECTIONS = [{"number": "一", "title": "总体要求", "subsections": [{"number": "一", "title": "指导思想"}]},
            {"number": "二", "title": "主要任务", "subsections": []}]


def _outline(cast, tasks: list[TaskOutline], groups=(("一", "增强发展动能"),)) -> PlanOutline:
    return PlanOutline(header=dict(HEADER), sections=SECTIONS, groups=list(groups), tasks=tasks)


def _task(cast, number: str, title: str, *, group=("一", "增强发展动能"), units=None, deadline=None) -> TaskOutline:
    units = units if units is not None else [("lead", "区经信局", cast.dept_a), ("co", "区住建局", cast.dept_b)]
    return TaskOutline(number=number, title=title, text=f"{title}。", all_towns=False, units=units, group=group,
                       deadline=deadline)


def _rows(plan: Plan) -> list[tuple]:
    return [(t.number, t.title, t.group.number if t.group_id else None, t.order, t.deadline,
             [(r.role, r.unit_id, r.name_as_written, r.order) for r in t.responsibilities.order_by("role", "order")])
            for t in Task.objects.filter(plan=plan).order_by("order", "pk")]


def test_create_writes_the_outline_and_no_audit_event(cast):
    events = AuditEvent.objects.count()
    written = plan_outline_create(actor=cast.office, outline=_outline(cast, [
        _task(cast, "1", "坚持创新驱动", deadline=dt.date(2025, 6, 30)),
        _task(cast, "2", "提升产品质量", group=None, units=[("lead", "区住建局", cast.dept_b)]),
    ]))
    plan = written.plan
    assert (plan.title, plan.revision, plan.source_name) == ("某区质量强区实施方案", 1, "方案.txt")
    assert list(Section.objects.filter(plan=plan).values_list("number", "title", "parent__number", "order")) == [
        ("一", "总体要求", None, 0), ("一", "指导思想", "一", 1), ("二", "主要任务", None, 100)]
    assert list(TaskGroup.objects.filter(plan=plan).values_list("number", "title", "order")) == [("一", "增强发展动能", 0)]
    assert _rows(plan) == [
        ("1", "坚持创新驱动", "一", 0, dt.date(2025, 6, 30),
         [("co", cast.dept_b.pk, "区住建局", 1), ("lead", cast.dept_a.pk, "区经信局", 0)]),
        ("2", "提升产品质量", None, 1, None, [("lead", cast.dept_b.pk, "区住建局", 0)]),
    ]
    assert sorted(written.tasks) == ["1", "2"]
    assert written.counts == {"sections": 2, "task_groups": 1, "tasks": 2, "responsibilities": 3}
    assert AuditEvent.objects.count() == events  # the caller records the whole change


def test_revise_updates_in_place_renumbers_and_keeps_what_it_is_told(cast):
    first = plan_outline_create(actor=cast.office, outline=_outline(cast, [
        _task(cast, "1", "坚持创新驱动", deadline=dt.date(2025, 6, 30)),
        _task(cast, "2", "提升产品质量"),
        _task(cast, "3", "提升工程质量"),
        _task(cast, "4", "提升服务质量"),
    ]))
    old = first.tasks
    new_one = _task(cast, "1", "坚持创新驱动发展", units=[("lead", "区住建局", cast.dept_b)])
    new_two = _task(cast, "2", "提升工程质量", group=("二", "夯实质量基础"))
    new_three = _task(cast, "3", "打造质量品牌", group=("二", "夯实质量基础"))
    written = plan_outline_revise(
        actor=cast.office, plan=first.plan, keep=[old["2"]],
        outline=_outline(cast, [new_one, new_two, new_three], groups=[("一", "增强发展动能"), ("二", "夯实质量基础")]),
        matches=[(old["1"], new_one), (old["3"], new_two), (old["2"], None), (old["4"], None), (None, new_three)],
    )
    plan = Plan.objects.get(pk=first.plan.pk)
    assert plan.revision == 2
    assert written.tasks["1"].pk == old["1"].pk and written.tasks["2"].pk == old["3"].pk
    assert not Task.objects.filter(pk=old["4"].pk).exists()
    assert _rows(plan) == [
        ("1", "坚持创新驱动发展", "一", 0, dt.date(2025, 6, 30), [("lead", cast.dept_b.pk, "区住建局", 0)]),
        # Kept because work is attached; its number is now used by another task, so it moves aside.
        ("2′", "提升产品质量", "一", 1, None,
         [("co", cast.dept_b.pk, "区住建局", 1), ("lead", cast.dept_a.pk, "区经信局", 0)]),
        ("2", "提升工程质量", "二", 1, None,
         [("co", cast.dept_b.pk, "区住建局", 1), ("lead", cast.dept_a.pk, "区经信局", 0)]),
        ("3", "打造质量品牌", "二", 2, None,
         [("co", cast.dept_b.pk, "区住建局", 1), ("lead", cast.dept_a.pk, "区经信局", 0)]),
    ]
    # Task 1 lost 区经信局 and changed 区住建局's role and order; task 3 (new) gained two.
    assert written.responsibilities_changed == 4
    assert written.kept_responsibilities == []
    assert Responsibility.objects.filter(task__plan=plan).count() == 7
