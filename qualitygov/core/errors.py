"""Errors that services raise; views and the API turn them into messages and `{code, message, fields}`."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out as asked. `message` is shown to the user (translated)."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class NotFoundError(ServiceError):
    """Missing or not visible to the actor: the two are never told apart."""

    code = "not_found"
    status = 404


class ConflictError(ServiceError):
    """The object is not in a state that allows the transition."""

    code = "conflict"
    status = 409
