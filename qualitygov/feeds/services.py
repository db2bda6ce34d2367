"""Writes of feeds: check a file (dry run), stage it, import it (commit), discard it, set a source's unit.

The commit is all or nothing and re-reads the stored bytes, so what is imported is exactly the file kept.
Importing a file whose sha256 matches an imported file of the same source changes nothing and says so.
A file covering months that earlier files covered replaces those months' figures: each difference is a
`FeedChange` (old → new, both rows), and an earlier file left with no current figure is superseded.
After a commit that changed figures, `inputs_changed` names the measure keys that read them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import can, manages_district, scope_for
from qualitygov.core.transitions import apply_transition
from qualitygov.indicators.measures import inputs_changed

from . import events
from .choices import FILE_TRANSITIONS, FileStatus
from .mappings import get_mapping
from .measures import keys_affected
from .models import FeedChange, FeedFile, FeedSource, Figure
from .reader import ReadResult, read_feed
from .towns import town_resolver

#: Upload limit of a feed file (setting QUALITYGOV_FEED_MAX_BYTES).
FEED_MAX_BYTES_DEFAULT = 30 * 1024 * 1024
FEED_EXTENSIONS = (".xlsx", ".csv")
#: Changes listed in a dry run's summary (the counts are always complete).
PREVIEW_CHANGES = 300

Key = tuple[str, dt.date, dt.date, int | None, str, str]


def may_import(user, source: FeedSource) -> bool:
    """An office holding the whole district, or staff who may change at the source's responsible unit."""
    if manages_district(user):
        return True
    return source.owner_unit_id is not None and can(user, Action.CHANGE, source.owner_unit_id)


def may_read_files(user) -> bool:
    """Whether the user sees any source's files: the whole district, or a responsible unit's staff."""
    scope = scope_for(user, Action.VIEW)
    if scope.everything:
        return True
    return FeedSource.objects.filter(owner_unit__in=scope.unit_ids).exists()


def source_get(key: str) -> FeedSource:
    """The source row of a shipped mapping (created the first time it is needed)."""
    mapping = get_mapping(key)
    source, _created = FeedSource.objects.get_or_create(key=key, defaults={"label": mapping.label})
    return source


@transaction.atomic
def source_set_owner(*, actor, source: FeedSource, unit) -> FeedSource:
    """Set the unit responsible for importing a source (office holding the whole district only)."""
    if actor is not None and not manages_district(actor):
        raise NotFoundError(_("Not found."))
    old = source.owner_unit
    source.owner_unit = unit
    source.save(update_fields=["owner_unit"])
    audit_record(actor=actor, action=events.SOURCE_OWNER, obj=source, unit=unit,
                 changes={"owner": [str(old) if old else "", str(unit) if unit else ""]})
    return source


# ---------------------------------------------------------------------------------------------
# Dry run
# ---------------------------------------------------------------------------------------------


@dataclass
class DryRun:
    """What importing a file would do. `identical`: an imported file of the source has the same bytes."""

    source: str
    name: str
    sha256: str
    read: ReadResult
    identical: FeedFile | None = None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # measure → new/changed/unchanged/removed
    changes: list[dict[str, Any]] = field(default_factory=list)
    replaces: list[int] = field(default_factory=list)  # earlier files whose figures it replaces
    current: dict = field(default_factory=dict, repr=False)  # the compared current figures

    @property
    def ok(self) -> bool:
        return self.read.ok

    def totals(self) -> dict[str, int]:
        out = {"new": 0, "changed": 0, "unchanged": 0, "removed": 0}
        for counts in self.counts.values():
            for k in out:
                out[k] += counts.get(k, 0)
        return out

    def summary(self) -> dict[str, Any]:
        """JSON-able: the CLI's `--json` and the stored preview of a staged file."""
        months = sorted(f"{y:04d}-{m:02d}" for y, m in self.read.months())
        return {
            "source": self.source, "file": self.name, "sha256": self.sha256, "ok": self.ok,
            "identical_to": self.identical.pk if self.identical else None,
            "rows": len(self.read.rows), "header_row": self.read.header_row, "title": self.read.title[:300],
            "months": months, "totals_rows": self.read.skipped_totals[:50],
            "measures": self.counts, "totals": self.totals(), "changes": self.changes[:PREVIEW_CHANGES],
            "replaces": self.replaces, "error_count": self.read.error_count,
            "errors": [e.as_dict() for e in self.read.errors],
        }


