"""The office's corrections to an import under review: one schema, one validator.

A plan import is reviewed as an *effective plan*: the parser's output (`PlanImport.parsed`, see
importer/plan.schema.json) with the corrections (`PlanImport.corrections`, a `Corrections`)
applied by `review.effective_plan`. The review form builds a `Corrections` of what the office
changed; `parse_corrections` checks and normalises it once, in `plan_import_correct`, before it is
merged (`merge_corrections`) into the stored ones. Every key is optional.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.accounts.choices import OrgUnitKind as K
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import ServiceError
from qualitygov.indicators.choices import Comparator

#: Kinds the office may give a unit created by an import.
NEW_UNIT_KINDS = (K.DEPARTMENT, K.SUBDISTRICT, K.TOWN, K.MANAGEMENT_COMMITTEE, K.OTHER)
#: Longest header texts, as the plan's fields allow.
HEADER_LIMITS = {"title": 300, "issuer": 200, "doc_number": 100}


class TaskFix(TypedDict, total=False):
    """A task's corrections, keyed by its number in the effective plan."""

    title: str
    lead: list[str]  # unit names as written, replacing the parsed ones
    co: list[str]
    deadline: str | None  # "YYYY-MM-DD"


class UnitChoice(TypedDict, total=False):
    """What a unit name as written stands for; `{}` withdraws an earlier choice."""

    unit: int  # an existing OrgUnit's pk
    new: str  # create a unit of this kind (one of NEW_UNIT_KINDS)
    members: bool  # every member unit (department)


class IndicatorFix(TypedDict, total=False):
    """An indicator's corrections, keyed by its index (as text) in the parsed list."""

    name: str
    comparator: str  # indicators.choices.Comparator
    value: int | float | str  # stored as int or float
    unit: str | None
    year: int | None
    baseline_year: int | None  # plan schema 1.1: the year a change target is measured from
    delete: bool


class Corrections(TypedDict, total=False):
    title: str
    issuer: str
    doc_number: str
    period: list[int] | None  # [start year, end year]
    tasks: dict[str, TaskFix]
    units: dict[str, UnitChoice]
    merges: dict[str, bool]  # pair_key("name A", "name B") → treated as one unit or not
    indicators: dict[str, IndicatorFix]
    #: The office's convention for a list of units with no roles: the first unit leads, the others
    #: co-operate (absent: the deployment's default, `QUALITYGOV_PLAN_FIRST_LISTED_LEADS`).
    first_listed_leads: bool


class CorrectionsError(ServiceError):
    """A correction is refused: one translated message, with the field it concerns in `fields`."""


def pair_key(pair: tuple[str, str]) -> str:
    """The `merges` key of a suggested alias pair."""
    return "|".join(sorted(pair))


def _refuse(message: str, field: str | None = None, field_message: str | None = None) -> CorrectionsError:
    return CorrectionsError(message, fields={field: [field_message or message]} if field else None)


def _mapping(value: Any, field: str | None) -> dict:
    if not isinstance(value, dict):
        raise _refuse(_("The corrections are not in the expected form."), field)
    return value


