"""A minimal text-layer PDF writer for tests: pages of lines, CJK text through a ToUnicode map.

The font is not embedded (a viewer draws boxes); the text layer is what an importer reads, and it is
exactly the lines given. ``text_pdf([[line, ...], ...])`` returns the bytes of a PDF with one page per
list. ``image_only_pdf()`` is a page with no text at all, like a scan.
"""

from __future__ import annotations


def _cmap(chars: list[str]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for start in range(0, len(chars), 100):
        chunk = chars[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for offset, ch in enumerate(chunk):
            code = start + offset + 1
            lines.append(f"<{code:04X}> <{ch.encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def text_pdf(pages: list[list[str]], *, size: int = 12) -> bytes:
    """A PDF whose page k shows the lines of ``pages[k]`` top to bottom."""
    chars = sorted({ch for page in pages for line in page for ch in line})
    code = {ch: i + 1 for i, ch in enumerate(chars)}
    # 1 catalog, 2 pages, 3 font, 4 descendant, 5 cmap, then content+page per page.
    n = len(pages)
    kids = " ".join(f"{7 + 2 * k} 0 R" for k in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] "
        b"/ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /DW 1000 /CIDToGIDMap /Identity >>",
        _stream(_cmap(chars)),
    ]
    for k, page in enumerate(pages):
        ops = [f"BT /F1 {size} Tf {size * 1.5:.1f} TL 50 800 Td".encode()]
        for line in page:
            hexed = "".join(f"{code[ch]:04X}" for ch in line)
            ops.append(f"<{hexed}> Tj T*".encode())
        ops.append(b"ET")
        objects.append(_stream(b"\n".join(ops)))
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {6 + 2 * k} 0 R "
                       f"/Resources << /Font << /F1 3 0 R >> >> >>".encode())
    return _assemble(objects)


def image_only_pdf(pages: int = 1) -> bytes:
    """A PDF of blank pages drawn with a filled rectangle: no text layer, as a scan."""
    kids = " ".join(f"{4 + 2 * k} 0 R" for k in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    content = _stream(b"0.5 g 50 50 495 742 re f")
    for k in range(pages):
        objects.append(content)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {3 + 2 * k} 0 R >>".encode())
    return _assemble(objects)
