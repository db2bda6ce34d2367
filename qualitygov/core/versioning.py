"""Optimistic locking for editable records: a `version` that every save raises by one.

A form (or API client) carries the version it was shown; the service locks the row
(`select_for_update`, and on SQLite the IMMEDIATE transaction) and calls `version_check` before
changing anything. A save made against an older version is refused with ConflictError (code
"stale", HTTP 409) naming who changed the record, when, and which of the submitted fields now
differ; nothing of the stale save is written, so no edit is silently lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ConflictError, ServiceError

__all__ = ["VersionedModel", "bump", "parse_version", "request_version", "version_check"]


class VersionedModel(models.Model):
    """Abstract: adds `version`, raised by one on every `save()` of an existing row."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=1)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


def bump() -> dict[str, Any]:
    """The `version` argument of a queryset `.update()` that changes versioned rows."""
    return {"version": F("version") + 1}


def parse_version(value: Any) -> int | None:
    """The version a client sent ("" or None: it sent none); ServiceError for anything but a count."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().strip('"')
    if text.startswith("W/"):
        text = text[2:].strip('"')
    if not text.isdigit():
        message = _("The version must be a whole number.")
        raise ServiceError(message, fields={"version": [message]})
    return int(text)


def request_version(request, body_version: Any = None) -> int | None:
    """The version an API client edits against: `version` in the body, else the `If-Match` header
    (an ETag as answered, e.g. "3"; "*" or none: no check)."""
    if body_version not in (None, ""):
        return parse_version(body_version)
    header = (request.headers.get("If-Match") or "").strip()
    return None if header in ("", "*") else parse_version(header)


def _same(stored: Any, sent: Any) -> bool:
    if isinstance(stored, models.Model):
        stored = stored.pk
    if isinstance(sent, models.Model):
        sent = sent.pk
    if isinstance(stored, Decimal) or isinstance(sent, Decimal):
        try:
            return stored is not None and sent is not None and Decimal(str(stored)) == Decimal(str(sent).strip())
        except InvalidOperation:
            return False
    if isinstance(stored, str) and isinstance(sent, str):
        return stored.strip() == sent.strip()
    return stored == sent


def version_check(obj: VersionedModel, expected: int | None, *, submitted: Mapping[str, Any] | None = None,
                  what: str = "") -> None:
    """ConflictError (code "stale") when `expected` is given and `obj` (locked) is at another version.

    `submitted` maps field names to the values of the refused save; the message names those whose
    stored value now differs. `what` names the record ("this report").
    """
    if expected is None or obj.version == expected:
        return
    from .models import AuditEvent

    trail = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("-seq")
    # Who last changed it: the latest person (a follow-up recomputation by the system is not the editor).
    last = (trail.filter(actor__isnull=False).only("actor_repr", "at").first()
            or trail.only("actor_repr", "at").first())
    fields = [str(obj._meta.get_field(name).verbose_name) for name, value in (submitted or {}).items()
              if value is not None and not _same(getattr(obj, name, None), value)]
    values = {"what": what or str(obj._meta.verbose_name), "yours": expected, "now": obj.version}
    if last is not None:
        values.update(who=last.actor_repr, when=timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M"))
        message = _("%(what)s was changed by %(who)s at %(when)s after you opened it (your version %(yours)d, "
                    "now %(now)d).") % values
    else:
        message = _("%(what)s was changed after you opened it (your version %(yours)d, now %(now)d).") % values
    differs = _("Now different from yours: %(fields)s.") % {"fields": "、".join(fields)} if fields else ""
    advice = _("Your changes were not saved: reload the page, compare, and save again.")
    for sentence in (differs, advice):
        if sentence:  # sentences joined as the language does (Chinese runs them together)
            message = _("%(first)s %(second)s") % {"first": message, "second": sentence}
    raise ConflictError(message, code="stale")
