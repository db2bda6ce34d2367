"""A consistent rewrite of the audit chain — one that recomputes every hash and the head, as anyone
with write access to the database can — is detected by the audit key's MACs and by checkpoints
kept outside the database, naming the first event touched (ADR 0010)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from qualitygov.core import events
from qualitygov.core.audit import audit_checkpoint, audit_record, audit_verify, compute_hash
from qualitygov.core.models import AuditEvent, AuditHead

CAST_EVENTS = 16
KEY = "k3y-for-tests-0123456789abcdef"


def _rehash_from(seq: int) -> None:
    """Recompute prev_hash and hash from event #seq to the end and point the head at the result, as
    a rewriter without the key would (MACs are left as they were)."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    last = None
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = prev
        event.hash = f"x{event.seq:063d}"  # free the unique value first
        AuditEvent.objects.filter(pk=event.pk).update(hash=event.hash)
        event.hash = compute_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        prev, last = event.hash, event
    AuditHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=last.hash)


def edit_and_rehash() -> int:
    AuditEvent.objects.filter(seq=5).update(object_repr="篡改")
    _rehash_from(5)
    return 5


def delete_tail_and_fix_head() -> int:
    AuditEvent.objects.filter(seq__gt=13).delete()
    last = AuditEvent.objects.get(seq=13)
    AuditHead.objects.filter(pk=1).update(last_seq=13, last_hash=last.hash)
    return 14


def reorder() -> int:
    third, seventh = AuditEvent.objects.get(seq=3), AuditEvent.objects.get(seq=7)
    AuditEvent.objects.filter(pk=third.pk).update(seq=-1)
    AuditEvent.objects.filter(pk=seventh.pk).update(seq=3)
    AuditEvent.objects.filter(pk=third.pk).update(seq=7)
    _rehash_from(3)
    return 3


def insert() -> int:
    for event in AuditEvent.objects.filter(seq__gte=5).order_by("-seq"):
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq + 1)
    model = AuditEvent.objects.get(seq=4)
    AuditEvent.objects.create(seq=5, at=model.at, actor=None, actor_repr="system", object_type="accounts.user",
                              object_id="99", object_repr="ghost", action="user.create", changes={},
                              prev_hash=model.hash, hash="y" * 64, key_id=model.key_id, mac=model.mac)
    _rehash_from(5)
    return 5


def rewrite_whole_chain() -> int:
    AuditEvent.objects.filter(seq=1).update(object_repr="另一个区")
    _rehash_from(1)
    return 1


REWRITES = [edit_and_rehash, delete_tail_and_fix_head, reorder, insert, rewrite_whole_chain]


@pytest.fixture
def keyed_cast(db, settings, request):
    """The cast, written while the audit key is configured."""
    settings.AUDIT_KEY = KEY
    return request.getfixturevalue("cast")


def _checkpoint() -> None:
    path, result = audit_checkpoint()
    assert result.ok and path is not None


@pytest.mark.parametrize("rewrite", REWRITES, ids=lambda f: f.__name__)
def test_each_consistent_rewrite_is_detected_with_key_and_checkpoint(keyed_cast, rewrite):
    _checkpoint()
    assert audit_verify().ok
    bad = rewrite()
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, bad)
    assert f"event #{bad} " in result.problem
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode == 1 and f"#{bad} " in str(excinfo.value)


@pytest.mark.parametrize("rewrite", REWRITES, ids=lambda f: f.__name__)
def test_checkpoints_alone_detect_each_rewrite_of_checkpointed_events(cast, rewrite):
    _checkpoint()
    bad = rewrite()
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, bad)
    assert f"event #{bad} " in result.problem


@pytest.mark.parametrize("rewrite", [edit_and_rehash, reorder, insert, rewrite_whole_chain], ids=lambda f: f.__name__)
def test_the_key_alone_detects_every_rewrite_but_a_cut_tail(keyed_cast, rewrite):
    bad = rewrite()
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, bad)
    assert f"event #{bad} has no valid MAC" in result.problem or f"event #{bad} has no MAC" in result.problem


def test_messages_name_the_anchor_that_caught_the_rewrite(keyed_cast):
    _checkpoint()
    delete_tail_and_fix_head()
    assert audit_verify().problem == (
        "event #14 is missing: the chain ends at #13 but checkpoint audit-checkpoint-000000000016.json says it "
        "reached #16 (events at the end were deleted)")


