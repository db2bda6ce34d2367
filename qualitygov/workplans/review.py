"""An import under review: each parsed key point with its resolved plan task, units and deadline,
and the problems the office must fix before confirming.

Unit names are resolved with the plan import's resolver (`planimport.units.resolve_units`: full
names, short names, aliases, the office's explicit choices); a name it would create a unit for is
here an unknown unit, a problem fixed by choosing an existing unit — never dropped. Headings are
matched to the plan's task groups and tasks by name; the office can pick the task of each point.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.planimport.units import UnitResolution, resolve_units
from qualitygov.plans.models import Task, TaskGroup

from .models import WorkPlanImport

_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|（[一二三四五六七八九十\d]{1,3}）|\d{1,3}\s*[.．、])\s*")


def _norm(text: str) -> str:
    return re.sub(r"[\s，,。、；;：:“”\"（）()]", "", _NUMBERING.sub("", text or ""))


def _bigrams(text: str) -> set[str]:
    text = _norm(text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


@dataclass
class ReviewPoint:
    index: int
    number: int
    text: str
    where: str
    group: str
    task: Task | None
    task_note: str
    lead: OrgUnit | None
    co: list[OrgUnit]
    lead_names: list[str]
    co_names: list[str]
    deadline: dt.date | None
    deadline_text: str
    problems: list[str] = field(default_factory=list)


@dataclass
class Review:
    imp: WorkPlanImport
    points: list[ReviewPoint]
    units: dict[str, UnitResolution]
    unknown: list[str]
    tasks: list[Task]

    @property
    def problem_count(self) -> int:
        return sum(len(p.problems) for p in self.points)


def match_task(tasks: list[Task], *, group: str, hint: str, text: str) -> tuple[Task | None, str]:
    """The plan task a key point serves: its plan-task column (number or name), else its heading
    (a task's or a task group's name), the best match of its wording within the group. ("", reason)."""
    hint = (hint or "").strip()
    if hint:
        number = _NUMBERING.sub("", hint).strip() if not hint.isdigit() else hint
        by_number = [t for t in tasks if t.number == hint.rstrip(".．、") or t.number == number]
        if len(by_number) == 1:
            return by_number[0], ""
        named = sorted(tasks, key=lambda t: _similarity(hint, t.title), reverse=True)
        if named and _similarity(hint, named[0].title) >= 0.6:
            return named[0], ""
    candidates = tasks
    if group:
        for task in tasks:
            if _norm(task.title) and _norm(task.title) == _norm(group):
                return task, ""
        groups: dict[int, TaskGroup] = {t.group_id: t.group for t in tasks if t.group_id}
        scored = sorted(groups.values(), key=lambda g: _similarity(group, g.title), reverse=True)
        if scored and _similarity(group, scored[0].title) >= 0.5:
            candidates = [t for t in tasks if t.group_id == scored[0].pk]
    if len(candidates) == 1:
        return candidates[0], ""
    # The wording against each task's name first, its whole text to break ties; a clear winner only.
    # Without a heading that names a group the bar is higher: every task shares words such as 质量.
    def score(task: Task) -> tuple[float, float]:
        return _similarity(text, task.title), _similarity(text, f"{task.title}{task.text}")

    ranked = sorted(candidates, key=score, reverse=True)
    if ranked:
        best = score(ranked[0])
        second = score(ranked[1]) if len(ranked) > 1 else (0.0, 0.0)
        bar = 0.2 if candidates is not tasks else 0.4
        if best[0] >= bar and best > second:
            return ranked[0], ""
        if candidates is not tasks and best[0] == 0 and best[1] >= 0.2 and best[1] > second[1]:
            return ranked[0], ""
    return None, _("Choose the plan task this key point serves.")


def plan_tasks(plan) -> list[Task]:
    return list(Task.objects.filter(plan=plan).select_related("group").order_by("order", "pk"))


def import_review(imp: WorkPlanImport) -> Review:
    """The effective import: parsed key points with the office's corrections applied and resolved."""
    corrections = imp.corrections or {}
    points_json = imp.parsed.get("points", [])
    names: list[str] = []
    for point in points_json:
        for name in point["lead"] + point["co"]:
            if name not in names:
                names.append(name)
    unit_choices = {name: {"unit": pk} for name, pk in corrections.get("units", {}).items()}
    units = resolve_units(names, {"units": unit_choices}, [])
    unknown = [name for name in names if not units[name].resolved]
    tasks = plan_tasks(imp.plan)
    by_pk = {t.pk: t for t in tasks}
    task_fix = corrections.get("tasks", {})
    deadline_fix = corrections.get("deadlines", {})
    points: list[ReviewPoint] = []
    for index, p in enumerate(points_json):
        key = str(index)
        if key in task_fix and task_fix[key] in by_pk:
            task, task_note = by_pk[task_fix[key]], ""
        else:
            task, task_note = match_task(tasks, group=p.get("group", ""), hint=p.get("task_hint", ""), text=p["text"])
        problems: list[str] = []
        lead = None
        co: list[OrgUnit] = []
        for name in p["lead"]:
            res = units[name]
            if not res.resolved:
                problems.append(_("%(where)s: unknown lead unit “%(name)s”: choose the unit it means.")
                                % {"where": p["where"], "name": name})
            elif res.outcome == "members":
                problems.append(_("%(where)s: “%(name)s” cannot lead a key point: name one lead unit.")
                                % {"where": p["where"], "name": name})
            elif lead is None:
                lead = res.unit
            elif res.unit not in co and res.unit != lead:
                co.append(res.unit)  # a second lead unit co-operates: one unit leads a work item
        for name in p["co"]:
            res = units[name]
            if not res.resolved:
                problems.append(_("%(where)s: unknown co-operating unit “%(name)s”: choose the unit it means.")
                                % {"where": p["where"], "name": name})
                continue
            for unit in res.units if res.outcome == "members" else [res.unit]:
                if unit != lead and unit not in co:
                    co.append(unit)
        if not p["lead"]:
            problems.extend(p.get("notes", [])[:1] or [_("No lead unit.")])
        if task is None:
            problems.append(f"{p['where']}：{task_note}")
        deadline = dt.date.fromisoformat(p["deadline"]) if p.get("deadline") else None
        if key in deadline_fix:
            deadline = dt.date.fromisoformat(deadline_fix[key])
        if deadline is None:
            problems.append(next((n for n in p.get("notes", []) if "完成时限" in n),
                                 _("%(where)s: no deadline.") % {"where": p["where"]}))
        elif deadline.year != imp.year and deadline.year != imp.year + 1:
            problems.append(_("%(where)s: the deadline %(date)s is not in %(year)s.")
                            % {"where": p["where"], "date": deadline.isoformat(), "year": imp.year})
        points.append(ReviewPoint(
            index=index, number=p["number"], text=p["text"], where=p["where"], group=p.get("group", ""),
            task=task, task_note=task_note, lead=lead, co=co, lead_names=p["lead"], co_names=p["co"],
            deadline=deadline, deadline_text=p.get("deadline_text", ""), problems=problems))
    return Review(imp=imp, points=points, units=units, unknown=unknown, tasks=tasks)
