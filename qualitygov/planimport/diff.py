"""A revision: what confirming an import over the stored plan it revises changes.

A revision never degrades a reviewed value: when the new copy has a worse version of a stored
name (characters lost, a span cut as unreadable) or names a unit that no longer resolves where the
stored task had a resolved unit, the stored value is kept in the effective plan and the difference
is listed in `PlanDiff.kept` for the office.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import Any

from django.utils.translation import gettext as _

from qualitygov.indicators.models import Indicator
from qualitygov.indicators.selectors import indicators_of_plan
from qualitygov.plans.models import Plan, Responsibility, Task

from .units import UnitResolution, import_task_units

_DAMAGE_MARKS = ("…", "\ufffd", "�")

HEADER_FIELDS = ("title", "issuer", "doc_number", "issued_on", "period")
MATCH_NUMBER_SIMILARITY = 0.5
MATCH_SIMILARITY = 0.6


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _number_key(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return None


def plan_import_find_revised(plan: dict) -> Plan | None:
    """The existing plan `plan` revises: same document number, else same title."""
    if plan.get("doc_number"):
        found = Plan.objects.filter(doc_number=plan["doc_number"]).order_by("-pk").first()
        if found is not None:
            return found
    if plan.get("title"):
        return Plan.objects.filter(title=plan["title"]).order_by("-pk").first()
    return None


def has_attached_rows(obj, managed: tuple = ()) -> bool:
    """True when rows of any model other than `managed` point at `obj` (work items, reports, data…)."""
    for rel in obj._meta.related_objects:
        if rel.related_model in managed or rel.many_to_many:
            continue
        if rel.related_model._default_manager.filter(**{rel.field.name: obj}).exists():
            return True
    return False


def task_has_attached_work(task: Task) -> bool:
    """Anything besides the import's own responsibilities and indicators hangs on `task`."""
    return has_attached_rows(task, (Responsibility, Indicator))


@dataclass
class _Change:
    """One stored row against its counterpart in the new version: "added", "removed", "changed" or "unchanged"."""

    old: Any
    new: dict | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed" if self.changes else "unchanged"


@dataclass
class TaskChange(_Change):
    """One task of the revision: `old` the stored task, `new` the effective task dict."""

    old: Task | None


@dataclass
class IndicatorChange(_Change):
    """One indicator of the revision: `old` the stored indicators.Indicator, `new` the effective indicator dict."""

    old: Any


def is_degraded(stored: str | None, new: str | None) -> bool:
    """True when `new` is a worse copy of the reviewed `stored`: empty, marked as cut or garbled, or
    `stored` with characters lost (an in-order subsequence of it)."""
    if not stored or stored == new:
        return False
    if not new:
        return True
    if any(mark in new and mark not in stored for mark in _DAMAGE_MARKS):
        core = [part for part in new.replace("\ufffd", "…").split("…") if part]
        return all(part in stored for part in core)
    if len(new) < len(stored):
        it = iter(stored)
        return all(ch in it for ch in new)
    return False


@dataclass
class KeptValue:
    """A reviewed value a revision would have degraded: kept, and shown to the office."""

    what: str  # "title", "issuer", "task" (its name), "text", "indicator", "unit"
    where: str  # task number or indicator code; "" for the header
    stored: str
    new: str


def kept_message(kept: KeptValue) -> str:
    """One line for the office about a reviewed value the revision kept."""
    values = {"where": kept.where, "stored": kept.stored, "new": kept.new or "—"}
    if kept.what == "unit":
        return _("Task %(where)s: “%(new)s” does not resolve to a unit; the reviewed unit %(stored)s is kept.") % values
    if kept.what == "task":
        return _("Task %(where)s: the new name “%(new)s” is worse than the reviewed “%(stored)s”, which is kept.") % values
    if kept.what == "text":
        return _("Task %(where)s: the new text has lost characters; the reviewed text is kept.") % values
    if kept.what == "indicator":
        return _("Indicator %(where)s: the new name “%(new)s” is worse than the reviewed “%(stored)s”, which is "
                 "kept.") % values
    return _("The new “%(new)s” is worse than the reviewed “%(stored)s”, which is kept.") % values