def test_a_clean_keyed_chain_passes_with_every_mac_and_checkpoint_checked(keyed_cast):
    _checkpoint()
    result = audit_verify()
    assert (result.ok, result.checked, result.macs_checked, result.checkpoints, result.notes) == (
        True, CAST_EVENTS, CAST_EVENTS, 1, [])
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {next(iter(_keys()))}


def _keys():
    from qualitygov.core.audit_anchor import audit_keys

    return audit_keys()


def test_events_written_before_a_key_was_configured_still_verify(cast, settings):
    settings.AUDIT_KEY = KEY
    for pk in (1, 2):
        with transaction.atomic():
            audit_record(actor=cast.office, action=events.ATTACHMENT_CREATE, object_type="core.attachment",
                         object_id=pk)
    result = audit_verify()
    assert (result.ok, result.checked, result.macs_checked) == (True, CAST_EVENTS + 2, 2)
    # …but an event after a keyed one cannot lose its MAC (the first keyed event is held by checkpoints).
    AuditEvent.objects.filter(seq=CAST_EVENTS + 2).update(key_id="", mac="")
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, CAST_EVENTS + 2)
    assert "has no MAC although the chain is keyed" in result.problem


def test_stripping_every_mac_and_rewriting_is_caught_by_the_checkpoint(keyed_cast):
    _checkpoint()
    AuditEvent.objects.update(key_id="", mac="")
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, 1)
    assert "event #1 has no MAC although the chain is keyed" in result.problem


def test_a_rotated_key_still_checks_the_events_of_the_old_one(keyed_cast, settings):
    settings.AUDIT_KEY = f"new-key-0123456789\n{KEY}\n"
    with transaction.atomic():
        audit_record(actor=None, action=events.ATTACHMENT_CREATE, object_type="core.attachment", object_id=1)
    assert audit_verify().macs_checked == CAST_EVENTS + 1
    settings.AUDIT_KEY = "new-key-0123456789"
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, 1)
    assert "which is not configured" in result.problem


def test_without_the_key_macs_are_reported_unchecked(keyed_cast, settings):
    settings.AUDIT_KEY = ""
    result = audit_verify()
    assert result.ok and result.notes == [
        f"{CAST_EVENTS} events carry a MAC that was not checked (no audit key configured)",
        "no audit key and no checkpoint: a rewrite of the whole chain would not be detected"]


def test_checkpoint_command_writes_only_new_events_and_verify_reads_a_given_folder(keyed_cast, tmp_path, capsys):
    folder = tmp_path / "elsewhere"
    call_command("audit", "checkpoint", "--dir", str(folder))
    call_command("audit", "checkpoint", "--dir", str(folder))
    with transaction.atomic():
        audit_record(actor=None, action=events.ATTACHMENT_CREATE, object_type="core.attachment", object_id=1)
    call_command("audit", "checkpoint", "--dir", str(folder))
    out = capsys.readouterr().out
    assert f"Checkpoint of #{CAST_EVENTS} written to {folder}/audit-checkpoint-000000000016.json." in out
    assert f"No new events since the last checkpoint (#{CAST_EVENTS}); nothing written." in out
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["audit-checkpoint-000000000016.json", "audit-checkpoint-000000000017.json"]
    second = json.loads((folder / files[1]).read_text())
    assert (second["from_seq"], second["seq"], len(second["hashes"]), second["first_keyed_seq"]) == (17, 17, 1, 1)
    call_command("audit", "verify", "--checkpoints", str(folder))
    assert "Audit chain intact: 17 events (17 MACs checked, 2 checkpoints compared)." in capsys.readouterr().out
    # The default folder holds no checkpoint: the same rewrite passes there and fails against the folder.
    edit_and_rehash()
    with pytest.raises(CommandError, match="event #5 has no valid MAC"):
        call_command("audit", "verify", "--checkpoints", str(folder))


def test_an_altered_checkpoint_file_is_refused(keyed_cast):
    _checkpoint()
    rewrite_whole_chain()
    from django.conf import settings

    path = next(settings.AUDIT_CHECKPOINT_DIR.iterdir())
    data = json.loads(path.read_text())
    data["hashes"] = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    data["hash"] = data["hashes"][-1]
    path.write_text(json.dumps(data))
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, None)
    assert result.problem == f"checkpoint {path.name} has an invalid signature (the file was altered)"


def test_checkpoint_refuses_a_broken_chain(cast):
    AuditEvent.objects.filter(seq=3).update(object_repr="x")
    path, result = audit_checkpoint()
    assert (path, result.ok, result.bad_seq) == (None, False, 3)
    from django.conf import settings

    assert not settings.AUDIT_CHECKPOINT_DIR.exists()