def _figure_key(measure: str, start, end, town_id, category: str, subject: str) -> Key:
    return (measure, start, end, town_id, category, subject)


def _current(source: FeedSource, months: set[tuple[int, int]]
             ) -> dict[Key, tuple[Decimal, int, int, int, Decimal | None]]:
    """Current figures of `source` in `months`: key → (value, row, file id, figure id, weight)."""
    if not months:
        return {}
    first = min(months)
    last = max(months)
    qs = Figure.objects.filter(source=source, is_current=True, period_start__gte=dt.date(first[0], first[1], 1),
                               period_start__lt=_next_month(last))
    out = {}
    for fid, measure, start, end, town_id, category, subject, value, row, file_id, weight in qs.values_list(
            "pk", "measure", "period_start", "period_end", "town_id", "category", "subject", "value", "row", "file_id",
            "weight"):
        if (start.year, start.month) in months:
            out[_figure_key(measure, start, end, town_id, category, subject)] = (value, row, file_id, fid, weight)
    return out


def _next_month(month: tuple[int, int]) -> dt.date:
    year, number = month
    return dt.date(year + (number == 12), 1 if number == 12 else number + 1, 1)


def _describe(key: Key, town_names: dict[int, str]) -> dict[str, Any]:
    measure, start, end, town_id, category, subject = key
    return {"measure": measure, "period": start.isoformat() if start == end else f"{start:%Y-%m}",
            "town": town_names.get(town_id, "") if town_id else "", "category": category, "subject": subject}


def dry_run(*, source: FeedSource, name: str, data: bytes) -> DryRun:
    """Read `data` with the source's mapping and compare it with the current figures. Writes nothing."""
    mapping = get_mapping(source.key)
    sha = hashlib.sha256(data).hexdigest()
    read = read_feed(data, name, mapping, resolve_town=town_resolver())
    result = DryRun(source=source.key, name=name, sha256=sha, read=read)
    result.identical = (FeedFile.objects.filter(source=source, sha256=sha, status=FileStatus.IMPORTED)
                        .order_by("-pk").first())
    if not read.ok:
        return result
    _compare(source, read, result)
    return result


def _compare(source: FeedSource, read: ReadResult, result: DryRun
             ) -> dict[Key, tuple[Decimal, int, int, int, Decimal | None]]:
    from qualitygov.accounts.models import OrgUnit

    current = _current(source, read.months())
    labels = {m: label for m, label in get_mapping(source.key).measures().items()}
    town_ids = {r.town_id for r in read.rows if r.town_id} | {k[3] for k in current if k[3]}
    town_names = {u.pk: u.label for u in OrgUnit.objects.filter(pk__in=town_ids)}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"new": 0, "changed": 0, "unchanged": 0, "removed": 0})
    seen: set[Key] = set()
    changes: list[dict[str, Any]] = []
    for row in read.rows:
        for measure, value, _weight in row.figures:
            key = _figure_key(measure, row.period_start, row.period_end, row.town_id, row.category, row.subject)
            seen.add(key)
            old = current.get(key)
            if old is None:
                counts[measure]["new"] += 1
                if current:
                    changes.append({**_describe(key, town_names), "label": labels.get(measure, measure),
                                    "old": None, "new": str(value), "old_row": None, "new_row": row.row})
            elif old[0] != value:
                counts[measure]["changed"] += 1
                changes.append({**_describe(key, town_names), "label": labels.get(measure, measure),
                                "old": str(old[0]), "new": str(value), "old_row": old[1], "new_row": row.row})
            else:
                counts[measure]["unchanged"] += 1
    for key, old in current.items():
        if key not in seen:
            counts[key[0]]["removed"] += 1
            changes.append({**_describe(key, town_names), "label": labels.get(key[0], key[0]),
                            "old": str(old[0]), "new": None, "old_row": old[1], "new_row": None})
    result.counts = {m: dict(c) for m, c in sorted(counts.items())}
    result.changes = changes
    result.replaces = sorted({old[2] for old in current.values()})
    result.current = current
    return current


# ---------------------------------------------------------------------------------------------
# Stage, commit, discard
# ---------------------------------------------------------------------------------------------


