"""Time-based one-time passwords (TOTP, RFC 6238 over HOTP, RFC 4226) with the standard library.

The secret is base32 (as authenticator apps expect); codes are 6 digits over 30-second steps with
HMAC-SHA1, the defaults every authenticator app understands.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6


def new_secret() -> str:
    """A fresh random secret: 20 bytes (160 bits, RFC 4226's recommendation) as base32 without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """RFC 4226: the code for `counter` under `key`."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_at(at: float) -> int:
    return int(at // STEP_SECONDS)


def code_at(secret: str, at: float | None = None) -> str:
    """The code an authenticator shows at Unix time `at` (now by default)."""
    return hotp(_key(secret), step_at(time.time() if at is None else at))


def verify(secret: str, code: str, *, at: float | None = None, last_step: int | None = None,
           drift: int = 1) -> int | None:
    """The time step `code` belongs to (within ±`drift` steps of `at`), or None.

    A step at or before `last_step` (one already used) is refused, so a code cannot be replayed.
    """
    code = (code or "").strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    try:
        key = _key(secret)
    except (ValueError, TypeError):
        return None
    now = step_at(time.time() if at is None else at)
    for step in range(now - drift, now + drift + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def otpauth_uri(secret: str, *, account: str, issuer: str) -> str:
    """The `otpauth://totp/...` URI an authenticator app reads (from a QR code or typed in)."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS,
                       "period": STEP_SECONDS}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"
