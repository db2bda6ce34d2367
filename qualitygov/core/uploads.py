"""Checking uploaded files: size, extension and real content type (magic bytes), before storing.

Evidence may be PDF, images, Office documents (OOXML), plain text or CSV. A file whose bytes do
not match its extension (an .exe renamed .pdf, a zip renamed .docx without word/document.xml) is
refused and nothing is stored. A zip-based file (OOXML, .zip) is also bounded once unpacked — the sum
of its members' sizes and each member's compression ratio — before anything parses it, so a small
"zip bomb" never reaches a parser.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from qualitygov.utilities.numbers import human_size

from . import events
from .audit import audit_record
from .errors import ServiceError
from .models import Attachment

EVIDENCE_MAX_BYTES_DEFAULT = 20 * 1024 * 1024
#: Default bound on the sum of an archive's member sizes (setting `QUALITYGOV_MAX_UNPACKED_BYTES`).
MAX_UNPACKED_BYTES_DEFAULT = 100 * 1024 * 1024
#: Default bound on one member's size over its compressed size (setting `QUALITYGOV_MAX_UNPACKED_RATIO`).
MAX_UNPACKED_RATIO_DEFAULT = 100
#: Members smaller than this are not held to the ratio (tiny parts compress well and cannot hurt).
_RATIO_FLOOR_BYTES = 1024 * 1024
_ARCHIVES = (".docx", ".xlsx", ".pptx", ".zip")

_OOXML = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
_MIME = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain", ".csv": "text/csv",
}
EVIDENCE_EXTENSIONS = tuple(_MIME)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    extension: str
    content_type: str
    sha256: str


def _looks_like(ext: str, data: bytes) -> bool:
    if ext == ".pdf":
        return data.startswith(b"%PDF-")
    if ext == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in {".jpg", ".jpeg"}:
        return data.startswith(b"\xff\xd8\xff")
    if ext in _OOXML:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(_OOXML[ext]) for n in names)
    if ext in {".txt", ".csv"}:
        if b"\x00" in data[:8192]:
            return False
        for encoding in ("utf-8", "gb18030"):
            try:
                data.decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
        return False
    return False


def _unpacked_refusal(name: str) -> ServiceError:
    return ServiceError(_("“%(name)s” is too large once unpacked: it cannot be read safely.") % {"name": name},
                        code="too_large_unpacked", fields={"file": [_("File too large once unpacked.")]})


def check_unpacked(name: str, data: bytes) -> None:
    """Refuse a zip archive too large once unpacked; ServiceError `too_large_unpacked`, nothing read.

    Reads only the central directory. The sum of member sizes must stay within
    `QUALITYGOV_MAX_UNPACKED_BYTES` and each member of 1 MiB or more within
    `QUALITYGOV_MAX_UNPACKED_RATIO` times its compressed size. Python's zipfile never inflates a
    member past its declared size (a lying header fails its CRC check), so the declared sizes bound
    what any reader built on it (openpyxl, python-docx, the plan reader) can unpack. Data that is
    not a readable zip is left to the content check.
    """
    limit = getattr(settings, "QUALITYGOV_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES_DEFAULT)
    ratio = getattr(settings, "QUALITYGOV_MAX_UNPACKED_RATIO", MAX_UNPACKED_RATIO_DEFAULT)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    total = 0
    for info in members:
        total += info.file_size
        if total > limit:
            raise _unpacked_refusal(name)
        if info.file_size >= _RATIO_FLOOR_BYTES and info.file_size > ratio * max(info.compress_size, 1):
            raise _unpacked_refusal(name)


def check_upload(uploaded, *, allowed: tuple[str, ...] = EVIDENCE_EXTENSIONS, max_bytes: int | None = None,
                 too_large_hint: str = "", sniff: Callable[[str, bytes], bool] | None = None) -> CheckedFile:
    """Read and check an uploaded file; ServiceError (Chinese message) when it is refused.

    The one upload gate: size (`max_bytes`, else the evidence limit), extension (`allowed`) and real
    content. `too_large_hint` is added to the message of a file over the limit ("split it…").
    `sniff(extension, data)` replaces the built-in content check for gates whose files the
    built-in one does not know (plan documents: web pages and texts in many encodings). Each
    refusal carries a `code` (too_large, bad_type, empty, disguised, too_large_unpacked) a caller
    may reword. Zip-based types (.docx, .xlsx, .pptx, .zip) are bounded once unpacked
    (`check_unpacked`) whatever `sniff` says.
    """
    max_bytes = max_bytes or getattr(settings, "QUALITYGOV_EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES_DEFAULT)
    name = os.path.basename(getattr(uploaded, "name", "") or "")[:255]
    ext = os.path.splitext(name)[1].lower()
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        message = _("“%(name)s” is %(size)s; the limit is %(limit)s.") % {
            "name": name, "size": human_size(size), "limit": human_size(max_bytes)}
        raise ServiceError(f"{message}{too_large_hint}", code="too_large", fields={"file": [_("File too large.")]})
    if ext not in allowed:
        raise ServiceError(_("“%(name)s”: this type of file is not accepted (allowed: %(allowed)s).")
                           % {"name": name, "allowed": " ".join(allowed)}, code="bad_type",
                           fields={"file": [_("File type not accepted.")]})
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        message = _("“%(name)s” is larger than the limit of %(limit)s.") % {"name": name, "limit": human_size(max_bytes)}
        raise ServiceError(f"{message}{too_large_hint}", code="too_large", fields={"file": [_("File too large.")]})
    if not data:
        raise ServiceError(_("“%(name)s” is empty.") % {"name": name}, code="empty", fields={"file": [_("Empty file.")]})
    if ext in _ARCHIVES:
        check_unpacked(name, data)
    if not (sniff or _looks_like)(ext, data):
        raise ServiceError(_("“%(name)s” is not really a %(ext)s file.") % {"name": name, "ext": ext},
                           code="disguised", fields={"file": [_("The content does not match the file type.")]})
    return CheckedFile(name=name, data=data, extension=ext, content_type=_MIME.get(ext, "application/octet-stream"),
                       sha256=hashlib.sha256(data).hexdigest())


@transaction.atomic
def attachment_create(*, actor, checked: CheckedFile, owner, unit=None) -> Attachment:
    """Store a checked file for `owner` (any model instance) with an audit event."""
    attachment = Attachment(
        original_name=checked.name, content_type=checked.content_type, size=len(checked.data),
        sha256=checked.sha256, owner_type=owner._meta.label_lower, owner_id=str(owner.pk),
        unit_ref=getattr(unit, "pk", None), uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(f"{checked.sha256[:16]}{checked.extension}", ContentFile(checked.data), save=False)
    attachment.save()
    audit_record(actor=actor, action=events.ATTACHMENT_CREATE, obj=attachment, unit=unit,
                 changes={"owner": f"{attachment.owner_type}:{attachment.owner_id}", "name": checked.name,
                          "size": attachment.size, "sha256": checked.sha256})
    return attachment
