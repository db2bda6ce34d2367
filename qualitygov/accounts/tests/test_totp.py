"""TOTP (RFC 6238) with the standard library: the RFC's test vectors, drift, replay, the otpauth URI."""

from __future__ import annotations

import base64

from qualitygov.utilities import totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def test_rfc_6238_sha1_vectors():
    key = b"12345678901234567890"
    assert [totp.hotp(key, totp.step_at(t), digits=8) for t in (59, 1111111109, 1111111111, 1234567890,
                                                                   2000000000, 20000000000)] == [
        "94287082", "07081804", "14050471", "89005924", "69279037", "65353130"]
    assert totp.code_at(RFC_SECRET, 59) == "287082"


def test_verify_accepts_one_step_of_drift_and_refuses_replay_and_junk():
    at = 1_234_567_890
    now, before, after = (totp.code_at(RFC_SECRET, at + d) for d in (0, -30, 30))
    step = totp.step_at(at)
    assert (totp.verify(RFC_SECRET, now, at=at), totp.verify(RFC_SECRET, before, at=at),
            totp.verify(RFC_SECRET, after, at=at)) == (step, step - 1, step + 1)
    assert totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, at - 60), at=at) is None
    assert totp.verify(RFC_SECRET, now, at=at, last_step=step) is None
    assert totp.verify(RFC_SECRET, after, at=at, last_step=step) == step + 1
    assert [totp.verify(RFC_SECRET, junk, at=at) for junk in ("", "12345", "abcdef", "1234567")] == [None] * 4
    assert totp.verify("not base32!", now, at=at) is None


def test_new_secrets_are_160_bit_base32_and_differ():
    first, second = totp.new_secret(), totp.new_secret()
    assert (len(first), first != second, len(base64.b32decode(first))) == (32, True, 20)


def test_otpauth_uri():
    assert totp.otpauth_uri("JBSWY3DPEHPK3PXP", account="liaison_a", issuer="QualityGov") == (
        "otpauth://totp/QualityGov:liaison_a?secret=JBSWY3DPEHPK3PXP&issuer=QualityGov&algorithm=SHA1"
        "&digits=6&period=30")
