"""Serving stored evidence files: the one way a view answers with an `Attachment`'s bytes."""

from __future__ import annotations

from django.http import FileResponse, Http404

from .models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download under its original name; 404 when its bytes are missing from storage
    (a restore without the upload folder, a file removed by hand), as for a missing record."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)
