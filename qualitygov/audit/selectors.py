"""Reads of the audit trail, through the caller's `audit` scope."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from qualitygov.core.errors import NotFoundError
from qualitygov.core.models import AuditEvent
from qualitygov.core.permissions import Action


def audit_event_list_visible(*, user) -> QuerySet[AuditEvent]:
    """Events `user` may read, newest first.

    An office admin whose audit grant covers the whole district sees every event, including those
    tied to no unit (sign-in lockouts, system work); one scoped to a subtree sees the events whose
    `unit_ref` lies in that subtree. Everybody else sees nothing.
    """
    return AuditEvent.objects.visible_to(user, Action.AUDIT).order_by("-seq")


def audit_event_get_visible(*, user, pk: int) -> AuditEvent:
    """The event if `user` may read it; NotFoundError otherwise (missing and forbidden look alike)."""
    event = audit_event_list_visible(user=user).filter(pk=pk).first()
    if event is None:
        raise NotFoundError("not found")
    return event


def audit_event_known_values(*, field: str, limit: int = 200) -> list[str]:
    """Distinct values of an indexed text column (`action`, `object_type`), for filter suggestions.

    Suggestions only, so a value a few minutes old will do: the DISTINCT walks the whole index,
    which grows with the trail, and is cached for five minutes.
    """
    if field not in {"action", "object_type"}:
        raise ValueError(field)
    return cache.get_or_set(
        f"qualitygov:audit:known:{field}:{limit}",
        lambda: list(AuditEvent.objects.order_by(field).values_list(field, flat=True).distinct()[:limit]),
        300,
    )
