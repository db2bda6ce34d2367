"""Writes to plans: importing a plan document (preview → corrections → confirm or cancel).

A preview writes only the `PlanImport` row (the parsed plan) and its audit event. Confirming
writes the whole plan in one transaction: either every section, task, responsibility, indicator
and new unit is stored, or nothing is. Confirming a revised version of a stored plan (same
document number, else same title) updates that plan in place, keeping the primary keys of the
tasks and indicators it matches so that work attached to them stays attached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.services import org_unit_create, org_unit_update
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.transitions import apply_transition
from qualitygov.indicators.choices import Comparator, IndicatorScope
from qualitygov.indicators.models import Indicator
from qualitygov.utilities.numbers import human_size

from .choices import IMPORT_TRANSITIONS, ImportStatus
from .importer.errors import PlanImportError
from .importer.parse import parse_plan
from .importer.readers import read_plan_bytes
from .models import Plan, PlanImport, Responsibility, Section, Task, TaskGroup
from .selectors import (
    NEW_UNIT_KINDS,
    ImportReview,
    UnitResolution,
    can_import_plans,
    district_root,
    effective_plan,
    has_attached_rows,
    import_task_units,
    member_units,
    plan_diff,
    plan_import_find_revised,
    plan_import_review,
    task_groups,
    task_has_attached_work,
)

ALLOWED_EXTENSIONS = (".txt", ".html", ".htm", ".docx")
#: A .docx whose document part unpacks beyond this is refused (a zip bomb, not a plan).
MAX_DOCX_XML_BYTES = 64 * 1024 * 1024
_BINARY_SIGNATURES = (b"PK\x03\x04", b"MZ", b"\x7fELF", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff",
                      b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")
_SCHEMA_PATH = Path(__file__).parent / "importer" / "plan.schema.json"
_TEXT_LIMITS = {"title": 300, "issuer": 200, "doc_number": 100}
logger = logging.getLogger(__name__)


# Imports


def _require_manager(actor) -> None:
    """The district's office (see `can_import_plans`) or the system (actor None: CLI, demo loader) may import."""
    if actor is not None and not can_import_plans(actor):
        raise NotFoundError("not found")


def _transition(plan_import: PlanImport, name: str) -> None:
    apply_transition(plan_import, IMPORT_TRANSITIONS, name, refusal=lambda imp: _(
        "This import is already %(status)s.") % {"status": imp.get_status_display()})


def _file_error(message: str) -> ServiceError:
    return ServiceError(message, code="bad_file", fields={"file": [message]})


def check_name_and_size(filename: str, size: int) -> None:
    """Refuse a file by its extension and size alone (before reading it)."""
    if os.path.splitext(filename)[1].lower() not in ALLOWED_EXTENSIONS:
        raise _file_error(_("Only .txt, .html, .htm and .docx files can be imported."))
    limit = settings.QUALITYGOV_MAX_UPLOAD_BYTES
    if size > limit:
        raise _file_error(_("The file is too large: %(size)s; the limit is %(limit)s.")
                          % {"size": human_size(size), "limit": human_size(limit)})


def check_upload(filename: str, data: bytes) -> None:
    """Refuse files by name, size and content before anything parses them."""
    check_name_and_size(filename, len(data))
    ext = os.path.splitext(filename)[1].lower()
    if not data.strip():
        raise _file_error(_("The file is empty."))
    if ext == ".docx":
        if not data.startswith(b"PK\x03\x04"):
            raise _file_error(_("The file is named .docx but is not a Word document."))
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                info = archive.getinfo("word/document.xml")
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise _file_error(_("The file is named .docx but is not a Word document.")) from None
        if info.file_size > MAX_DOCX_XML_BYTES:
            raise _file_error(_("The Word document is too large once unpacked."))
    elif data.startswith(_BINARY_SIGNATURES) or (
        b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 text has NULs
    ):
        raise _file_error(_("The file is binary data, not a text or web page document."))


