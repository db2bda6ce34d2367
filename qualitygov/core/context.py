"""Per-request context (request id, the request itself) read by the audit trail and the logs."""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("qualitygov_request_id", default=None)
_request: contextvars.ContextVar[object | None] = contextvars.ContextVar("qualitygov_request", default=None)


def current_request_id() -> str:
    """The id of the request being served, or a fresh one for work outside a request (CLI, jobs)."""
    value = _request_id.get()
    if value is None:
        value = f"local-{uuid.uuid4().hex[:16]}"
        _request_id.set(value)
    return value


def set_request_id(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def peek_request_id() -> str | None:
    """The id of the request being served, or None outside a request (never makes one up)."""
    return _request_id.get()


def set_request(request) -> contextvars.Token:
    return _request.set(request)


def reset_request(token: contextvars.Token) -> None:
    _request.reset(token)


def current_request():
    """The request being served, or None."""
    return _request.get()
