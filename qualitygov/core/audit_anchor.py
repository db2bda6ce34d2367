"""Anchoring the audit chain outside the database (ADR 0010).

Two anchors, each enough to catch a rewrite that recomputes the whole chain:

- **The audit key** (`settings.AUDIT_KEY`, from `QUALITYGOV_AUDIT_KEY` or `QUALITYGOV_AUDIT_KEY_FILE`):
  every new event stores `mac = HMAC-SHA256(key, hash)` and the key's id. Without the key nobody
  can write a valid MAC, so an edited, inserted or reordered event fails at the first one touched.
  Several keys may be configured (one a line or comma-separated), the current one first; older
  ones still check the events they sealed.
- **Checkpoints**: `qualitygov audit checkpoint` writes a JSON file to a folder outside the
  database (`settings.AUDIT_CHECKPOINT_DIR`) holding the hash of every event since the previous
  checkpoint and the head it reached, signed with the key when one is configured. `audit verify`
  compares each stored event with it, so a rewrite or a deleted tail is named by its first event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

CHECKPOINT_FORMAT = 1
CHECKPOINT_GLOB = "audit-checkpoint-*.json"


def audit_keys() -> dict[str, bytes]:
    """The configured keys by key id, the current (first) one first; empty when none is set."""
    raw = getattr(settings, "AUDIT_KEY", "") or ""
    keys = [part.encode("utf-8") for part in re.split(r"[\s,]+", raw) if part]
    return {key_id(key): key for key in keys}


def current_key() -> tuple[str, bytes] | None:
    """The key new events are sealed with, as `(key_id, key)`."""
    return next(iter(audit_keys().items()), None)


def key_id(key: bytes) -> str:
    """A short public name of a key (it reveals nothing about the key)."""
    return hashlib.sha256(b"qualitygov-audit-key-id:" + key).hexdigest()[:16]


def mac_of(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass
class Checkpoint:
    """One checkpoint file: the event hashes `from_seq`..`seq` and the head it reached."""

    path: Path
    seq: int
    hash: str
    from_seq: int
    hashes: list[str]
    first_keyed_seq: int | None
    key_id: str
    signature: str
    at: str


def _signed_text(data: dict) -> str:
    body = {k: v for k, v in data.items() if k != "signature"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass
class Anchors:
    """What the checkpoints of a folder say: the hash of each checkpointed event and the furthest head."""

    hashes: dict[int, str] = field(default_factory=dict)
    source: dict[int, str] = field(default_factory=dict)  # seq → checkpoint file name
    max_seq: int = 0
    max_file: str = ""
    first_keyed_seq: int | None = None
    files: int = 0
    problem: str = ""
    unchecked_signatures: int = 0


def checkpoints_load(directory: Path) -> Anchors:
    """Read every checkpoint in `directory` (none when it does not exist) and check their signatures.

    A problem (bad signature, unreadable file, two checkpoints disagreeing) is reported in
    `problem`; a checkpoint signed with a key that is not configured is counted as unchecked
    when no key is configured at all, and is a problem otherwise.
    """
    anchors = Anchors()
    if not directory or not Path(directory).is_dir():
        return anchors
    keys = audit_keys()
    for path in sorted(Path(directory).glob(CHECKPOINT_GLOB)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            seq, from_seq, hashes = int(data["seq"]), int(data["from_seq"]), list(data["hashes"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            anchors.problem = f"checkpoint {path.name} cannot be read ({exc})"
            return anchors
        if data.get("signature"):
            key = keys.get(data.get("key_id", ""))
            if key is None:
                if keys:
                    anchors.problem = f"checkpoint {path.name} is signed with key {data.get('key_id')}, which is not configured"
                    return anchors
                anchors.unchecked_signatures += 1
            elif not hmac.compare_digest(mac_of(key, _signed_text(data)), data["signature"]):
                anchors.problem = f"checkpoint {path.name} has an invalid signature (the file was altered)"
                return anchors
        if len(hashes) != seq - from_seq + 1 or (hashes and hashes[-1] != data["hash"]):
            anchors.problem = f"checkpoint {path.name} is inconsistent (its hashes do not end at its head)"
            return anchors
        for offset, value in enumerate(hashes):
            n = from_seq + offset
            if anchors.hashes.get(n, value) != value:
                anchors.problem = (f"checkpoints {anchors.source[n]} and {path.name} disagree about event #{n}")
                return anchors
            anchors.hashes[n] = value
            anchors.source[n] = path.name
        if seq >= anchors.max_seq:
            anchors.max_seq, anchors.max_file = seq, path.name
        first_keyed = data.get("first_keyed_seq")
        if first_keyed is not None:
            anchors.first_keyed_seq = min(int(first_keyed), anchors.first_keyed_seq or int(first_keyed))
        anchors.files += 1
    return anchors


def checkpoint_write(directory: Path, *, events: list[tuple[int, str]], first_keyed_seq: int | None,
                     from_seq: int, now: dt.datetime) -> Path:
    """Write the checkpoint of `events` (`(seq, hash)` from `from_seq` to the head) into `directory`.

    The file appears whole or not at all (written aside, then renamed).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    seq, head_hash = events[-1]
    data: dict = {
        "format": CHECKPOINT_FORMAT, "seq": seq, "hash": head_hash, "from_seq": from_seq,
        "hashes": [h for _, h in events], "first_keyed_seq": first_keyed_seq,
        "at": now.astimezone(dt.UTC).isoformat(timespec="seconds"), "key_id": "", "signature": "",
    }
    key = current_key()
    if key is not None:
        data["key_id"] = key[0]
        data["signature"] = mac_of(key[1], _signed_text(data))
    path = directory / f"audit-checkpoint-{seq:012d}.json"
    tmp = directory / f".{path.name}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
    os.replace(tmp, path)
    return path
