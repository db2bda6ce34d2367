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


def pdf_text(data: bytes) -> list[str]:
    """The text lines of every page of a PDF, as pypdf extracts them (the ToUnicode maps of the
    embedded fonts): what a reader who copies or searches the PDF gets."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [line for page in reader.pages for line in page.extract_text().splitlines()]


def pdf_fonts(data: bytes) -> set[str]:
    """The base names of the fonts embedded in a PDF, without the subset prefix ("ABCDEF+")."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            if "/FontDescriptor" in target and any(
                    key in target["/FontDescriptor"] for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names
