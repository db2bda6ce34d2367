"""URL kwargs for the permission matrix: the audit pages and `/api/v1/audit-events/`."""

from __future__ import annotations


def _unit_event(cast, unit) -> int:
    """The audit event that recorded `unit`'s creation (the cast writes one per unit)."""
    from qualitygov.core.models import AuditEvent

    return AuditEvent.objects.get(action="org_unit.create", unit_ref=unit.pk).pk


SAMPLES = {
    "audit:detail": lambda cast: {"pk": _unit_event(cast, cast.dept_a), "owner": "liaison_a"},
    # Runs only on a POST (it reads the whole chain); a GET is refused with 405.
    "audit:verify": lambda cast: {"get_status": 405},
    "api-audit-event-detail": lambda cast: {"pk": _unit_event(cast, cast.dept_a), "owner": "liaison_a"},
}
