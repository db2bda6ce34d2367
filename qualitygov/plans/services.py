"""Writes to plans: a plan's outline (header, sections, task groups, tasks, responsibilities) as a whole.

The plan import writes plans through these services. `plan_outline_create` stores a new plan;
`plan_outline_revise` updates a stored plan in place, keeping the primary keys of the tasks it is
told match, so that work attached to them stays attached. Both are steps of one larger write
(the import also writes indicators and new units): they run inside the caller's transaction and
the caller records the one audit event (`plan.create` or `plan.revise`) that describes the whole
change. Values are cut to the fields' lengths; nothing here reads documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from qualitygov.accounts.models import OrgUnit

from .models import Plan, Responsibility, Section, Task, TaskGroup


@dataclass
class TaskOutline:
    """One task as a plan document states it. `units`: (role, name as written, unit), lead first, in order.

    `deadline` None leaves a revised task's stored deadline as it is; so does `deadline_text` None
    (the 完成时限 as written: 2025年底前, 长期坚持, 每年).
    """

    number: str
    title: str
    text: str
    all_towns: bool
    units: list[tuple[str, str, OrgUnit]]
    group: tuple[str, str] | None = None  # (number, title) of its task group
    deadline: dt.date | None = None
    deadline_text: str | None = None


@dataclass
class PlanOutline:
    """A plan's header fields (Plan's field names), sections, task groups and tasks, in document order.

    `sections`: [{"number", "title", "subsections": [{"number", "title"}]}]; `groups`: [(number, title)].
    """

    header: dict[str, Any]
    sections: list[dict]
    groups: list[tuple[str, str]]
    tasks: list[TaskOutline]


@dataclass
class OutlineWrite:
    """What a write did: the plan, its tasks by number, and (for a revision) what changed or was kept."""

    plan: Plan
    tasks: dict[str, Task]
    counts: dict[str, int] = field(default_factory=dict)
    responsibilities_changed: int = 0
    #: Responsibilities no longer named that were kept because rows elsewhere point at them.
    kept_responsibilities: list[Responsibility] = field(default_factory=list)


def has_attached_rows(obj: models.Model, managed: tuple = ()) -> bool:
    """True when rows of any model other than `managed` point at `obj` (work items, reports, data…)."""
    for rel in obj._meta.related_objects:
        if rel.related_model in managed or rel.many_to_many:
            continue
        if rel.related_model._default_manager.filter(**{rel.field.name: obj}).exists():
            return True
    return False


def _sections_create(plan: Plan, sections: list[dict]) -> None:
    for order, section in enumerate(sections):
        parent = Section.objects.create(plan=plan, number=section["number"][:10], title=section["title"][:300],
                                        order=order * 100)
        Section.objects.bulk_create([
            Section(plan=plan, parent=parent, number=sub["number"][:10], title=sub["title"][:300],
                    order=order * 100 + i + 1)
            for i, sub in enumerate(section.get("subsections", []))
        ])


def _task_values(item: TaskOutline, groups: dict[tuple[str, str], TaskGroup], order: int) -> dict[str, Any]:
    values = {"group": groups.get(item.group) if item.group else None, "number": item.number[:10],
              "title": item.title[:300], "text": item.text, "all_towns": item.all_towns, "order": order}
    if item.deadline is not None:
        values["deadline"] = item.deadline
    if item.deadline_text is not None:
        values["deadline_text"] = item.deadline_text[:60]
    return values


@transaction.atomic
def plan_outline_create(*, actor, outline: PlanOutline) -> OutlineWrite:
    """Store a new plan with its sections, task groups, tasks and responsibilities (the caller audits)."""
    plan = Plan.objects.create(**outline.header)
    _sections_create(plan, outline.sections)
    groups = {}
    for order, (number, title) in enumerate(outline.groups):
        groups[(number, title)] = TaskGroup.objects.create(plan=plan, number=number[:10], title=title[:300],
                                                           order=order)
    tasks = Task.objects.bulk_create([Task(plan=plan, **_task_values(item, groups, i))
                                      for i, item in enumerate(outline.tasks)])
    responsibilities = [
        Responsibility(task=task, unit=unit, role=role, name_as_written=name[:120], order=order)
        for task, item in zip(tasks, outline.tasks, strict=True)
        for order, (role, name, unit) in enumerate(item.units)
    ]
    Responsibility.objects.bulk_create(responsibilities)
    counts = {"sections": plan.sections.filter(parent__isnull=True).count(), "task_groups": len(groups),
              "tasks": len(tasks), "responsibilities": len(responsibilities)}
    return OutlineWrite(plan=plan, tasks={task.number: task for task in tasks}, counts=counts)


def _sync_structure(plan: Plan, outline: PlanOutline) -> dict[tuple[str, str], TaskGroup]:
    """Sections are replaced wholesale (nothing attaches to them); task groups are kept by number."""
    Section.objects.filter(plan=plan).delete()
    existing = {g.number: g for g in TaskGroup.objects.filter(plan=plan)}
    groups = {}
    for order, (number, title) in enumerate(outline.groups):
        found = existing.pop(number, None)
        if found is None:
            found = TaskGroup.objects.create(plan=plan, number=number[:10], title=title[:300], order=order)
        elif (found.title, found.order) != (title[:300], order):
            found.title, found.order = title[:300], order
            found.save(update_fields=["title", "order"])
        groups[(number, title)] = found
    for group in existing.values():
        group.delete()  # its kept tasks stay, without a group
    for order, section in enumerate(outline.sections):
        parent = Section.objects.create(plan=plan, number=section["number"][:10], title=section["title"][:300],
                                        order=order * 100)
        for i, sub in enumerate(section.get("subsections", [])):
            Section.objects.create(plan=plan, parent=parent, number=sub["number"][:10], title=sub["title"][:300],
                                   order=order * 100 + i + 1)
    return groups


def _sync_responsibilities(task: Task, rows: list[tuple[str, str, OrgUnit]], kept: list[Responsibility]) -> int:
    existing = {r.unit_id: r for r in task.responsibilities.all()}
    changed = 0
    for order, (role, name, unit) in enumerate(rows):
        current = existing.pop(unit.pk, None)
        if current is None:
            Responsibility.objects.create(task=task, unit=unit, role=role, name_as_written=name[:120], order=order)
            changed += 1
        elif (current.role, current.name_as_written, current.order) != (role, name[:120], order):
            current.role, current.name_as_written, current.order = role, name[:120], order
            current.save(update_fields=["role", "name_as_written", "order"])
            changed += 1
    for gone in existing.values():
        if has_attached_rows(gone):
            kept.append(gone)
            continue
        gone.delete()
        changed += 1
    return changed


@transaction.atomic
def plan_outline_revise(
    *, actor, plan: Plan, outline: PlanOutline, matches: list[tuple[Task | None, TaskOutline | None]],
    keep: Iterable[Task] = (),
) -> OutlineWrite:
    """Update `plan` in place to `outline` and count a new revision (the caller audits).

    `matches` pairs every stored task with its counterpart in `outline` (None on either side: a
    task removed or added); a matched task keeps its primary key. Removed tasks are deleted,
    except those in `keep` (work is attached), which stay under a number the outline does not use.
    A responsibility no longer named stays when rows elsewhere point at it (`kept_responsibilities`).
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    for key, value in outline.header.items():
        setattr(plan, key, value)
    plan.revision += 1
    plan.save()
    groups = _sync_structure(plan, outline)
    kept_pks = {task.pk for task in keep}
    kept_tasks = []
    for old, new in matches:
        if old is not None and new is None:
            if old.pk in kept_pks:
                kept_tasks.append(old)
            else:
                old.delete()
    # Renumbering goes through temporary numbers so that the per-plan unique number never clashes.
    for old, new in matches:
        if old is not None and new is not None and old.number != new.number:
            Task.objects.filter(pk=old.pk).update(number=f"~{old.pk}"[:10])
    wanted = {item.number for item in outline.tasks}
    for task in kept_tasks:
        number = task.number
        while number in wanted:
            number = (number + "′")[-10:]
        if number != task.number:
            Task.objects.filter(pk=task.pk).update(number=number)
    order_of = {item.number: i for i, item in enumerate(outline.tasks)}
    written = OutlineWrite(plan=plan, tasks={})
    for old, new in matches:
        if new is None:
            continue
        values = _task_values(new, groups, order_of[new.number])
        if old is None:
            task = Task.objects.create(plan=plan, **values)
        else:
            task = old
            for key, value in values.items():
                setattr(task, key, value)
            task.save()
        written.tasks[task.number] = task
        written.responsibilities_changed += _sync_responsibilities(task, new.units, written.kept_responsibilities)
    return written
