"""Writes of the plan import: preview (parse an upload) → corrections → confirm or cancel.

A preview writes only the `PlanImport` row (the parsed plan) and its audit event. Confirming
writes the whole plan in one transaction (see `apply`): either every section, task,
responsibility, indicator and new unit is stored, or nothing is. Confirming a revised version of a
stored plan (same document number, else same title) updates that plan in place, keeping the
primary keys of the tasks and indicators it matches so that work attached to them stays attached.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.transitions import apply_transition
from qualitygov.core.uploads import check_upload
from qualitygov.plans.models import Plan
from qualitygov.plans.permissions import can_import_plans
from qualitygov.utilities.numbers import human_size

from . import events
from .apply import plan_create_from_review, plan_revise_from_review
from .choices import IMPORT_TRANSITIONS, ImportStatus
from .corrections import Corrections, merge_corrections, parse_corrections
from .diff import plan_import_find_revised
from .importer.errors import PlanImportError
from .importer.parse import parse_plan
from .importer.readers import read_plan_bytes
from .models import PlanImport
from .review import effective_plan, plan_import_review

ALLOWED_EXTENSIONS = (".txt", ".html", ".htm", ".docx", ".pdf")
#: Old Word and WPS files are refused by name with a way out (save as .docx).
OLD_WORD_EXTENSIONS = (".doc", ".wps")
_BINARY_SIGNATURES = (b"PK\x03\x04", b"MZ", b"\x7fELF", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff",
                      b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")
_SCHEMA_PATH = Path(__file__).parent / "importer" / "plan.schema.json"
logger = logging.getLogger(__name__)



def _require_manager(actor) -> None:
    """The district's office (see `can_import_plans`) or the system (actor None: CLI, demo loader) may import."""
    if actor is not None and not can_import_plans(actor):
        raise NotFoundError("not found")


def _transition(plan_import: PlanImport, name: str) -> None:
    apply_transition(plan_import, IMPORT_TRANSITIONS, name, refusal=lambda imp: _(
        "This import is already %(status)s.") % {"status": imp.get_status_display()})


def _file_error(message: str) -> ServiceError:
    return ServiceError(message, code="bad_file", fields={"file": [message]})


def _old_word_message() -> str:
    return _("Old Word (.doc) and WPS (.wps) files cannot be read: open the file in Word or WPS, save it as "
             ".docx and import that.")


def check_name_and_size(filename: str, size: int) -> None:
    """Refuse a file by its extension and size alone (before reading it)."""
    ext = os.path.splitext(filename)[1].lower()
    if ext in OLD_WORD_EXTENSIONS:
        raise _file_error(_old_word_message())
    if ext not in ALLOWED_EXTENSIONS:
        raise _file_error(_("Only .txt, .html, .htm, .docx and .pdf files can be imported."))
    limit = settings.QUALITYGOV_MAX_UPLOAD_BYTES
    if size > limit:
        raise _file_error(_("The file is too large: %(size)s; the limit is %(limit)s.")
                          % {"size": human_size(size), "limit": human_size(limit)})


