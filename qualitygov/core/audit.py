"""Writing and verifying the audit trail.

`audit_record` must run inside the transaction of the change it describes; it locks the chain
head, so concurrent writers append one after another and the chain never forks. With an audit key
configured each event also carries a MAC; `audit_checkpoint` exports the chain's hashes outside
the database; `audit_verify` checks the chain against both (ADR 0010).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from . import audit_anchor
from .context import current_request_id
from .models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _event_payload(event: AuditEvent) -> str:
    at = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = [
        event.seq, at, event.actor_id, event.actor_repr, event.unit_ref, event.unit_repr,
        event.object_type, event.object_id, event.object_repr, event.action, event.changes,
        event.request_id, event.prev_hash,
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_event_payload(event).encode("utf-8")).hexdigest()


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for the fields whose value changed."""
    return {key: [old.get(key), new.get(key)] for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)}


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj` as JSON-able values (foreign keys by id)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = getattr(obj, field.attname) if field.is_relation else getattr(obj, name)
    return _jsonable(out)


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    unit=None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction of the change it records")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = str(obj) if object_repr is None else object_repr
    head, _ = AuditHead.objects.get_or_create(pk=1)
    head = AuditHead.objects.select_for_update().get(pk=1)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        seq=head.last_seq + 1,
        at=timezone.now(),
        actor=actor_obj,
        actor_repr=(actor_obj.get_username() if actor_obj else (str(actor) if actor else "system"))[:150],
        unit_ref=getattr(unit, "pk", None),
        unit_repr=(str(unit) if unit is not None else "")[:120],
        object_type=(object_type or "")[:80],
        object_id="" if object_id is None else str(object_id)[:64],
        object_repr=(object_repr or "")[:255],
        action=action[:64],
        changes=_jsonable(changes or {}),
        request_id=current_request_id()[:64],
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    key = audit_anchor.current_key()
    if key is not None:
        event.key_id, event.mac = key[0], audit_anchor.mac_of(key[1], event.hash)
    event.save()
    AuditHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    bad_seq: int | None = None
    #: What anchored the check: events whose MAC was checked, checkpoint files compared.
    macs_checked: int = 0
    checkpoints: int = 0
    notes: list[str] = field(default_factory=list)
    #: When the only fault is that a checkpoint reaches beyond the chain's end: how far it reaches.
    checkpoint_seq: int = 0


def _event_problem(event: AuditEvent, *, keys: dict[str, bytes], keyed_seen: bool,
                   anchors: audit_anchor.Anchors) -> str:
    """Why a stored event (already consistent with its predecessor) fails its anchors; "" when it passes."""
    if event.key_id:
        key = keys.get(event.key_id)
        if key is not None and not hmac.compare_digest(audit_anchor.mac_of(key, event.hash), event.mac):
            return f"event #{event.seq} has no valid MAC (rewritten without the audit key)"
        if key is None and keys:
            return f"event #{event.seq} is sealed with key {event.key_id}, which is not configured"
    elif keyed_seen or (anchors.first_keyed_seq is not None and event.seq >= anchors.first_keyed_seq):
        return f"event #{event.seq} has no MAC although the chain is keyed from an earlier event (MAC removed)"
    expected = anchors.hashes.get(event.seq)
    if expected is not None and expected != event.hash:
        return (f"event #{event.seq} differs from checkpoint {anchors.source[event.seq]} "
                "(rewritten after the checkpoint)")
    return ""


def audit_verify(batch_size: int = 2000, *, checkpoint_dir: Path | str | None = None) -> VerifyResult:
    """Walk the chain in order and report the first event that was edited, deleted, inserted or reordered.

    Besides the chain itself, each event's MAC is checked when its key is configured, and each
    event is compared with the checkpoints in `checkpoint_dir` (default `settings.AUDIT_CHECKPOINT_DIR`;
    none when the folder does not exist).
    """
    directory = Path(checkpoint_dir if checkpoint_dir is not None else settings.AUDIT_CHECKPOINT_DIR)
    anchors = audit_anchor.checkpoints_load(directory)
    if anchors.problem:
        return VerifyResult(False, 0, anchors.problem, None)
    keys = audit_anchor.audit_keys()
    head = AuditHead.objects.filter(pk=1).first()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = macs = unchecked_macs = 0
    keyed_seen = False
    qs = AuditEvent.objects.order_by("seq")
    last_seq = 0

    def fail(problem: str, seq: int | None) -> VerifyResult:
        return VerifyResult(False, checked, problem, seq, macs, anchors.files)

    while True:
        batch = list(qs.filter(seq__gt=last_seq)[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return fail(f"event #{expected_seq} is missing (next stored is #{event.seq})", expected_seq)
            if event.prev_hash != expected_prev:
                return fail(f"event #{event.seq} does not follow its predecessor "
                            "(reordered or predecessor changed)", event.seq)
            if compute_hash(event) != event.hash:
                return fail(f"event #{event.seq} was edited after it was written", event.seq)
            problem = _event_problem(event, keys=keys, keyed_seen=keyed_seen, anchors=anchors)
            if problem:
                return fail(problem, event.seq)
            if event.key_id:
                keyed_seen = True
                if event.key_id in keys:
                    macs += 1
                else:
                    unchecked_macs += 1
            expected_prev = event.hash
            expected_seq += 1
            checked += 1
        last_seq = batch[-1].seq
    if anchors.max_seq > checked:
        cut = fail(f"event #{checked + 1} is missing: the chain ends at #{checked} but checkpoint "
                    f"{anchors.max_file} says it reached #{anchors.max_seq} (events at the end were deleted)",
                    checked + 1)
        cut.checkpoint_seq = anchors.max_seq
        return cut
    head_seq = head.last_seq if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_seq != checked or head_hash != expected_prev:
        return fail(f"the chain ends at #{checked} but its head says #{head_seq} "
                    "(events at the end were deleted)", checked + 1)
    result = VerifyResult(True, checked, macs_checked=macs, checkpoints=anchors.files)
    if unchecked_macs:
        result.notes.append(f"{unchecked_macs} events carry a MAC that was not checked (no audit key configured)")
    if anchors.unchecked_signatures:
        result.notes.append(f"{anchors.unchecked_signatures} checkpoint signatures not checked (no audit key configured)")
    if not keys and not anchors.files:
        result.notes.append("no audit key and no checkpoint: a rewrite of the whole chain would not be detected")
    return result


def audit_checkpoint(*, directory: Path | str | None = None) -> tuple[Path | None, VerifyResult]:
    """Verify the chain against the existing checkpoints, then write a checkpoint of the events since
    the last one. Returns `(path, result)`; `path` is None when the chain is broken (nothing is
    written) or when no event was added since the last checkpoint."""
    directory = Path(directory if directory is not None else settings.AUDIT_CHECKPOINT_DIR)
    result = audit_verify(checkpoint_dir=directory)
    if not result.ok or result.checked == 0:
        return None, result
    anchors = audit_anchor.checkpoints_load(directory)
    if anchors.max_seq >= result.checked:
        return None, result
    from_seq = anchors.max_seq + 1
    events = list(AuditEvent.objects.filter(seq__gte=from_seq, seq__lte=result.checked).order_by("seq")
                  .values_list("seq", "hash"))
    first_keyed = (AuditEvent.objects.exclude(key_id="").order_by("seq").values_list("seq", flat=True).first())
    path = audit_anchor.checkpoint_write(directory, events=events, first_keyed_seq=first_keyed, from_seq=from_seq,
                                         now=timezone.now())
    return path, result