@dataclass
class PlanDiff:
    plan: Plan
    header: dict[str, tuple[Any, Any]]
    tasks: list[TaskChange]
    indicators: list[IndicatorChange]
    kept: list[KeptValue] = field(default_factory=list)

    def of(self, items, kind: str) -> list:
        return [item for item in items if item.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        out = {"header": len(self.header)}
        for prefix, items in (("tasks", self.tasks), ("indicators", self.indicators)):
            for kind in ("added", "removed", "changed", "unchanged"):
                out[f"{prefix}_{kind}"] = len(self.of(items, kind))
        return out

    @property
    def kept_messages(self) -> list[str]:
        return [kept_message(k) for k in self.kept]

    @property
    def empty(self) -> bool:
        counts = self.counts
        return not any(v for k, v in counts.items() if not k.endswith("unchanged"))


def _match(olds: list, news: list, key_number, key_exact, score) -> list[tuple[Any, Any]]:
    """Pair old and new items: same number if similar enough, then exact key, then best similarity."""
    pairs: list[tuple[Any, Any]] = []
    free_old = list(olds)
    free_new = list(news)

    def take(o, n):
        pairs.append((o, n))
        free_old.remove(o)
        free_new.remove(n)

    if key_number is not None:
        for n in list(free_new):
            o = next((o for o in free_old if key_number(o, n)), None)
            if o is not None and score(o, n) >= MATCH_NUMBER_SIMILARITY:
                take(o, n)
    for n in list(free_new):
        same = [o for o in free_old if key_exact(o, n)]
        if len(same) == 1:
            take(same[0], n)
    candidates = sorted(((score(o, n), i, j) for i, o in enumerate(free_old) for j, n in enumerate(free_new)),
                        key=lambda c: -c[0])
    used_o: set[int] = set()
    used_n: set[int] = set()
    late = []
    for s, i, j in candidates:
        if s < MATCH_SIMILARITY:
            break
        if i in used_o or j in used_n:
            continue
        used_o.add(i)
        used_n.add(j)
        late.append((free_old[i], free_new[j]))
    for o, n in late:
        take(o, n)
    return pairs + [(o, None) for o in free_old] + [(None, n) for n in free_new]


def _task_score(old: Task, new: dict) -> float:
    """Texts decide: plan task titles are formulaic (全面提升产品质量 / 全面提升工程质量)."""
    if old.text and new["text"]:
        return similarity(old.text, new["text"])
    return similarity(old.title, new["title"])


def _units_label(rows) -> str:
    return "、".join(label for label in rows) or "—"


def _task_changes(old: Task, new: dict, resolutions: dict[str, UnitResolution], olds_units) -> dict:
    changes: dict[str, tuple[Any, Any]] = {}
    if old.number != new["number"]:
        changes["number"] = (old.number, new["number"])
    if old.title != new["title"]:
        changes["title"] = (old.title, new["title"])
    if old.text != new["text"]:
        changes["text"] = (old.text, new["text"])
    if old.all_towns != new["all_towns"]:
        changes["all_towns"] = (old.all_towns, new["all_towns"])
    old_group = f"（{old.group.number}）{old.group.title}" if old.group_id else None
    new_group = f"（{new['group']['number']}）{new['group']['title']}" if new.get("group") else None
    if old_group != new_group:
        changes["group"] = (old_group, new_group)
    if new.get("deadline") and str(old.deadline or "") != new["deadline"]:
        changes["deadline"] = (old.deadline.isoformat() if old.deadline else None, new["deadline"])
    if new.get("deadline_text") and old.deadline_text != new["deadline_text"]:
        changes["deadline_text"] = (old.deadline_text or None, new["deadline_text"])
    before = olds_units.get(old.pk, {})
    after = {}
    for role, _name, res, unit in import_task_units(new, resolutions):
        key = f"unit:{unit.pk}" if unit is not None else res.key
        after[key] = (role, unit.label if unit is not None else res.label)
    for role in ("lead", "co"):
        b = sorted(label for key, (r, label) in before.items() if r == role)
        a = sorted(label for key, (r, label) in after.items() if r == role)
        b_keys = {key for key, (r, _) in before.items() if r == role}
        a_keys = {key for key, (r, _) in after.items() if r == role}
        if b_keys != a_keys:
            changes[role] = (_units_label(b), _units_label(a))
    return changes


def _indicator_changes(old, new: dict, task_pk_of: dict[str, int | None]) -> dict:
    """Field changes; the task counts as changed only when it is another task, not merely renumbered."""
    changes: dict[str, tuple[Any, Any]] = {}
    if old.name != new["name"]:
        changes["name"] = (old.name, new["name"])
    if old.comparator != new["comparator"]:
        changes["comparator"] = (old.comparator, new["comparator"])
    if _number_key(old.target_value) != _number_key(new["value"]):
        changes["value"] = (_plain(old.target_value), _plain(new["value"]))
    if (old.unit or "") != (new.get("unit") or ""):
        changes["unit"] = (old.unit, new.get("unit") or "")
    if old.target_year != new.get("year"):
        changes["year"] = (old.target_year, new.get("year"))
    if old.baseline_year != new.get("baseline_year"):
        changes["baseline_year"] = (old.baseline_year, new.get("baseline_year"))
    new_task = new.get("task") if new.get("scope") == "task" else None
    if old.task_id != (task_pk_of.get(new_task, -1) if new_task else None):
        changes["task"] = (old.task.number if old.task_id else None, new_task)
    return changes


def _plain(value: Any) -> str:
    key = _number_key(value)
    return format(key, "f") if key is not None else str(value)


def _sections_text(sections: list[dict]) -> str:
    """The section outline on one line: 一、总体要求（指导思想、主要目标）；二、…"""
    parts = []
    for section in sections:
        subs = "、".join(sub["title"] for sub in section.get("subsections", []))
        parts.append(f"{section['number']}、{section['title']}" + (f"（{subs}）" if subs else ""))
    return "；".join(parts)


def plan_diff(plan: Plan, new: dict, resolutions: dict[str, UnitResolution], *,
              chosen: frozenset[str] | set[str] = frozenset()) -> PlanDiff:
    """What confirming `new` over the stored `plan` changes: header fields, tasks, indicators.

    Reviewed values the new copy would degrade are kept (see the module docstring): `new` and
    `resolutions` are updated in place; `chosen` are the names the office resolved itself, never
    overridden.
    """
    header: dict[str, tuple[Any, Any]] = {}
    stored = {
        "title": plan.title, "issuer": plan.issuer or None, "doc_number": plan.doc_number or None,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "period": [plan.period_start, plan.period_end] if plan.period_start else None,
    }
    kept: list[KeptValue] = []
    for name in ("title", "issuer"):
        if is_degraded(stored[name], new.get(name)):
            kept.append(KeptValue(name, "", stored[name], new.get(name) or ""))
            new[name] = stored[name]
    for name in HEADER_FIELDS:
        value = new.get(name)
        value = list(value) if isinstance(value, tuple | list) else value
        if (stored[name] or None) != (value or None):
            header[name] = (stored[name], value)
    stored_sections = _sections_text([
        {"number": s.number, "title": s.title,
         "subsections": [{"number": c.number, "title": c.title} for c in s.subsections.order_by("order")]}
        for s in plan.sections.filter(parent__isnull=True).order_by("order")
    ])
    new_sections = _sections_text(new.get("sections", []))
    if stored_sections != new_sections:
        header["sections"] = (stored_sections, new_sections)
    olds = list(plan.tasks.select_related("group").order_by("order", "pk"))
    olds_units: dict[int, dict[str, tuple[str, str]]] = {}
    stored_rows: dict[int, list[Responsibility]] = {}
    for resp in Responsibility.objects.filter(task__plan=plan).select_related("unit"):
        olds_units.setdefault(resp.task_id, {})[f"unit:{resp.unit_id}"] = (resp.role, resp.unit.label)
        stored_rows.setdefault(resp.task_id, []).append(resp)
    task_pairs = _match(
        olds, new["tasks"],
        key_number=lambda o, n: o.number == n["number"],
        key_exact=lambda o, n: o.title == n["title"],
        score=_task_score,
    )
    for o, n in task_pairs:
        if o is not None and n is not None:
            kept += _keep_reviewed_task(o, n, resolutions, stored_rows.get(o.pk, []), chosen)
    tasks = [TaskChange(o, n, _task_changes(o, n, resolutions, olds_units) if o and n else {})
             for o, n in task_pairs]
    old_indicators = indicators_of_plan(plan=plan)
    ind_pairs = _match(
        old_indicators, new["indicators"],
        key_number=None,
        key_exact=lambda o, n: o.name == n["name"],
        score=lambda o, n: similarity(o.name, n["name"]),
    )
    for o, n in ind_pairs:
        if o is not None and n is not None and is_degraded(o.name, n["name"]):
            kept.append(KeptValue("indicator", o.code, o.name, n["name"]))
            n["name"] = o.name
    task_pk_of = {n["number"]: (o.pk if o else None) for o, n in task_pairs if n is not None}
    indicators = [IndicatorChange(o, n, _indicator_changes(o, n, task_pk_of) if o and n else {})
                  for o, n in ind_pairs]
    return PlanDiff(plan=plan, header=header, tasks=tasks, indicators=indicators, kept=kept)


def _keep_reviewed_task(old: Task, new: dict, resolutions: dict[str, UnitResolution], stored: list[Responsibility],
                        chosen) -> list[KeptValue]:
    """Keep `old`'s title over a degraded one, and its unit for a name that no longer resolves.

    A name resolves no longer when the office made no choice for it and it would create a unit; it
    keeps the stored unit of this task whose written name it is closest to (similarity at least
    MATCH_SIMILARITY, or the name is a damaged copy of it). Mutates `new` and `resolutions`.
    """
    kept: list[KeptValue] = []
    if is_degraded(old.title, new["title"]):
        kept.append(KeptValue("task", old.number, old.title, new["title"]))
        new["title"] = old.title
    if is_degraded(old.text, new["text"]):
        kept.append(KeptValue("text", old.number, "", ""))
        new["text"] = old.text
    taken = {r.unit.pk for r in (resolutions.get(n) for n in new["lead_departments"] + new["co_departments"])
             if r is not None and r.unit is not None}
    for name in new["lead_departments"] + new["co_departments"]:
        res = resolutions.get(name)
        if res is None or res.resolved or res.outcome != "new" or name in chosen:
            continue
        best = None
        for resp in stored:
            if resp.unit_id in taken:
                continue
            as_written = resp.name_as_written or resp.unit.label
            score = max(similarity(name, as_written), similarity(name, resp.unit.label))
            if is_degraded(as_written, name) or score >= MATCH_SIMILARITY:
                if best is None or score > best[0]:
                    best = (score, resp)
        if best is None:
            continue
        resp = best[1]
        unit, as_written, label = resp.unit, resp.name_as_written or resp.unit.label, resp.unit.label
        resolutions[name] = UnitResolution(name, "mapped", unit=unit, record_alias=False)
        taken.add(unit.pk)
        kept.append(KeptValue("unit", old.number, f"{as_written}（{label}）", name))
    return kept