@dataclass
class Staged:
    file: FeedFile
    identical: bool = False


def _require_import(actor, source: FeedSource) -> None:
    if actor is not None and not may_import(actor, source):
        raise NotFoundError(_("Not found."))


def _content_type(name: str) -> str:
    return {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".csv": "text/csv"}.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


@transaction.atomic
def feed_stage(*, actor, source: FeedSource, name: str, data: bytes, is_demo: bool = False) -> Staged:
    """Keep an uploaded file and its dry run, awaiting confirmation. A file identical to an imported one of
    the same source is not kept again: the imported file is returned with `identical`."""
    _require_import(actor, source)
    run = dry_run(source=source, name=name, data=data)
    if run.identical is not None:
        return Staged(file=run.identical, identical=True)
    mapping = get_mapping(source.key)
    months = sorted(f"{y:04d}-{m:02d}" for y, m in run.read.months())
    starts = [r.period_start for r in run.read.rows]
    ends = [r.period_end for r in run.read.rows]
    feed_file = FeedFile(source=source, original_name=os.path.basename(name)[:255], size=len(data),
                         sha256=run.sha256, content_type=_content_type(name), mapping_version=mapping.version,
                         mapping=mapping.spec, title=run.read.title[:500], header_row=run.read.header_row,
                         period_start=min(starts) if starts else None, period_end=max(ends) if ends else None,
                         months=months, row_count=len(run.read.rows), error_count=run.read.error_count,
                         summary=_jsonable(run.summary()),
                         uploaded_by=actor if getattr(actor, "is_authenticated", False) else None, is_demo=is_demo)
    ext = os.path.splitext(name)[1].lower()
    feed_file.file.save(f"{run.sha256[:16]}{ext}", ContentFile(data), save=False)
    feed_file.save()
    audit_record(actor=actor, action=events.FILE_STAGE, obj=feed_file, unit=source.owner_unit,
                 changes={"source": source.key, "file": feed_file.original_name, "sha256": run.sha256,
                          "months": months, "rows": len(run.read.rows), "errors": run.read.error_count})
    return Staged(file=feed_file)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return value


def stored_bytes(feed_file: FeedFile) -> bytes:
    with feed_file.file.open("rb") as handle:
        return handle.read()


@dataclass
class CommitResult:
    file: FeedFile
    run: DryRun
    identical: bool = False
    keys: list[str] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)


