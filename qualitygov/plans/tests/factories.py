"""Plans built directly for tests: a plan, its groups, tasks with responsibilities, indicators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from qualitygov.accounts.models import OrgUnit
from qualitygov.plans.models import Plan, Responsibility, Section, Task, TaskGroup

PLAN_TITLE = "普陀区深入贯彻落实《质量强国建设纲要》加快建设质量强区的实施方案（2023—2027年）"


def plan_factory(*, title: str = PLAN_TITLE, issuer: str = "舟山市普陀区质量强区工作领导小组",
                 doc_number: str = "普质强区发〔2023〕1号", issued_on: dt.date | None = dt.date(2023, 12, 15),
                 period: tuple[int, int] | None = (2023, 2027), revision: int = 1) -> Plan:
    return Plan.objects.create(
        title=title, issuer=issuer, doc_number=doc_number, issued_on=issued_on,
        period_start=period[0] if period else None, period_end=period[1] if period else None, revision=revision,
    )


def section_factory(*, plan: Plan, number: str, title: str, subsections: Sequence[str] = (), order: int = 0) -> Section:
    section = Section.objects.create(plan=plan, number=number, title=title, order=order)
    numbers = "一二三四五六七八九十"
    for i, sub in enumerate(subsections):
        Section.objects.create(plan=plan, parent=section, number=numbers[i], title=sub, order=order * 100 + i + 1)
    return section


def group_factory(*, plan: Plan, number: str, title: str) -> TaskGroup:
    order = TaskGroup.objects.filter(plan=plan).count() + 1
    return TaskGroup.objects.create(plan=plan, number=number, title=title, order=order)


def task_factory(*, plan: Plan, group: TaskGroup | None = None, number: str | None = None, title: str = "",
                 text: str = "", lead: Sequence[OrgUnit] = (), co: Sequence[OrgUnit] = (), all_towns: bool = False,
                 deadline: dt.date | None = None, deadline_text: str = "") -> Task:
    """A task numbered after the plan's last one unless `number` is given; lead/co units in that order."""
    order = Task.objects.filter(plan=plan).count() + 1
    number = number or str(order)
    title = title or f"任务{number}"
    task = Task.objects.create(
        plan=plan, group=group, number=number, title=title, text=text or f"{title}。推进第{number}项工作。",
        all_towns=all_towns, deadline=deadline, deadline_text=deadline_text, order=order,
    )
    for role, units in (("lead", lead), ("co", co)):
        for i, unit in enumerate(units):
            Responsibility.objects.create(task=task, unit=unit, role=role, name_as_written=unit.label, order=i)
    return task


def indicator_factory(*, plan: Plan, code: str, name: str, comparator: str, value: str | int, unit: str = "",
                      year: int | None = 2025, scope: str = "goals", task: Task | None = None):
    """An indicator of `plan`, made through the plan's `indicators` relation (plans does not import the
    indicators app; its pages only read that relation)."""
    order = plan.indicators.count() + 1
    return plan.indicators.create(
        task=task, code=code, name=name, unit=unit, comparator=comparator,
        target_value=Decimal(str(value)), target_year=year, scope=scope if task is None else "task",
        source=f"{name}{value}{unit}", order=order,
    )


def workspace_plan(cast) -> Plan:
    """A small plan over the cast's units.

    Group （一）: task 1 led by 区经信局 with 区住建局 co-operating; task 2 led by 区住建局 alone.
    Group （二）: task 3 given to all towns, led by the office, deadline text "2025年底前";
    task 4 led by 沈家门街道 with a deadline date. Indicators: one goal indicator, one in task 1.
    """
    plan = plan_factory()
    section_factory(plan=plan, number="一", title="总体要求", subsections=["指导思想", "主要目标"], order=1)
    section_factory(plan=plan, number="二", title="主要任务",
                    subsections=["增强发展动能", "提升质量供给"], order=2)
    g1 = group_factory(plan=plan, number="一", title="增强发展动能")
    g2 = group_factory(plan=plan, number="二", title="提升质量供给")
    t1 = task_factory(plan=plan, group=g1, title="坚持质量发展创新驱动", text="大力实施数字经济“一号发展工程”。",
                      lead=[cast.dept_a], co=[cast.dept_b])
    task_factory(plan=plan, group=g1, title="提升建设工程品质", text="推进工程质量提升。", lead=[cast.dept_b])
    task_factory(plan=plan, group=g2, title="提高全民质量素养", text="开展质量月活动。", lead=[cast.office_unit],
                 all_towns=True, deadline_text="2025年底前")
    task_factory(plan=plan, group=g2, title="打造街道质量示范", text="建设质量示范街区。", lead=[cast.town],
                 deadline=dt.date(2026, 6, 30))
    indicator_factory(plan=plan, code="G1", name="规上工业增加值占全区生产总值比重", comparator="about", value=17,
                      unit="%")
    indicator_factory(plan=plan, code="T1-1", name="数字经济核心产业增加值增速", comparator=">=", value="8.5",
                      unit="%", task=t1)
    return plan
