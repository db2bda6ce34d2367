"""Writing and verifying the audit trail.

`audit_record` must run inside the transaction of the change it describes; it locks the chain
head, so concurrent writers append one after another and the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

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
    event.save()
    AuditHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    bad_seq: int | None = None


def audit_verify(batch_size: int = 2000) -> VerifyResult:
    """Walk the chain in order and report the first event that was edited, deleted or reordered."""
    head = AuditHead.objects.filter(pk=1).first()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    qs = AuditEvent.objects.order_by("seq")
    last_seq = 0
    while True:
        batch = list(qs.filter(seq__gt=last_seq)[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return VerifyResult(False, checked, f"event #{expected_seq} is missing (next stored is #{event.seq})",
                                    expected_seq)
            if event.prev_hash != expected_prev:
                return VerifyResult(False, checked, f"event #{event.seq} does not follow its predecessor "
                                    "(reordered or predecessor changed)", event.seq)
            if compute_hash(event) != event.hash:
                return VerifyResult(False, checked, f"event #{event.seq} was edited after it was written", event.seq)
            expected_prev = event.hash
            expected_seq += 1
            checked += 1
        last_seq = batch[-1].seq
    head_seq = head.last_seq if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_seq != checked or head_hash != expected_prev:
        return VerifyResult(False, checked, f"the chain ends at #{checked} but its head says #{head_seq} "
                            "(events at the end were deleted)", checked + 1)
    return VerifyResult(True, checked)
