"""Errors raised by the plan importer; their messages are shown to users as is (Chinese)."""

from __future__ import annotations


class PlanImportError(Exception):
    """Base class: ``message`` is one user-facing line in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlanReadError(PlanImportError):
    """The file could not be read as a document (missing, too large, binary, bad encoding…)."""


class PlanParseError(PlanImportError):
    """The text was read but is not an implementation plan."""
