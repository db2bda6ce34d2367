"""The engine's one exception."""

from __future__ import annotations


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped (\\n, \\x00…), so it stays one line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class AssessmentError(Exception):
    """Bad scheme or units data; `message` is one fixed Chinese line naming the item, unit or path
    (names taken from the files are shown with their control characters escaped)."""

    def __init__(self, message: str) -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message
