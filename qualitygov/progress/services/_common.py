"""Helpers shared by the progress services: permission checks, transitions, notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.notifications import notification_send
from qualitygov.core.scoping import can, scope_for
from qualitygov.core.transitions import TransitionTable, apply_transition

from ..selectors import unit_recipients

# Helpers


def _allowed(actor, action: str, unit_id: int | None) -> bool:
    return actor is None or can(actor, action, unit_id)


def _require(actor, action: str, unit_id: int | None) -> None:
    """NotFoundError unless the system acts or `actor` may `action` at the unit."""
    if not _allowed(actor, action, unit_id):
        raise NotFoundError(_("Not found."))


def _require_all(actor, action: str, unit_ids) -> None:
    """NotFoundError unless the system acts or `actor` may `action` at every one of `unit_ids`.

    A write that creates or touches objects of several units (co units, towns, a whole plan) checks
    each of them, not only the one named in the URL.
    """
    for unit_id in set(unit_ids):
        _require(actor, action, unit_id)


def _require_everywhere(actor, action: str) -> None:
    """NotFoundError unless the system acts or `actor` may `action` district-wide (plan-wide writes)."""
    if actor is not None and not scope_for(actor, action).everything:
        raise NotFoundError(_("Not found."))


#: The workflows whose separation of duties `settings.SEPARATION_OF_DUTIES` switches (default on).
SEPARATED_WORKFLOWS = ("report_approval", "finding_verification", "extension_approval")


def separation_of_duties(workflow: str) -> bool:
    """True when `workflow` keeps its doer from approving (settings.SEPARATION_OF_DUTIES, default on)."""
    if workflow not in SEPARATED_WORKFLOWS:
        raise ValueError(f"unknown workflow {workflow!r}")
    return bool(getattr(settings, "SEPARATION_OF_DUTIES", {}).get(workflow, True))


def _require_other_person(actor, doer_id: int | None, workflow: str, message: str) -> None:
    """ServiceError (code self_approval) when the separation of `workflow` is on and `actor` did the step."""
    if actor is not None and doer_id is not None and doer_id == actor.pk and separation_of_duties(workflow):
        raise ServiceError(message, code="self_approval")


def _transition(obj: models.Model, table: TransitionTable, name: str) -> str:
    """Apply the named transition to `obj.status` and return the old state (see core.transitions)."""
    return apply_transition(obj, table, name)


def _today() -> dt.date:
    return timezone.localdate()


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message, fields={field: [message]})
    return value


def _pct(value: Any) -> Decimal:
    message = _("Enter a progress between 0 and 100.")
    try:
        pct = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise ServiceError(message, fields={"progress_pct": [message]}) from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise ServiceError(message, fields={"progress_pct": [message]})
    return pct.quantize(Decimal("0.01"))


def _notify_unit(unit_id: int, *, kind: str, subject: str, body: str = "", key: str) -> int:
    """Send one notice to each liaison of the unit (dedup per user), and through the unit's group
    robots once (dedup per unit); return how many notices were sent."""
    sent = 0
    for user in unit_recipients([unit_id]).get(unit_id, []):
        if notification_send(recipient=user, kind=kind, subject=subject, body=body,
                             dedup_key=f"{key}:u{user.pk}", email=False, unit_ref=unit_id, unit_key=key):
            sent += 1
    return sent
