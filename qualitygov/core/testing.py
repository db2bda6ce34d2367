"""Helpers for tests of any app: generated hostile files."""

from __future__ import annotations

import functools
import io
import zipfile

_OOXML_PARTS = {
    ".xlsx": ("xl/workbook.xml", "xl/sharedStrings.xml", b"<si><t>a</t></si>"),
    ".docx": ("word/styles.xml", "word/document.xml", b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"),
}


@functools.cache
def zip_bomb(extension: str = ".xlsx", unpacked_mb: int = 200) -> bytes:
    """A small OOXML file (about 1/1000 of `unpacked_mb`) whose main part unpacks to `unpacked_mb` MiB.

    Written in 1 MiB chunks, so building it never holds the unpacked part in memory.
    """
    small, huge, unit = _OOXML_PARTS[extension]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        archive.writestr(small, b'<?xml version="1.0"?><root/>')
        chunk = unit * (1024 * 1024 // len(unit))
        with archive.open(huge, "w", force_zip64=True) as part:
            for _ in range(unpacked_mb):
                part.write(chunk)
    return buffer.getvalue()
