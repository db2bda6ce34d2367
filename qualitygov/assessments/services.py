"""Writes of assessment schemes: import, edit a draft, publish (freeze), start a new version.

Only an office holding the whole district writes (others: NotFoundError). Every document is
validated by the engine first (`engine.validate_scheme`: one Chinese line naming the item), and
stored verbatim; a refused document changes nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.scoping import manages_district
from qualitygov.core.transitions import apply_transition

from . import events
from .choices import SCHEME_TRANSITIONS, SchemeStatus
from .engine.errors import AssessmentError
from .engine.io import parse_json
from .engine.model import Scheme
from .engine.validate import validate_scheme
from .inputs import scheme_sources
from .models import AssessmentScheme

#: A scheme document larger than this is refused before parsing (a real one is a few tens of KB).
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


def may_manage(actor) -> bool:
    return manages_district(actor)


def _require_office(actor) -> None:
    if not may_manage(actor):
        raise NotFoundError(_("Not found."))


def scheme_check(text: str) -> tuple[dict[str, Any], Scheme]:
    """The parsed and validated document; ServiceError (field `document`) with the engine's Chinese line,
    or the line naming a leaf whose `source` the platform cannot feed (`inputs.scheme_sources`)."""
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        message = _("The scheme is larger than 2 MB.")
        raise ServiceError(message, fields={"document": [message]})
    try:
        data = parse_json(text)
        scheme = validate_scheme(data)
        scheme_sources(scheme, data)
    except AssessmentError as exc:
        raise ServiceError(exc.message, fields={"document": [exc.message]}) from None
    return data, scheme


def _leaves(scheme: Scheme) -> int:
    return len(scheme.leaves)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def scheme_import(*, actor, text: str, year: int, source_name: str = "") -> AssessmentScheme:
    """Store `text` (a scheme in the exchange format) as a new draft version for `year`."""
    _require_office(actor)
    if not 2000 <= year <= 2100:
        message = _("Enter a year between 2000 and 2100.")
        raise ServiceError(message, fields={"year": [message]})
    data, scheme = scheme_check(text)
    key = str(data["id"])[:100]
    last = AssessmentScheme.objects.filter(key=key, year=year).aggregate(v=Max("version"))["v"] or 0
    row = AssessmentScheme.objects.create(key=key, year=year, version=last + 1, title=str(data["title"])[:300],
                                          document=text, source_name=source_name[:255], created_by=actor)
    audit_record(actor=actor, action=events.SCHEME_IMPORT, obj=row, changes={
        "key": key, "year": year, "version": row.version, "sha256": _sha(text), "leaves": _leaves(scheme),
        "source_name": source_name[:255]})
    return row


@transaction.atomic
def scheme_save_document(*, actor, scheme: AssessmentScheme, text: str,
                         changes: dict[str, Any] | None = None) -> AssessmentScheme:
    """Replace a draft's document; a published version is frozen (ConflictError) and its id may not change.
    `changes` adds keys to the audit event (the tree editor names the item it changed)."""
    _require_office(actor)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status != SchemeStatus.DRAFT:
        raise ConflictError(_("A published scheme is frozen: start a new version to change it."))
    data, checked = scheme_check(text)
    if str(data["id"]) != scheme.key:
        message = _("The scheme id must stay “%(key)s”; import the document as a new scheme instead.") % {
            "key": scheme.key}
        raise ServiceError(message, fields={"document": [message]})
    old_sha = _sha(scheme.document)
    scheme.document, scheme.title = text, str(data["title"])[:300]
    scheme.save()
    audit_record(actor=actor, action=events.SCHEME_UPDATE, obj=scheme,
                 changes={**(changes or {}), "sha256": [old_sha, _sha(text)], "leaves": _leaves(checked)})
    return scheme


@transaction.atomic
def scheme_publish(*, actor, scheme: AssessmentScheme) -> AssessmentScheme:
    """Freeze a draft: from now on rounds score against exactly this document."""
    _require_office(actor)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    old = apply_transition(scheme, SCHEME_TRANSITIONS, "publish")
    scheme_check(scheme.document)  # a stored draft is valid, but publish nothing unchecked
    scheme.published_by, scheme.published_at = actor, timezone.now()
    scheme.save()
    audit_record(actor=actor, action=events.SCHEME_PUBLISH, obj=scheme,
                 changes={"status": [old, scheme.status], "sha256": _sha(scheme.document)})
    return scheme


@transaction.atomic
def scheme_new_version(*, actor, scheme: AssessmentScheme) -> AssessmentScheme:
    """A new draft version copying `scheme`'s document (the way to change a published scheme)."""
    _require_office(actor)
    last = AssessmentScheme.objects.filter(key=scheme.key, year=scheme.year).aggregate(v=Max("version"))["v"] or 0
    row = AssessmentScheme.objects.create(key=scheme.key, year=scheme.year, version=last + 1, title=scheme.title,
                                          document=scheme.document, source_name=scheme.source_name,
                                          created_by=actor)
    audit_record(actor=actor, action=events.SCHEME_NEW_VERSION, obj=row,
                 changes={"key": scheme.key, "from_version": scheme.version, "version": row.version})
    return row
