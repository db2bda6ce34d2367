"""The shared PDF base (`core.io_pdf`): CJK text embedded and extractable, the official page, no fetches."""

from __future__ import annotations

import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from qualitygov.core import io_pdf
from qualitygov.core.io_pdf import PdfDocument, PdfUnavailable, html_to_pdf
from qualitygov.core.testing import pdf_fonts, pdf_text


def _sample(**kwargs) -> bytes:
    doc = PdfDocument(**kwargs)
    doc.title("质量强区工作进展通报")
    doc.paragraph("<b>区经信局</b>：得分93.5分。")
    doc.table(["名次", "单位", "得分"], ["组别：部门", ["1", "区经信局", "93.50"], ["2", ("区住建局", "#C00000"), "70.00"]],
              widths=[1, 3, 1], numeric=(0, 2))
    return doc.pdf_bytes()


def test_the_chinese_text_reads_back_exactly_and_the_cjk_fonts_are_embedded():
    data = _sample()
    assert data.startswith(b"%PDF-")
    # Markup in a text is text: escaped, never interpreted.
    assert pdf_text(data) == ["质量强区工作进展通报", "<b>区经信局</b>：得分93.5分。", "名次 单位 得分", "组别：部门",
                              "1 区经信局 93.50", "2 区住建局 70.00", "— 1 —"]
    # Noto CJK (fonts-noto-cjk) is the floor: serif for the title, body and tables, sans for headers.
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"} <= pdf_fonts(data)
    assert PdfReader(io.BytesIO(data)).metadata.title == "质量强区工作进展通报"


@pytest.mark.parametrize(("landscape", "size"), [(False, (595, 842)), (True, (842, 595))])
def test_a4_portrait_or_landscape(landscape, size):
    box = PdfReader(io.BytesIO(_sample(landscape=landscape))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_page_numbers_on_every_page():
    doc = PdfDocument()
    doc.title("页码")
    for n in range(60):
        doc.paragraph(f"第{n}段。")
    reader = PdfReader(io.BytesIO(doc.pdf_bytes()))
    assert len(reader.pages) == 3
    assert [page.extract_text().splitlines()[-1] for page in reader.pages] == ["— 1 —", "— 2 —", "— 3 —"]


def test_nothing_is_fetched_even_from_raw_markup():
    """html_to_pdf takes trusted markup; should an image or stylesheet URL reach it, the fetcher refuses it
    and the local server behind the URL receives no request."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        data = html_to_pdf(f'<link rel="stylesheet" href="{url}/s.css"><p>正文</p><img src="{url}/a.png">',
                           title="t")
    finally:
        server.shutdown()
        server.server_close()
    assert (hits, pdf_text(data)) == ([], ["正文", "— 1 —"])
    with pytest.raises(ValueError):
        io_pdf.refuse_urls("file:///etc/passwd")


def test_without_a_chinese_font_it_says_so(monkeypatch):
    monkeypatch.setattr(io_pdf.shutil, "which", lambda name: None)
    io_pdf.pdf_missing.cache_clear()
    try:
        with pytest.raises(PdfUnavailable, match="fonts-noto-cjk"):
            _sample()
    finally:
        monkeypatch.undo()
        io_pdf.pdf_missing.cache_clear()
    assert io_pdf.pdf_unavailable_reason() == ""
