"""The hash chain detects every kind of tampering, and `qualitygov audit verify` says where."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qualitygov.cli import main as qualitygov_main
from qualitygov.core.audit import audit_verify
from qualitygov.core.models import AuditEvent

CAST_EVENTS = 16  # 6 units, 5 users, 5 grants


def _verify_fails_at(seq: int, problem: str) -> None:
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, seq)
    assert problem in result.problem
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode == 1
    assert f"#{seq} " in str(excinfo.value)


def test_clean_chain_verifies(cast):
    assert AuditEvent.objects.count() == CAST_EVENTS
    result = audit_verify()
    assert (result.ok, result.checked, result.bad_seq) == (True, CAST_EVENTS, None)


def test_edited_event_is_detected(cast):
    AuditEvent.objects.filter(seq=5).update(object_repr="篡改")
    _verify_fails_at(5, "event #5 was edited")


def test_edited_changes_are_detected(cast):
    AuditEvent.objects.filter(seq=12).update(changes={"new": {"username": "someone_else"}})
    _verify_fails_at(12, "event #12 was edited")


def test_deleted_middle_event_is_detected(cast):
    AuditEvent.objects.filter(seq=7).delete()
    _verify_fails_at(7, "event #7 is missing (next stored is #8)")


def test_deleted_last_event_is_detected(cast):
    AuditEvent.objects.filter(seq=CAST_EVENTS).delete()
    _verify_fails_at(CAST_EVENTS, "events at the end were deleted")


def test_swapped_events_are_detected(cast):
    third = AuditEvent.objects.get(seq=3)
    seventh = AuditEvent.objects.get(seq=7)
    AuditEvent.objects.filter(pk=third.pk).update(seq=-1)
    AuditEvent.objects.filter(pk=seventh.pk).update(seq=3)
    AuditEvent.objects.filter(pk=third.pk).update(seq=7)
    _verify_fails_at(3, "event #3 does not follow its predecessor")


def test_command_line_exits_non_zero_naming_the_event(cast, capsys):
    AuditEvent.objects.filter(seq=9).update(action="user.delete")
    # The command closes the database connection when it ends, so nothing may query after it.
    with pytest.raises(SystemExit) as excinfo:
        qualitygov_main(["audit", "verify"])
    assert excinfo.value.code == 1
    assert "event #9 was edited" in capsys.readouterr().err


def test_command_line_exits_zero_on_a_clean_chain(cast, capsys):
    assert qualitygov_main(["audit", "verify"]) == 0
    assert f"Audit chain intact: {CAST_EVENTS} events." in capsys.readouterr().out