def plan_parse_upload(*, filename: str, data: bytes) -> dict:
    """Check and parse an uploaded plan; ServiceError with one Chinese line when unusable. No writes."""
    check_upload(filename, data)
    try:
        parsed = parse_plan(read_plan_bytes(data, filename=filename))
    except PlanImportError as exc:
        raise _file_error(exc.message) from None
    except (MemoryError, RecursionError):
        raise _file_error(_("The file is too complex to read.")) from None
    except Exception:  # a parser bug must reach the user as one line, and the log in full
        logger.exception("plan parser failed on %s", filename)
        raise _file_error(_("The document could not be read because of an error in the reader; please send the "
                            "file to the maintainers.")) from None
    _check_schema(parsed)
    if not parsed["tasks"]:
        raise _file_error(_("No numbered tasks were found: this document cannot be imported as a plan."))
    return parsed


def _check_schema(parsed: dict) -> None:
    import jsonschema

    schema = json.loads(_SCHEMA_PATH.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(parsed, schema)
    except jsonschema.ValidationError as exc:
        raise _file_error(_("The document could not be read completely (%(where)s).")
                          % {"where": "/".join(str(p) for p in exc.absolute_path) or "plan"}) from None


def plan_import_draft(*, filename: str, data: bytes) -> PlanImport:
    """An unsaved import of the file, for a summary before anything is written (the CLI asks first)."""
    parsed = plan_parse_upload(filename=filename, data=data)
    return PlanImport(source_name=os.path.basename(filename)[:255], source_sha256=hashlib.sha256(data).hexdigest(),
                      parsed=parsed, revises=plan_import_find_revised(effective_plan(parsed, {})))


@transaction.atomic
def plan_import_preview(*, actor, filename: str, data: bytes) -> PlanImport:
    """Parse an uploaded plan document and keep it for review. Writes the import row and its audit event only."""
    _require_manager(actor)
    draft = plan_import_draft(filename=filename, data=data)
    draft.created_by = actor if getattr(actor, "is_authenticated", False) else None
    draft.save()
    review = plan_import_review(draft)
    audit_record(actor=actor, action="plan_import.preview", obj=draft,
                 changes={"file": draft.source_name, "sha256": draft.source_sha256, "counts": review.counts,
                          "revises": draft.revises_id})
    return draft


# --- corrections ------------------------------------------------------------------------------------


def _clean_text(value: Any, limit: int, field: str, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ServiceError(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(text) > limit:
        raise ServiceError(_("At most %(n)d characters.") % {"n": limit},
                           fields={field: [_("At most %(n)d characters.") % {"n": limit}]})
    return text


def _clean_year(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 1949 <= year <= 2100:
        raise ServiceError(_("Enter a year between 1949 and 2100."), fields={field: [_("Invalid year.")]})
    return year


def _clean_names(value: Any, field: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ServiceError(_("Invalid list of units."), fields={field: [_("Invalid list of units.")]})
    return [_clean_text(name, 120, field) for name in value if str(name or "").strip()]


def _clean_corrections(actor, plan_import: PlanImport, corrections: dict) -> dict:
    """Check the shape and values of `corrections` (see selectors, "# Imports"); return them normalised.

    A name can be mapped only to an active unit the actor manages; any other unit is refused as if
    it did not exist.
    """
    current = effective_plan(plan_import.parsed, plan_import.corrections or {})
    out: dict[str, Any] = {}
    for name, limit in _TEXT_LIMITS.items():
        if name in corrections:
            out[name] = _clean_text(corrections[name], limit, name, required=name == "title")
    if "period" in corrections:
        period = corrections["period"]
        if period in (None, [], [None, None]):
            out["period"] = None
        else:
            start, end = (_clean_year(period[0], "period"), _clean_year(period[1], "period"))
            if start is None or end is None or start > end:
                raise ServiceError(_("The period needs a start year not after its end year."),
                                   fields={"period": [_("Invalid period.")]})
            out["period"] = [start, end]
    numbers = {t["number"] for t in current["tasks"]}
    for number, fix in (corrections.get("tasks") or {}).items():
        if number not in numbers:
            raise ServiceError(_("Unknown task %(n)s.") % {"n": number})
        clean: dict[str, Any] = {}
        prefix = f"tasks.{number}"
        if "title" in fix:
            clean["title"] = _clean_text(fix["title"], 300, f"{prefix}.title", required=True)
        for role in ("lead", "co"):
            if role in fix:
                clean[role] = _clean_names(fix[role], f"{prefix}.{role}")
        if "deadline" in fix:
            value = fix["deadline"]
            if value in (None, ""):
                clean["deadline"] = None
            else:
                try:
                    clean["deadline"] = dt.date.fromisoformat(str(value)).isoformat()
                except ValueError:
                    raise ServiceError(_("Enter a valid date."), fields={f"{prefix}.deadline": [_("Enter a valid date.")]}) from None
        out.setdefault("tasks", {})[number] = clean
    for name, choice in (corrections.get("units") or {}).items():
        field = f"units.{name}"
        if choice.get("unit"):
            units = OrgUnit.objects.filter(is_active=True)
            if actor is not None:
                units = units.visible_to(actor, Action.MANAGE)
            unit = units.filter(pk=choice["unit"]).first() if str(choice["unit"]).isdigit() else None
            if unit is None:
                raise ServiceError(_("Choose an existing unit."), fields={field: [_("Choose an existing unit.")]})
            owner = OrgUnit.objects.named(name).exclude(pk=unit.pk).first()
            if owner is not None:
                raise ServiceError(_("“%(name)s” is already the name of %(unit)s; it cannot become another unit's alias.")
                                   % {"name": name, "unit": owner}, fields={field: [_("Already used.")]})
            out.setdefault("units", {})[name] = {"unit": unit.pk}
        elif choice.get("members"):
            out.setdefault("units", {})[name] = {"members": True}
        elif choice.get("new"):
            if choice["new"] not in NEW_UNIT_KINDS:
                raise ServiceError(_("Unknown kind of unit."), fields={field: [_("Unknown kind of unit.")]})
            out.setdefault("units", {})[name] = {"new": str(choice["new"])}
        else:
            out.setdefault("units", {})[name] = {}
    for key, accepted in (corrections.get("merges") or {}).items():
        out.setdefault("merges", {})[str(key)] = bool(accepted)
    count = len(plan_import.parsed.get("indicators", []))
    for key, fix in (corrections.get("indicators") or {}).items():
        if not str(key).isdigit() or int(key) >= count:
            raise ServiceError(_("Unknown indicator %(n)s.") % {"n": key})
        prefix = f"indicators.{key}"
        clean = {}
        if fix.get("delete"):
            clean["delete"] = True
        if "name" in fix:
            clean["name"] = _clean_text(fix["name"], 200, f"{prefix}.name", required=True)
        if "comparator" in fix:
            if fix["comparator"] not in Comparator.values:
                raise ServiceError(_("Unknown comparator."), fields={f"{prefix}.comparator": [_("Unknown comparator.")]})
            clean["comparator"] = fix["comparator"]
        if "value" in fix:
            try:
                value = Decimal(str(fix["value"]).strip())
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or abs(value) >= Decimal("1e14"):
                raise ServiceError(_("Enter a number."), fields={f"{prefix}.value": [_("Enter a number.")]})
            clean["value"] = float(value) if value != value.to_integral_value() else int(value)
        if "unit" in fix:
            clean["unit"] = _clean_text(fix["unit"], 30, f"{prefix}.unit") or None
        if "year" in fix:
            clean["year"] = _clean_year(fix["year"], f"{prefix}.year")
        out.setdefault("indicators", {})[str(key)] = clean
    return out


def _merge_corrections(current: dict, new: dict) -> dict:
    merged = json.loads(json.dumps(current or {}))
    for key, value in new.items():
        if key in {"tasks", "units", "merges", "indicators"}:
            target = merged.setdefault(key, {})
            for item, fix in value.items():
                if key in {"tasks", "indicators"}:
                    target.setdefault(item, {}).update(fix)
                    if key == "indicators" and not fix.get("delete"):
                        target[item].pop("delete", None)
                elif key == "units" and not fix:
                    target.pop(item, None)
                else:
                    target[item] = fix
        else:
            merged[key] = value
    return merged


@transaction.atomic
def plan_import_correct(*, actor, plan_import: PlanImport, corrections: dict) -> PlanImport:
    """Record the office's corrections to an import under review (merged into earlier ones).

    `corrections` has the shape described in selectors ("# Imports"); an empty unit choice `{}`
    withdraws an earlier mapping.
    """
    _require_manager(actor)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if plan_import.status != ImportStatus.PREVIEW:
        raise ConflictError(_("This import is already %(status)s.") % {"status": plan_import.get_status_display()})
    clean = _clean_corrections(actor, plan_import, corrections)
    before = plan_import.corrections or {}
    plan_import.corrections = _merge_corrections(before, clean)
    plan_import.save(update_fields=["corrections"])
    review = plan_import_review(plan_import)
    revises = plan_import_find_revised(review.plan)
    if revises is not None and revises.pk != plan_import.revises_id and plan_import.revises_id is None:
        plan_import.revises = revises
        plan_import.save(update_fields=["revises"])
    audit_record(actor=actor, action="plan_import.correct", obj=plan_import, changes={"corrections": clean})
    return plan_import


@transaction.atomic
def plan_import_cancel(*, actor, plan_import: PlanImport) -> PlanImport:
    """Discard an import under review; nothing of it reaches the plan."""
    _require_manager(actor)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _transition(plan_import, "cancel")
    plan_import.decided_at = timezone.now()
    plan_import.save(update_fields=["status", "decided_at"])
    audit_record(actor=actor, action="plan_import.cancel", obj=plan_import, changes={"status": ImportStatus.CANCELLED})
    return plan_import


# --- confirmation -----------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _header(plan: dict, source_name: str) -> dict[str, Any]:
    period = plan.get("period") or [None, None]
    return {
        "title": (plan.get("title") or os.path.splitext(source_name)[0])[:300],
        "issuer": (plan.get("issuer") or "")[:200],
        "doc_number": (plan.get("doc_number") or "")[:100],
        "issued_on": _date(plan.get("issued_on")),
        "period_start": period[0],
        "period_end": period[1],
        "source_name": source_name[:255],
    }


def _materialise_units(actor, review: ImportReview) -> dict[str, UnitResolution]:
    """Create the new units (under the district) and record mapped spellings as aliases."""
    resolutions = review.resolutions
    new_units = review.new_units
    created: dict[str, OrgUnit] = {}
    if new_units:
        root = district_root()
        if root is None:
            raise ServiceError(_("Create the district's organisation first: new units have no place to go."))
        for order, (name, aliases) in enumerate(new_units.items()):
            kind = next((r.kind for r in resolutions.values() if r.new_name == name and r.kind), "department")
            created[name] = org_unit_create(actor=actor, name=name, kind=kind, parent=root, aliases=aliases,
                                            sort_order=900 + order)
    extra_aliases: dict[int, list[str]] = {}
    units: dict[int, OrgUnit] = {}
    for res in resolutions.values():
        if res.record_alias and res.unit is not None:
            owner = OrgUnit.objects.named(res.name).exclude(pk=res.unit.pk).first()
            if owner is not None:
                raise ServiceError(_("“%(name)s” is already the name of %(unit)s; it cannot become another unit's alias.")
                                   % {"name": res.name, "unit": owner})
            extra_aliases.setdefault(res.unit.pk, []).append(res.name)
            units[res.unit.pk] = res.unit
    for pk, names in extra_aliases.items():
        unit = units[pk]
        existing = list(unit.aliases.values_list("name", flat=True))
        missing = [n for n in names if n not in existing]
        if missing:
            org_unit_update(actor=actor, unit=unit, aliases=existing + missing)
    out = {}
    members = member_units() if created else None  # new departments are member units too
    for name, res in resolutions.items():
        if res.outcome == "members" and members is not None:
            res = UnitResolution(res.name, "members", units=members)
        elif res.unit is None and res.outcome != "members":
            res = UnitResolution(res.name, "found", unit=created[res.new_name])
        out[name] = res
    return out


def _responsibility_rows(task: dict, resolutions: dict[str, UnitResolution]) -> list[tuple[str, str, OrgUnit]]:
    return [(role, name, unit) for role, name, _res, unit in import_task_units(task, resolutions)]


def _indicator_values(item: dict, tasks_by_number: dict[str, Task]) -> dict[str, Any]:
    task = tasks_by_number.get(item.get("task")) if item.get("scope") == "task" else None
    return {
        "name": item["name"][:200],
        "unit": (item.get("unit") or "")[:30],
        "comparator": item["comparator"],
        "target_value": Decimal(str(item["value"])),
        "target_year": item.get("year"),
        "scope": IndicatorScope.TASK if task is not None else IndicatorScope.GOALS,
        "task": task,
        "source": item.get("source", ""),
    }


def _create_structure(plan: Plan, new: dict) -> dict[tuple[str, str], TaskGroup]:
    for order, section in enumerate(new.get("sections", [])):
        parent = Section.objects.create(plan=plan, number=section["number"][:10], title=section["title"][:300],
                                        order=order * 100)
        Section.objects.bulk_create([
            Section(plan=plan, parent=parent, number=sub["number"][:10], title=sub["title"][:300],
                    order=order * 100 + i + 1)
            for i, sub in enumerate(section.get("subsections", []))
        ])
    groups = {}
    for order, group in enumerate(task_groups(new)):
        groups[(group["number"], group["title"])] = TaskGroup.objects.create(
            plan=plan, number=group["number"][:10], title=group["title"][:300], order=order)
    return groups


def _group_of(task: dict, groups: dict[tuple[str, str], TaskGroup]) -> TaskGroup | None:
    group = task.get("group")
    return groups.get((group["number"], group["title"])) if group else None


def _indicator_units_from_tasks(indicators) -> None:
    """A target stated inside a task is reported by that task's units, in the same roles.

    Goal indicators name no unit; the office assigns them on the indicator's edit page.
    """
    from qualitygov.indicators.models import IndicatorResponsibility

    rows = []
    for indicator in indicators:
        for resp in Responsibility.objects.filter(task_id=indicator.task_id).order_by("role", "order"):
            rows.append(IndicatorResponsibility(indicator=indicator, unit_id=resp.unit_id, role=resp.role))
    IndicatorResponsibility.objects.bulk_create(rows, ignore_conflicts=True)


def _create_plan(actor, review: ImportReview, resolutions: dict[str, UnitResolution]) -> tuple[Plan, dict]:
    new = review.plan
    plan = Plan.objects.create(**_header(new, review.plan_import.source_name))
    groups = _create_structure(plan, new)
    tasks = Task.objects.bulk_create([
        Task(plan=plan, group=_group_of(t, groups), number=t["number"][:10], title=t["title"][:300], text=t["text"],
             all_towns=t["all_towns"], deadline=_date(t.get("deadline")), order=i)
        for i, t in enumerate(new["tasks"])
    ])
    by_number = {task.number: task for task in tasks}
    responsibilities = []
    for task, item in zip(tasks, new["tasks"], strict=True):
        for order, (role, name, unit) in enumerate(_responsibility_rows(item, resolutions)):
            responsibilities.append(Responsibility(task=task, unit=unit, role=role, name_as_written=name[:120],
                                                   order=order))
    Responsibility.objects.bulk_create(responsibilities)
    Indicator.objects.bulk_create([
        Indicator(plan=plan, code=f"I{i + 1:02d}", order=i, **_indicator_values(item, by_number))
        for i, item in enumerate(new["indicators"])
    ])
    _indicator_units_from_tasks(Indicator.objects.filter(plan=plan, task__isnull=False))
    counts = {"sections": plan.sections.filter(parent__isnull=True).count(), "task_groups": len(groups),
              "tasks": len(tasks), "responsibilities": len(responsibilities), "indicators": len(new["indicators"])}
    audit_record(actor=actor, action="plan.create", obj=plan,
                 changes={"new": {k: v for k, v in _header(new, review.plan_import.source_name).items()},
                          "counts": counts})
    return plan, {"created": True, "counts": counts, "warnings": []}


def _sync_structure(plan: Plan, new: dict) -> dict[tuple[str, str], TaskGroup]:
    """Sections are replaced wholesale (nothing attaches to them); task groups are kept by number."""
    Section.objects.filter(plan=plan).delete()
    existing = {g.number: g for g in TaskGroup.objects.filter(plan=plan)}
    groups = {}
    for order, group in enumerate(task_groups(new)):
        found = existing.pop(group["number"], None)
        if found is None:
            found = TaskGroup.objects.create(plan=plan, number=group["number"][:10], title=group["title"][:300],
                                             order=order)
        elif (found.title, found.order) != (group["title"][:300], order):
            found.title, found.order = group["title"][:300], order
            found.save(update_fields=["title", "order"])
        groups[(group["number"], group["title"])] = found
    for group in existing.values():
        group.delete()  # tasks keep existing with group = NULL only if kept; see _revise_plan
    for order, section in enumerate(new.get("sections", [])):
        parent = Section.objects.create(plan=plan, number=section["number"][:10], title=section["title"][:300],
                                        order=order * 100)
        for i, sub in enumerate(section.get("subsections", [])):
            Section.objects.create(plan=plan, parent=parent, number=sub["number"][:10], title=sub["title"][:300],
                                   order=order * 100 + i + 1)
    return groups


def _sync_responsibilities(task: Task, rows: list[tuple[str, str, OrgUnit]], warnings: list[str]) -> int:
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
            warnings.append(_("Task %(task)s: %(unit)s is no longer named but keeps its responsibility because "
                              "work is attached to it.") % {"task": task.number, "unit": gone.unit})
            continue
        gone.delete()
        changed += 1
    return changed


def _revise_plan(actor, review: ImportReview, resolutions: dict[str, UnitResolution]) -> tuple[Plan, dict]:
    new = review.plan
    plan = Plan.objects.select_for_update().get(pk=review.revises.pk)
    diff = plan_diff(plan, new, resolutions)
    warnings: list[str] = []
    if diff.empty:
        return plan, {"created": False, "revised": False, "counts": diff.counts, "warnings": []}
    header = _header(new, review.plan_import.source_name)
    for key, value in header.items():
        setattr(plan, key, value)
    plan.revision += 1
    plan.save()
    groups = _sync_structure(plan, new)

    # Removed tasks go unless work is attached; kept ones stay, flagged in the outcome.
    kept_numbers: list[Task] = []
    for change in diff.of(diff.tasks, "removed"):
        task = change.old
        if task_has_attached_work(task):
            warnings.append(_("Task %(n)s (%(title)s) is not in the new version but was kept because work is "
                              "attached to it.") % {"n": task.number, "title": task.title})
            kept_numbers.append(task)
        else:
            task.delete()
    # Renumbering goes through temporary numbers so that the per-plan unique number never clashes.
    matched = [c for c in diff.tasks if c.old is not None and c.new is not None]
    for change in matched:
        if change.old.number != change.new["number"]:
            Task.objects.filter(pk=change.old.pk).update(number=f"~{change.old.pk}"[:10])
    wanted = {t["number"] for t in new["tasks"]}
    for task in kept_numbers:
        number = task.number
        while number in wanted:
            number = (number + "′")[-10:]
        if number != task.number:
            Task.objects.filter(pk=task.pk).update(number=number)
    by_number: dict[str, Task] = {}
    responsibilities_changed = 0
    order_of = {t["number"]: i for i, t in enumerate(new["tasks"])}
    for change in diff.tasks:
        if change.new is None:
            continue
        item = change.new
        values = {"group": _group_of(item, groups), "number": item["number"][:10], "title": item["title"][:300],
                  "text": item["text"], "all_towns": item["all_towns"], "order": order_of[item["number"]]}
        if item.get("deadline"):
            values["deadline"] = _date(item["deadline"])
        if change.old is None:
            task = Task.objects.create(plan=plan, **values)
        else:
            task = change.old
            for key, value in values.items():
                setattr(task, key, value)
            task.save()
        by_number[task.number] = task
        responsibilities_changed += _sync_responsibilities(task, _responsibility_rows(item, resolutions), warnings)

    codes = [c.old.code for c in diff.indicators if c.old is not None]
    next_code = max((int(c[1:]) for c in codes if c[:1] == "I" and c[1:].isdigit()), default=0)
    order_of_ind = {id(item): i for i, item in enumerate(new["indicators"])}
    for change in diff.indicators:
        if change.new is None:
            if has_attached_rows(change.old):
                warnings.append(_("Indicator %(code)s (%(name)s) is not in the new version but was kept because data "
                                  "is attached to it.") % {"code": change.old.code, "name": change.old.name})
            else:
                change.old.delete()
            continue
        values = _indicator_values(change.new, by_number)
        values["order"] = order_of_ind[id(change.new)]
        if change.old is None:
            next_code += 1
            created = Indicator.objects.create(plan=plan, code=f"I{next_code:02d}", **values)
            if created.task_id:
                _indicator_units_from_tasks([created])
        else:
            for key, value in values.items():
                setattr(change.old, key, value)
            change.old.save()
    counts = diff.counts
    counts["responsibilities_changed"] = responsibilities_changed
    summary = {
        "header": {k: list(v) for k, v in diff.header.items()},
        "tasks_added": [c.new["number"] for c in diff.of(diff.tasks, "added")],
        "tasks_removed": [c.old.number for c in diff.of(diff.tasks, "removed")],
        "tasks_changed": {c.old.pk: sorted(c.changes) for c in diff.of(diff.tasks, "changed")},
        "indicators_added": [c.new["name"] for c in diff.of(diff.indicators, "added")],
        "indicators_removed": [c.old.code for c in diff.of(diff.indicators, "removed")],
        "indicators_changed": {c.old.code: sorted(c.changes) for c in diff.of(diff.indicators, "changed")},
        "revision": plan.revision,
        "warnings": warnings,
    }
    audit_record(actor=actor, action="plan.revise", obj=plan, changes=summary)
    return plan, {"created": False, "revised": True, "counts": counts, "warnings": warnings}


@transaction.atomic
def plan_import_confirm(*, actor, plan_import: PlanImport) -> Plan:
    """Write the reviewed plan: a new plan, or the revised plan updated in place. All or nothing."""
    _require_manager(actor)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _transition(plan_import, "confirm")
    review = plan_import_review(plan_import)
    if review.revises is None and plan_import_find_revised(review.plan) is not None:
        # The same plan was imported by someone else after this preview: review the changes first.
        raise ConflictError(_("This plan has been imported since this preview was made. Upload the file again to "
                              "review it as a revision."))
    resolutions = _materialise_units(actor, review)
    if review.revises is None:
        plan, outcome = _create_plan(actor, review, resolutions)
    else:
        plan, outcome = _revise_plan(actor, review, resolutions)
    outcome["new_units"] = sorted(review.new_units)
    plan_import.plan = plan
    plan_import.decided_at = timezone.now()
    plan_import.outcome = outcome
    plan_import.save(update_fields=["status", "plan", "decided_at", "outcome"])
    audit_record(actor=actor, action="plan_import.confirm", obj=plan_import,
                 changes={"status": ImportStatus.CONFIRMED, "plan": plan.pk, "outcome": outcome})
    return plan