def _text(value: Any, limit: int, field: str, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _refuse(_("This field is required."), field)
    if len(text) > limit:
        raise _refuse(_("At most %(n)d characters.") % {"n": limit}, field)
    return text


def _year(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 1949 <= year <= 2100:
        raise _refuse(_("Enter a year between 1949 and 2100."), field, _("Invalid year."))
    return year


def _names(value: Any, field: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise _refuse(_("Invalid list of units."), field)
    return [_text(name, 120, field) for name in value if str(name or "").strip()]


def _period(value: Any) -> list[int] | None:
    if value in (None, [], [None, None]):
        return None
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise _refuse(_("The period needs a start year not after its end year."), "period", _("Invalid period."))
    start, end = _year(value[0], "period"), _year(value[1], "period")
    if start is None or end is None or start > end:
        raise _refuse(_("The period needs a start year not after its end year."), "period", _("Invalid period."))
    return [start, end]


def _task(fix: Any, prefix: str) -> TaskFix:
    fix = _mapping(fix, prefix)
    clean: TaskFix = {}
    if "title" in fix:
        clean["title"] = _text(fix["title"], 300, f"{prefix}.title", required=True)
    for role in ("lead", "co"):
        if role in fix:
            clean[role] = _names(fix[role], f"{prefix}.{role}")
    if "deadline" in fix:
        value = fix["deadline"]
        if value in (None, ""):
            clean["deadline"] = None
        else:
            try:
                clean["deadline"] = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise _refuse(_("Enter a valid date."), f"{prefix}.deadline") from None
    return clean


def _unit_choice(name: str, choice: Any, actor) -> UnitChoice:
    """An existing unit must be active and managed by `actor` (None: any unit), and the name no other unit's."""
    field = f"units.{name}"
    choice = _mapping(choice, field)
    if choice.get("unit"):
        units = OrgUnit.objects.filter(is_active=True)
        if actor is not None:
            units = units.visible_to(actor, Action.MANAGE)
        unit = units.filter(pk=choice["unit"]).first() if str(choice["unit"]).isdigit() else None
        if unit is None:
            raise _refuse(_("Choose an existing unit."), field)
        owner = OrgUnit.objects.named(name).exclude(pk=unit.pk).first()
        if owner is not None:
            raise _refuse(_("“%(name)s” is already the name of %(unit)s; it cannot become another unit's alias.")
                          % {"name": name, "unit": owner}, field, _("Already used."))
        return {"unit": unit.pk}
    if choice.get("members"):
        return {"members": True}
    if choice.get("new"):
        if choice["new"] not in NEW_UNIT_KINDS:
            raise _refuse(_("Unknown kind of unit."), field)
        return {"new": str(choice["new"])}
    return {}


def _indicator(fix: Any, prefix: str) -> IndicatorFix:
    fix = _mapping(fix, prefix)
    clean: IndicatorFix = {}
    if fix.get("delete"):
        clean["delete"] = True
    if "name" in fix:
        clean["name"] = _text(fix["name"], 200, f"{prefix}.name", required=True)
    if "comparator" in fix:
        if fix["comparator"] not in Comparator.values:
            raise _refuse(_("Unknown comparator."), f"{prefix}.comparator")
        clean["comparator"] = fix["comparator"]
    if "value" in fix:
        try:
            value = Decimal(str(fix["value"]).strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or abs(value) >= Decimal("1e14"):
            raise _refuse(_("Enter a number."), f"{prefix}.value")
        clean["value"] = float(value) if value != value.to_integral_value() else int(value)
    if "unit" in fix:
        clean["unit"] = _text(fix["unit"], 30, f"{prefix}.unit") or None
    if "year" in fix:
        clean["year"] = _year(fix["year"], f"{prefix}.year")
    if "baseline_year" in fix:
        clean["baseline_year"] = _year(fix["baseline_year"], f"{prefix}.baseline_year")
    return clean


def parse_corrections(data: Any, *, task_numbers: set[str], indicator_count: int, actor=None) -> Corrections:
    """Check `data` against the schema and the import; return it normalised, or raise `CorrectionsError`.

    `task_numbers` are the numbers of the effective plan's tasks, `indicator_count` the number of
    parsed indicators. A name can be mapped only to an active unit `actor` manages (None: the
    system); any other unit is refused as if it did not exist.
    """
    data = _mapping(data, None)
    out: Corrections = {}
    for name, limit in HEADER_LIMITS.items():
        if name in data:
            out[name] = _text(data[name], limit, name, required=name == "title")
    if "period" in data:
        out["period"] = _period(data["period"])
    for number, fix in _mapping(data.get("tasks") or {}, "tasks").items():
        if number not in task_numbers:
            raise _refuse(_("Unknown task %(n)s.") % {"n": number})
        out.setdefault("tasks", {})[number] = _task(fix, f"tasks.{number}")
    for name, choice in _mapping(data.get("units") or {}, "units").items():
        out.setdefault("units", {})[name] = _unit_choice(name, choice, actor)
    for key, accepted in _mapping(data.get("merges") or {}, "merges").items():
        out.setdefault("merges", {})[str(key)] = bool(accepted)
    for key, fix in _mapping(data.get("indicators") or {}, "indicators").items():
        if not str(key).isdigit() or int(key) >= indicator_count:
            raise _refuse(_("Unknown indicator %(n)s.") % {"n": key})
        out.setdefault("indicators", {})[str(key)] = _indicator(fix, f"indicators.{key}")
    if "first_listed_leads" in data:
        if not isinstance(data["first_listed_leads"], bool):
            raise _refuse(_("The corrections are not in the expected form."), "first_listed_leads")
        out["first_listed_leads"] = data["first_listed_leads"]
    return out


def merge_corrections(current: Corrections, new: Corrections) -> Corrections:
    """`new` over `current` (both checked): fixes of one task or indicator add up; `{}` withdraws a unit choice."""
    merged: dict = json.loads(json.dumps(current or {}))
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