def _looks_like_plan_source(ext: str, data: bytes) -> bool:
    """A .docx is a zip, a .pdf starts %PDF-; a text or web page is not binary (UTF-16 text has NULs but a
    byte-order mark)."""
    if ext == ".docx":
        return data.startswith(b"PK\x03\x04")
    if ext == ".pdf":
        return data.startswith(b"%PDF-")
    return not (data.startswith(_BINARY_SIGNATURES) or (
        b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff"))))


def check_plan_source(filename: str, data: bytes) -> None:
    """Refuse a plan document by name, size and content before anything parses it.

    Size, extension and content sniffing go through the one upload gate (`core.uploads.check_upload`);
    its refusals are reworded for plan documents; a Word file is bounded once unpacked there too.
    """
    ext = os.path.splitext(filename)[1].lower()
    if ext in OLD_WORD_EXTENSIONS:
        raise _file_error(_old_word_message())
    try:
        check_upload(ContentFile(data, name=filename), allowed=ALLOWED_EXTENSIONS,
                     max_bytes=settings.QUALITYGOV_MAX_UPLOAD_BYTES, sniff=_looks_like_plan_source)
    except ServiceError as exc:
        if exc.code == "bad_type":
            raise _file_error(_("Only .txt, .html, .htm, .docx and .pdf files can be imported.")) from None
        if exc.code == "too_large":
            check_name_and_size(filename, len(data))
        if exc.code == "empty":
            raise _file_error(_("The file is empty.")) from None
        if exc.code == "too_large_unpacked":
            raise _file_error(_("The Word document is too large once unpacked.")) from None
        if ext == ".docx":
            raise _file_error(_("The file is named .docx but is not a Word document.")) from None
        if ext == ".pdf":
            raise _file_error(_("The file is named .pdf but is not a PDF document.")) from None
        raise _file_error(_("The file is binary data, not a text or web page document.")) from None
    if not data.strip():
        raise _file_error(_("The file is empty."))
    if ext == ".docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.getinfo("word/document.xml")
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise _file_error(_("The file is named .docx but is not a Word document.")) from None


def plan_parse_upload(*, filename: str, data: bytes) -> dict:
    """Check and parse an uploaded plan; ServiceError with one Chinese line when unusable. No writes."""
    check_plan_source(filename, data)
    try:
        parsed = parse_plan(read_plan_bytes(data, filename=filename))
    except PlanImportError as exc:
        raise _file_error(exc.message) from None
    except (MemoryError, RecursionError):
        raise _file_error(_("The file is too complex to read.")) from None
    except Exception:  # a parser bug must reach the user as one line, and the log in full
        logger.exception("plan parser failed on %s", filename)
        raise _file_error(_("The document could not be read because of an error in the reader; please send the "
                            "file to the maintainers.")) from None
    _check_schema(parsed)
    if not parsed["tasks"]:
        raise _file_error(_("No numbered tasks were found: this document cannot be imported as a plan."))
    return parsed


def _check_schema(parsed: dict) -> None:
    import jsonschema

    schema = json.loads(_SCHEMA_PATH.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(parsed, schema)
    except jsonschema.ValidationError as exc:
        raise _file_error(_("The document could not be read completely (%(where)s).")
                          % {"where": "/".join(str(p) for p in exc.absolute_path) or "plan"}) from None


def plan_import_draft(*, filename: str, data: bytes) -> PlanImport:
    """An unsaved import of the file, for a summary before anything is written (the CLI asks first)."""
    parsed = plan_parse_upload(filename=filename, data=data)
    return PlanImport(source_name=os.path.basename(filename)[:255], source_sha256=hashlib.sha256(data).hexdigest(),
                      parsed=parsed, revises=plan_import_find_revised(effective_plan(parsed, {})))


@transaction.atomic
def plan_import_preview(*, actor, filename: str, data: bytes) -> PlanImport:
    """Parse an uploaded plan document and keep it for review. Writes the import row and its audit event only."""
    _require_manager(actor)
    draft = plan_import_draft(filename=filename, data=data)
    draft.created_by = actor if getattr(actor, "is_authenticated", False) else None
    draft.save()
    review = plan_import_review(draft)
    audit_record(actor=actor, action=events.PLAN_IMPORT_PREVIEW, obj=draft,
                 changes={"file": draft.source_name, "sha256": draft.source_sha256, "counts": review.counts,
                          "revises": draft.revises_id})
    return draft


@transaction.atomic
def plan_import_correct(*, actor, plan_import: PlanImport, corrections: Corrections) -> PlanImport:
    """Record the office's corrections to an import under review (merged into earlier ones).

    `corrections` is checked by `parse_corrections` (CorrectionsError, nothing written, when
    refused); an empty unit choice `{}` withdraws an earlier mapping.
    """
    _require_manager(actor)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if plan_import.status != ImportStatus.PREVIEW:
        raise ConflictError(_("This import is already %(status)s.") % {"status": plan_import.get_status_display()})
    current = effective_plan(plan_import.parsed, plan_import.corrections or {})
    clean = parse_corrections(corrections, task_numbers={t["number"] for t in current["tasks"]},
                              indicator_count=len(plan_import.parsed.get("indicators", [])), actor=actor)
    plan_import.corrections = merge_corrections(plan_import.corrections or {}, clean)
    plan_import.save(update_fields=["corrections"])
    review = plan_import_review(plan_import)
    revises = plan_import_find_revised(review.plan)
    if revises is not None and revises.pk != plan_import.revises_id and plan_import.revises_id is None:
        plan_import.revises = revises
        plan_import.save(update_fields=["revises"])
    audit_record(actor=actor, action=events.PLAN_IMPORT_CORRECT, obj=plan_import, changes={"corrections": clean})
    return plan_import


@transaction.atomic
def plan_import_cancel(*, actor, plan_import: PlanImport) -> PlanImport:
    """Discard an import under review; nothing of it reaches the plan."""
    _require_manager(actor)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _transition(plan_import, "cancel")
    plan_import.decided_at = timezone.now()
    plan_import.save(update_fields=["status", "decided_at"])
    audit_record(actor=actor, action=events.PLAN_IMPORT_CANCEL, obj=plan_import, changes={"status": ImportStatus.CANCELLED})
    return plan_import


@transaction.atomic
def plan_import_confirm(*, actor, plan_import: PlanImport) -> Plan:
    """Write the reviewed plan: a new plan, or the revised plan updated in place. All or nothing."""
    _require_manager(actor)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _transition(plan_import, "confirm")
    review = plan_import_review(plan_import)
    if review.revises is None and plan_import_find_revised(review.plan) is not None:
        # The same plan was imported by someone else after this preview: review the changes first.
        raise ConflictError(_("This plan has been imported since this preview was made. Upload the file again to "
                              "review it as a revision."))
    if review.revises is None:
        plan, outcome = plan_create_from_review(actor=actor, review=review)
    else:
        plan, outcome = plan_revise_from_review(actor=actor, review=review)
    outcome["new_units"] = sorted(review.new_units)
    plan_import.plan = plan
    plan_import.decided_at = timezone.now()
    plan_import.outcome = outcome
    plan_import.save(update_fields=["status", "plan", "decided_at", "outcome"])
    audit_record(actor=actor, action=events.PLAN_IMPORT_CONFIRM, obj=plan_import,
                 changes={"status": ImportStatus.CONFIRMED, "plan": plan.pk, "outcome": outcome})
    return plan
