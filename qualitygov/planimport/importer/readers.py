"""Read a plan file (.txt, .html, .docx, text-layer .pdf) into text.

Contract: ``read_plan_file(path) -> str`` returns decoded text or raises ``PlanReadError`` with one
Chinese line; it never reads more than ``MAX_BYTES`` + 1 bytes of a file. A PDF is read through
pypdf (ADR 0007) page by page, at most ``MAX_PDF_PAGES`` pages and ``MAX_PDF_CHARS`` characters;
its running headers, footers and page numbers are dropped and lines wrapped at the page width are
rejoined. A PDF without a text layer (a scan) is refused with a message, never read as garbage.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
from html.parser import HTMLParser

from .errors import PlanReadError

MAX_BYTES = 20 * 1024 * 1024
#: A plan runs to tens of pages; more than this is not a plan (or a hostile file).
MAX_PDF_PAGES = 300
#: Extracted text beyond this is refused (a plan is well under 200 000 characters).
MAX_PDF_CHARS = 2_000_000

_HTML_SNIFF = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p)\b", re.I | re.S)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def read_plan_file(path: str | os.PathLike[str]) -> str:
    """Return the text of the plan file at ``path``; raise ``PlanReadError`` when it is unusable."""
    path = os.fspath(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise PlanReadError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise PlanReadError(f"无法访问文件：{path}（{exc.strerror or exc}）") from None
    if not os.path.isfile(path):
        raise PlanReadError(f"不是普通文件：{path}")
    if st.st_size > MAX_BYTES:
        raise PlanReadError(f"文件过大：{st.st_size // (1024 * 1024)} MB，超过 {MAX_BYTES // (1024 * 1024)} MB 上限")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise PlanReadError(f"无法读取文件：{path}（{exc.strerror or exc}）") from None
    return read_plan_bytes(data, filename=path)


def read_plan_bytes(data: bytes, *, filename: str = "") -> str:
    """Decode ``data`` by its format (sniffed, with the file extension as a hint)."""
    if len(data) > MAX_BYTES:
        raise PlanReadError(f"文件过大：超过 {MAX_BYTES // (1024 * 1024)} MB 上限")
    if not data.strip():
        raise PlanReadError("文件为空")
    ext = os.path.splitext(filename)[1].lower()
    if data.startswith(b"%PDF"):
        text = read_pdf(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or ext in {".doc", ".wps"}:
        raise PlanReadError(OLD_WORD_MESSAGE)
    elif data.startswith(b"PK\x03\x04") or ext == ".docx":
        text = _read_docx(data)
    elif ext in {".html", ".htm", ".shtml", ".xhtml"} or _HTML_SNIFF.match(data[:4096]):
        text = html_to_text(_decode(data, _meta_charset(data)))
    else:
        text = _decode(data)
    if not text.strip():
        raise PlanReadError("文件中没有可读的文字")
    return text


OLD_WORD_MESSAGE = "不支持旧版 Word（.doc）或 WPS（.wps）文件：请在 Word 或 WPS 中“另存为”.docx 后再导入"
SCANNED_PDF_MESSAGE = ("这个 PDF 没有文字层（可能是扫描件或图片），无法读取文字：请提供带文字的 PDF、"
                       "Word（.docx）或网页版本，或先做文字识别（OCR）后再导入")
_HANZI_RE = re.compile(r"[\u4e00-\u9fff]")
_PAGE_NUMBER = re.compile(r"^\s*(?:[—\-－–]\s*\d{1,4}\s*[—\-－–]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
                          r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*$")
_PDF_TERMINAL = "。；：！？…”）》】;:!?"
_PDF_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|\d{1,3}[.．、]|[（(]\d{1,3}[）)]|附件)")


def read_pdf(data: bytes) -> str:
    """The text of a text-layer PDF, page furniture removed and wrapped lines rejoined."""
    try:
        import pypdf
        from pypdf.errors import PdfReadError

        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PlanReadError("PDF 文件已加密，无法读取：请提供未加密的版本")
        count = len(reader.pages)
    except PlanReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, NotImplementedError) as exc:
        raise PlanReadError(f"无法读取 PDF 文件：{type(exc).__name__}") from None
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise PlanReadError(f"无法读取 PDF 文件：{type(exc).__name__}") from None
    if count == 0:
        raise PlanReadError("PDF 文件没有页面")
    if count > MAX_PDF_PAGES:
        raise PlanReadError(f"PDF 文件有 {count} 页，超过 {MAX_PDF_PAGES} 页上限，不像一份实施方案")
    pages: list[list[str]] = []
    total = 0
    for page in reader.pages:
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # one damaged page stops the read with a message
            raise PlanReadError(f"无法读取 PDF 第 {len(pages) + 1} 页：{type(exc).__name__}") from None
        total += len(text)
        if total > MAX_PDF_CHARS:
            raise PlanReadError(f"PDF 文件的文字超过 {MAX_PDF_CHARS // 10000} 万字上限，不像一份实施方案")
        pages.append([line.strip() for line in text.replace("\r", "\n").split("\n")])
    if len(_HANZI_RE.findall("".join("".join(p) for p in pages))) < 20:
        raise PlanReadError(SCANNED_PDF_MESSAGE)
    return "\n".join(_unwrap_pdf_lines(_drop_page_furniture(pages)))


def _drop_page_furniture(pages: list[list[str]]) -> list[str]:
    """Page numbers anywhere at a page's edge, and a line repeated at the top or bottom of most pages."""
    edges: dict[str, int] = {}
    for page in pages:
        body = [line for line in page if line]
        for line in {*body[:2], *body[-2:]}:
            edges[line] = edges.get(line, 0) + 1
    running = {line for line, n in edges.items() if len(pages) >= 2 and n >= max(2, -(-len(pages) * 6 // 10))}
    out: list[str] = []
    for page in pages:
        body = [line for line in page if line]
        for k, line in enumerate(body):
            at_edge = k < 2 or k >= len(body) - 2
            if at_edge and (_PAGE_NUMBER.match(line) or line in running):
                continue
            out.append(line)
    return out


def _unwrap_pdf_lines(lines: list[str]) -> list[str]:
    """Join a line that fills the text width and does not end a sentence with the line after it.

    The width is the commonest length among the longest lines; a wrapped line is within two
    characters of it. Headings (一、（一）1.) never continue the line before.
    """
    lengths = sorted((len(line) for line in lines if len(line) >= 12), reverse=True)
    if len(lengths) < 3:
        return lines
    top = lengths[: max(3, len(lengths) // 3)]
    width = max(set(top), key=top.count)
    out: list[str] = []
    joining = False
    for line in lines:
        if joining and not _PDF_NUMBERED.match(line):
            out[-1] += line
        else:
            out.append(line)
        last = out[-1]
        joining = len(line) >= width - 2 and last[-1] not in _PDF_TERMINAL
    return out


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode(data: bytes, hint: str | None = None) -> str:
    """Decode text bytes: BOM, then the hint, UTF-8, GB18030, then charset-normalizer's guess."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _check_text(data.decode(enc, errors="replace"))
    if b"\x00" in data[:8192]:
        raise PlanReadError("文件是二进制数据，不是文本文档")
    candidates = [hint] if hint else []
    # GBK is a subset of GB18030, so one attempt covers both.
    candidates += ["utf-8", "gb18030"]
    if hint in {"gbk", "gb2312", "hz"}:
        candidates[0] = "gb18030"
    for enc in candidates:
        try:
            return _check_text(data.decode(enc))
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # a detector failure means the same as no guess
        best = None
    if best is None or best.encoding is None:
        raise PlanReadError("无法识别文件编码，或文件不是文本文档")
    return _check_text(data.decode(best.encoding, errors="replace"))


def _check_text(text: str) -> str:
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
        raise PlanReadError("文件是二进制数据，不是文本文档")
    return text


def _read_docx(data: bytes) -> str:
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlanReadError(f"无法读取 Word 文档（.docx）：{type(exc).__name__}") from None
    except Exception as exc:  # python-docx raises assorted errors on damaged packages
        raise PlanReadError(f"无法读取 Word 文档（.docx）：{type(exc).__name__}") from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")))
                    lines.append("\t".join(cells))
    return "\n".join(lines)


_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
    "ul", "ol", "dd", "dt", "dl", "header", "footer", "blockquote", "pre", "hr", "title", "center",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append("\t")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        # The page <title> duplicates the headline and usually carries the site name: drop it.
        if self.skip or self.in_title:
            return
        self.parts.append(data.replace("\r", "").replace("\n", " "))


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block element per line."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; anything else means the markup is hopeless
        raise PlanReadError("无法解析 HTML 文件") from None
    return "".join(parser.parts)