@transaction.atomic
def feed_commit(*, actor, feed_file: FeedFile) -> CommitResult:
    """Import a staged file: all its figures, or nothing (ServiceError listing the first errors)."""
    source = FeedSource.objects.select_for_update().get(pk=feed_file.source_id)
    _require_import(actor, source)
    feed_file = FeedFile.objects.select_for_update().get(pk=feed_file.pk)
    data = stored_bytes(feed_file)
    run = dry_run(source=source, name=feed_file.original_name, data=data)
    if run.identical is not None and run.identical.pk != feed_file.pk:
        raise ConflictError(_("This file is identical to “%(name)s”, imported already; nothing would change.")
                            % {"name": run.identical.original_name})
    apply_transition(feed_file, FILE_TRANSITIONS, "commit")
    if not run.ok:
        first = "；".join(str(e) for e in run.read.errors[:5])
        raise ServiceError(_("The file has %(count)d errors and was not imported: %(first)s")
                           % {"count": run.read.error_count, "first": first}, code="feed_errors")
    current = run.current
    now = timezone.now()
    # The months' current figures are replaced wholesale: the new file is the whole truth for them.
    if current:
        Figure.objects.filter(pk__in=[v[3] for v in current.values()]).update(is_current=False)
    new_figures = []
    for row in run.read.rows:
        for measure, value, weight in row.figures:
            new_figures.append(Figure(source=source, file=feed_file, row=row.row, measure=measure,
                                      period_start=row.period_start, period_end=row.period_end, town_id=row.town_id,
                                      category=row.category, subject=row.subject, value=value, weight=weight))
    Figure.objects.bulk_create(new_figures, batch_size=2000)
    if current:
        new_rows = {}
        for row in run.read.rows:
            for measure, value, _w in row.figures:
                new_rows[_figure_key(measure, row.period_start, row.period_end, row.town_id, row.category,
                                     row.subject)] = (value, row.row)
        changes = []
        for key in set(current) | set(new_rows):
            old = current.get(key)
            new = new_rows.get(key)
            if old is not None and new is not None and old[0] == new[0]:
                continue
            measure, start, end, town_id, category, subject = key
            changes.append(FeedChange(file=feed_file, previous_file_id=old[2] if old else None, measure=measure,
                                      period_start=start, period_end=end, town_id=town_id, category=category,
                                      subject=subject, old_value=old[0] if old else None,
                                      new_value=new[0] if new else None, old_row=old[1] if old else None,
                                      new_row=new[1] if new else None))
        changes.sort(key=lambda c: (c.measure, c.period_start, c.town_id or 0, c.category, c.subject))
        FeedChange.objects.bulk_create(changes, batch_size=2000)
    superseded = []
    for old_file in FeedFile.objects.select_for_update().filter(pk__in=run.replaces).exclude(pk=feed_file.pk):
        if not old_file.figures.filter(is_current=True).exists():
            apply_transition(old_file, FILE_TRANSITIONS, "supersede")
            old_file.replaced_by = feed_file
            old_file.save(update_fields=["status", "replaced_by"])
            audit_record(actor=actor, action=events.FILE_SUPERSEDE, obj=old_file, unit=source.owner_unit,
                         changes={"replaced_by": feed_file.original_name, "status": ["imported", "superseded"]})
            superseded.append(old_file.pk)
    totals = run.totals()
    feed_file.imported_by = actor if getattr(actor, "is_authenticated", False) else None
    feed_file.imported_at = now
    feed_file.summary = _jsonable(run.summary())
    feed_file.row_count = len(run.read.rows)
    feed_file.error_count = 0
    feed_file.save(update_fields=["status", "imported_by", "imported_at", "summary", "row_count", "error_count"])
    audit_record(actor=actor, action=events.FILE_COMMIT, obj=feed_file, unit=source.owner_unit,
                 changes={"source": source.key, "file": feed_file.original_name, "sha256": feed_file.sha256,
                          "months": list(feed_file.months), "new": totals["new"], "changed": totals["changed"],
                          "unchanged": totals["unchanged"], "removed": totals["removed"],
                          "replaces": run.replaces, "status": ["pending", "imported"]})
    touched = {m for m, c in run.counts.items() if c.get("new") or c.get("changed") or c.get("removed")}
    touched |= _reweighted(run)
    keys = sorted(keys_affected(source.key, touched))
    if keys:
        inputs_changed(keys=keys, actor=actor)
    return CommitResult(file=feed_file, run=run, keys=keys, superseded=superseded)


def _reweighted(run: DryRun) -> set[str]:
    """Rates whose figure is unchanged but whose weight is not (a corrected 受理量 moves the weighted
    按时办结率 of the district): the measures over them change too."""
    out = set()
    for row in run.read.rows:
        for measure, _value, weight in row.figures:
            old = run.current.get(_figure_key(measure, row.period_start, row.period_end, row.town_id, row.category,
                                              row.subject))
            if old is not None and old[4] != weight:
                out.add(measure)
    return out


@transaction.atomic
def feed_discard(*, actor, feed_file: FeedFile) -> FeedFile:
    """Drop a checked file that was not imported (its bytes stay, as the record of what was uploaded)."""
    _require_import(actor, feed_file.source)
    feed_file = FeedFile.objects.select_for_update().get(pk=feed_file.pk)
    apply_transition(feed_file, FILE_TRANSITIONS, "discard")
    feed_file.save(update_fields=["status"])
    audit_record(actor=actor, action=events.FILE_DISCARD, obj=feed_file, unit=feed_file.source.owner_unit,
                 changes={"status": ["pending", "discarded"]})
    return feed_file


def feed_import(*, actor, source: FeedSource, name: str, data: bytes, is_demo: bool = False) -> CommitResult:
    """Stage and commit in one go (the command line, the demo): all or nothing; identical → nothing."""
    with transaction.atomic():
        staged = feed_stage(actor=actor, source=source, name=name, data=data, is_demo=is_demo)
        if staged.identical:
            run = dry_run(source=source, name=name, data=data)
            return CommitResult(file=staged.file, run=run, identical=True)
        return feed_commit(actor=actor, feed_file=staged.file)
