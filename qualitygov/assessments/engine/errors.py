"""The engine's one exception."""

from __future__ import annotations


class AssessmentError(Exception):
    """Bad scheme or units data; `message` is one fixed Chinese line naming the item, unit or path."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
