"""Writes of the market-entity directory: the import of an export (dry run, confirm, cancel) and the edit
of one entity.

Who writes: an office holding the whole district, and the staff of the directory's keeping units (the
district's market-supervision bureau, 区市场监管分局; setting `QUALITYGOV_REGISTRY_KEEPERS` names them)
who hold a role allowing `change` there. Town liaisons and departments read (their scope) but never
write; anyone else gets NotFoundError, as for a record they may not see.

An import is all or nothing and runs in bulk: the rows are read in chunks of `CHUNK` and each chunk is
compared with the stored entities in one query, then created and updated with `bulk_create` /
`bulk_update`, so 200,000 rows cost a few hundred queries, never one per row. One audit event records
the import with its counts; the source file is kept as an `Attachment` of the import.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.models import Attachment
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import manages_district, scope_for
from qualitygov.core.transitions import apply_transition
from qualitygov.core.uploads import CheckedFile, attachment_create
from qualitygov.core.versioning import version_check

from . import events
from .choices import IMPORT_TRANSITIONS, ImportStatus
from .importer import CellError, EntityRow, TableError, is_skipped, parse_row, read_table
from .measures import inputs_changed
from .models import EntityImport, EntityKind, MarketEntity

#: Rows compared and written per query.
CHUNK = 2000
#: The measures whose figures an import or an edit may change.
MEASURE_KEYS = ("registry.entities", "registry.above_scale")
#: Fields an import compares and writes (when the file has a column for them).
FIELDS = ("name", "kind", "industry_code", "industry_name", "town_id", "above_scale", "legal_representative",
          "address", "registered_on", "is_active")
#: File column → the model fields it sets.
_GIVEN = {"name": ("name",), "kind": ("kind",), "industry_code": ("industry_code", "industry_name"),
          "industry": ("industry_code", "industry_name"), "town": ("town_id",), "above_scale": ("above_scale",),
          "legal_representative": ("legal_representative",), "address": ("address",),
          "registered_on": ("registered_on",), "status": ("is_active",)}
DEFAULT_KEEPERS = ("区市场监管分局",)


# ------------------------------------------------------------------------------------------------
# Who writes
# ------------------------------------------------------------------------------------------------


def keeper_unit_ids() -> frozenset[int]:
    """The units whose staff keep the directory (by full name, short name or alias)."""
    names = getattr(settings, "QUALITYGOV_REGISTRY_KEEPERS", DEFAULT_KEEPERS)
    ids: set[int] = set()
    for name in names:
        ids.update(OrgUnit.objects.named(name).values_list("pk", flat=True))
    return frozenset(ids)


def is_keeper(user) -> bool:
    """True for a user allowed `change` at a keeping unit (区市场监管分局 staff)."""
    scope = scope_for(user, Action.CHANGE)
    if scope.empty:
        return False
    return any(unit_id in scope for unit_id in keeper_unit_ids())


def may_write(user) -> bool:
    """The directory's writers: an office holding the whole district, or the keeping unit's staff."""
    return manages_district(user) or is_keeper(user)


def _require_writer(actor) -> None:
    # The CLI runs as the operator (actor None): the server's own account, trusted like `plan import`.
    if actor is None:
        return
    if not may_write(actor):
        raise NotFoundError(_("Not found."))


# ------------------------------------------------------------------------------------------------
# The dry run
# ------------------------------------------------------------------------------------------------


def town_lookup() -> dict[str, int]:
    """Every name a file may give a town by (full, short, alias, without the district prefix) → unit id."""
    lookup: dict[str, int] = {}
    units = OrgUnit.objects.filter(kind__in=TOWN_KINDS).prefetch_related("aliases").select_related("parent")
    for unit in units:
        names = {unit.name, unit.short_name, *(alias.name for alias in unit.aliases.all())}
        parent = unit.parent
        for name in list(names):
            if name and parent is not None:
                for prefix in (parent.name, parent.short_name):
                    if prefix and name.startswith(prefix):
                        names.add(name[len(prefix):])
        for name in names:
            if name:
                lookup.setdefault(name.replace(" ", ""), unit.pk)
    return lookup


@dataclass
class ImportPlan:
    """What an import would do: counts and the bad cells (the first `EntityImport.ERRORS_KEPT`)."""

    file: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[CellError] = field(default_factory=list)

    def add_error(self, error: CellError) -> None:
        self.error_count += 1
        if len(self.errors) < EntityImport.ERRORS_KEPT:
            self.errors.append(error)

    @property
    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "new": self.new, "changed": self.changed, "unchanged": self.unchanged,
                "errors": self.error_count}

    def as_json(self) -> dict:
        return {"file": self.file, **self.counts, "error_rows": [e.as_json() for e in self.errors]}


def _values(row: EntityRow, town_id: int | None) -> dict:
    return {"name": row.name, "kind": row.kind or EntityKind.OTHER, "industry_code": row.industry_code,
            "industry_name": row.industry_name, "town_id": town_id, "above_scale": row.above_scale,
            "legal_representative": row.legal_representative, "address": row.address,
            "registered_on": row.registered_on, "is_active": row.is_active}


def _chunks(name: str, data: bytes, plan: ImportPlan) -> Iterator[list[tuple[EntityRow, int | None]]]:
    """Parsed rows in chunks, with their town resolved; errors (and duplicates) go to `plan`."""
    try:
        table = read_table(name, data)
    except TableError as exc:
        raise ServiceError(exc.message, code="unreadable", fields={"file": [exc.message]}) from None
    towns = town_lookup()
    seen: dict[str, int] = {}
    town_column = table.where("town") if "town" in table.columns else None
    uscc_column = table.where("uscc")
    chunk: list[tuple[EntityRow, int | None]] = []
    for raw in table.rows:
        if is_skipped(raw.values):
            continue
        plan.rows += 1
        parsed = parse_row(table, raw)
        if isinstance(parsed, list):
            for error in parsed:
                plan.add_error(error)
            continue
        first = seen.setdefault(parsed.uscc, parsed.row)
        if first != parsed.row:
            plan.add_error(CellError(parsed.row, *uscc_column, f"与第{first}行的统一社会信用代码“{parsed.uscc}”重复"))
            continue
        town_id = None
        if parsed.town:
            town_id = towns.get(parsed.town.replace(" ", ""))
            if town_id is None:
                plan.add_error(CellError(parsed.row, *town_column, f"“{parsed.town}”不是本区的镇（街道）"))
                continue
        chunk.append((parsed, town_id))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _compare(chunk: list[tuple[EntityRow, int | None]], *, is_demo: bool, plan: ImportPlan,
             ) -> tuple[list[MarketEntity], list[MarketEntity]]:
    """New and changed entities of a chunk (one query, stored rows read as tuples); unchanged ones only
    counted. A changed entity comes back as an unsaved instance with its pk, its next version and
    every compared field set (stored values where the file has no column), ready for `bulk_update`."""
    codes = [row.uscc for row, _town in chunk]
    stored = {values[0]: values[1:] for values in
              MarketEntity.objects.filter(uscc__in=codes).values_list("uscc", "pk", "version", *FIELDS)}
    created: list[MarketEntity] = []
    changed: list[MarketEntity] = []
    positions = {name: index for index, name in enumerate(FIELDS)}
    given_cache: dict[frozenset, tuple[int, ...]] = {}
    for row, town_id in chunk:
        values = _values(row, town_id)
        found = stored.get(row.uscc)
        if found is None:
            created.append(MarketEntity(uscc=row.uscc, is_demo=is_demo, **values))
            continue
        compared = given_cache.get(row.given)
        if compared is None:
            compared = given_cache[row.given] = tuple(sorted(
                {positions[f] for key in row.given if key in _GIVEN for f in _GIVEN[key]}))
        old = found[2:]
        if all(old[i] == values[FIELDS[i]] for i in compared):
            continue
        merged = {name: (values[name] if i in compared else old[i]) for i, name in enumerate(FIELDS)}
        changed.append(MarketEntity(pk=found[0], uscc=row.uscc, version=found[1] + 1, **merged))
    plan.new += len(created)
    plan.changed += len(changed)
    plan.unchanged += len(chunk) - len(created) - len(changed)
    return created, changed


def entity_import_plan(*, name: str, data: bytes) -> ImportPlan:
    """The dry run: what importing the file would do, with every bad row; writes nothing."""
    plan = ImportPlan(file=name)
    for chunk in _chunks(name, data, plan):
        _compare(chunk, is_demo=False, plan=plan)
    return plan


# ------------------------------------------------------------------------------------------------
# Writes
# ------------------------------------------------------------------------------------------------


def _apply(name: str, data: bytes, *, is_demo: bool) -> ImportPlan:
    """Compare and write every chunk (inside the caller's transaction); ServiceError after the last row
    when any row was bad, so the caller's transaction rolls everything back."""
    plan = ImportPlan(file=name)
    now = timezone.now()
    update_fields = [*FIELDS, "version", "updated_at"]
    for chunk in _chunks(name, data, plan):
        created, changed = _compare(chunk, is_demo=is_demo, plan=plan)
        if plan.error_count:
            continue  # keep reading to report every bad row; nothing written will be kept
        if created:
            MarketEntity.objects.bulk_create(created, batch_size=CHUNK)
        if changed:
            for entity in changed:
                entity.updated_at = now
            MarketEntity.objects.bulk_update(changed, update_fields, batch_size=500)
    if plan.error_count:
        raise ImportRefused(plan)
    return plan


class ImportRefused(ServiceError):
    """The file has bad rows: nothing was written. `plan` lists them."""

    def __init__(self, plan: ImportPlan):
        message = _("The file has %(n)d errors; nothing was imported. Correct them and check the file again.") % {
            "n": plan.error_count}
        super().__init__(message, code="bad_rows", fields={"file": [message]})
        self.plan = plan


def _record(actor, imp: EntityImport, plan: ImportPlan, checked_sha: str) -> None:
    audit_record(actor=actor, action=events.IMPORT_CONFIRM, obj=imp,
                 changes={"file": imp.source_name, "sha256": checked_sha, **plan.counts})
    if plan.new or plan.changed:
        inputs_changed(keys=MEASURE_KEYS, actor=actor)


@transaction.atomic
def entity_import_preview(*, actor, checked: CheckedFile, is_demo: bool = False) -> EntityImport:
    """Dry-run an uploaded export (already through `check_upload`) and keep it, with its counts and
    errors, for the writer to confirm. An unreadable file (no header, bad encoding) is refused,
    nothing stored."""
    _require_writer(actor)
    plan = entity_import_plan(name=checked.name, data=checked.data)
    imp = EntityImport.objects.create(source_name=checked.name, source_sha256=checked.sha256, counts=plan.counts,
                                      errors=[e.as_json() for e in plan.errors], created_by=_user(actor),
                                      is_demo=is_demo)
    attachment_create(actor=actor, checked=checked, owner=imp)
    audit_record(actor=actor, action=events.IMPORT_PREVIEW, obj=imp,
                 changes={"file": checked.name, "sha256": checked.sha256, **plan.counts})
    return imp


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def source_file(imp: EntityImport) -> Attachment | None:
    return (Attachment.objects.filter(owner_type=imp._meta.label_lower, owner_id=str(imp.pk)).order_by("pk")
            .first())


@transaction.atomic
def entity_import_confirm(*, actor, imp: EntityImport) -> ImportPlan:
    """Write a dry-run import: every row of the kept file, or nothing (refused while it has bad rows)."""
    _require_writer(actor)
    imp = EntityImport.objects.select_for_update().get(pk=imp.pk)
    if imp.status == ImportStatus.PREVIEW and imp.error_count:
        raise ServiceError(_("Correct the %(n)d errors in the file and upload it again.") % {"n": imp.error_count},
                           code="bad_rows")
    apply_transition(imp, IMPORT_TRANSITIONS, "confirm")
    attachment = source_file(imp)
    if attachment is None:
        raise ServiceError(_("The uploaded file is missing; upload it again."), code="missing_file")
    with attachment.file.open("rb") as handle:
        data = handle.read()
    plan = _apply(imp.source_name, data, is_demo=imp.is_demo)
    imp.counts = plan.counts
    imp.confirmed_at = timezone.now()
    imp.save(update_fields=["status", "counts", "confirmed_at"])
    _record(actor, imp, plan, imp.source_sha256)
    return plan


@transaction.atomic
def entity_import_run(*, actor, checked: CheckedFile, is_demo: bool = False) -> tuple[EntityImport, ImportPlan]:
    """Import a file in one step (the CLI and the demo): kept with its import record and written, or,
    when any row is bad, ImportRefused and nothing written."""
    _require_writer(actor)
    imp = EntityImport.objects.create(source_name=checked.name, source_sha256=checked.sha256,
                                      status=ImportStatus.CONFIRMED, created_by=_user(actor), is_demo=is_demo,
                                      confirmed_at=timezone.now())
    plan = _apply(checked.name, checked.data, is_demo=is_demo)
    imp.counts = plan.counts
    imp.save(update_fields=["counts"])
    attachment_create(actor=actor, checked=checked, owner=imp)
    _record(actor, imp, plan, checked.sha256)
    return imp, plan


@transaction.atomic
def entity_import_cancel(*, actor, imp: EntityImport) -> EntityImport:
    _require_writer(actor)
    imp = EntityImport.objects.select_for_update().get(pk=imp.pk)
    apply_transition(imp, IMPORT_TRANSITIONS, "cancel")
    imp.save(update_fields=["status"])
    audit_record(actor=actor, action=events.IMPORT_CANCEL, obj=imp, changes={"file": imp.source_name})
    return imp


EDITABLE = ("name", "kind", "industry_code", "industry_name", "town", "above_scale", "legal_representative",
            "address", "registered_on", "is_active")


@transaction.atomic
def market_entity_update(*, actor, entity: MarketEntity, version: int | None = None, **values) -> MarketEntity:
    """Change an entity's fields (`EDITABLE`; the code itself never changes: it is the entity's identity).

    Refused (NotFoundError) for anyone but the directory's writers; ConflictError when `version` is
    stale. `town` must be a town (镇/街道/管委会).
    """
    _require_writer(actor)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    entity = MarketEntity.objects.select_for_update().get(pk=entity.pk)
    version_check(entity, version, submitted=values, what=_("This market entity"))
    town = values.get("town")
    if town is not None and town.kind not in TOWN_KINDS:
        message = _("Choose a town or subdistrict.")
        raise ServiceError(message, fields={"town": [message]})
    if not (values.get("name") or entity.name).strip():
        message = _("Enter the name.")
        raise ServiceError(message, fields={"name": [message]})
    changes: dict = {}
    for name, value in values.items():
        old = getattr(entity, name)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
            setattr(entity, name, value)
    if not changes:
        return entity
    entity.save()
    audit_record(actor=actor, action=events.ENTITY_UPDATE, obj=entity, unit=entity.town, changes=changes)
    if {"town", "above_scale", "is_active", "registered_on"} & set(changes):
        inputs_changed(keys=MEASURE_KEYS, actor=actor)
    return entity


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
