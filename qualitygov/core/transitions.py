"""Named state transitions: every status change goes through a table, never free assignment.

A table maps a transition name to `(states it may start from, state it leads to)`, e.g.
`{"approve": (frozenset({"submitted"}), "approved")}`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext as _

from .errors import ConflictError

TransitionTable = dict[str, tuple[frozenset[str], str]]


def apply_transition(obj: models.Model, table: TransitionTable, name: str, *, field: str = "status",
                     refusal: Callable[[models.Model], str] | None = None) -> str:
    """Move `obj.<field>` along the named transition and return the old state (the caller saves).

    ConflictError when the current state does not allow it; `refusal(obj)` may word the message.
    """
    sources, target = table[name]
    old = getattr(obj, field)
    if old not in sources:
        message = refusal(obj) if refusal else _("This cannot be done while the status is “%(status)s”.") % {
            "status": getattr(obj, f"get_{field}_display")()}
        raise ConflictError(message)
    setattr(obj, field, target)
    return old
