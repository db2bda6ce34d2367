"""Helpers for tests of any app: generated hostile files, PDF text, a local webhook receiver."""

from __future__ import annotations

import functools
import http.server
import io
import json
import threading
import urllib.parse
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


class WebhookReceiver:
    """A local HTTP receiver for robot webhooks on 127.0.0.1 (a free port), in a thread of this process.

    Records each POST (path, query, JSON body) and answers with the next queued (status, JSON) or status
    (200 and errcode 0 when none are queued)."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict, str, dict]] = []
        self.statuses: list[int | tuple[int, dict]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(min(length, 65536))
                parts = urllib.parse.urlsplit(self.path)
                receiver.posts.append((parts.path, urllib.parse.parse_qs(parts.query), parts.query,
                                       json.loads(raw.decode())))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                status, answer = status if isinstance(status, tuple) else (status, {"errcode": 0, "errmsg": "ok"})
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.timeout = 1
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
