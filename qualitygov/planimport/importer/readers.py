"""Read a plan file (.txt, .html, .docx) into text.

Contract: ``read_plan_file(path) -> str`` returns decoded text or raises ``PlanReadError`` with one
Chinese line; it never reads more than ``MAX_BYTES`` + 1 bytes of a file.
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
        raise PlanReadError("不支持 PDF 文件，请提供 .txt、.html 或 .docx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise PlanReadError("不支持旧版 Word（.doc）文件，请另存为 .docx")
    if data.startswith(b"PK\x03\x04") or ext == ".docx":
        text = _read_docx(data)
    elif ext in {".html", ".htm", ".shtml", ".xhtml"} or _HTML_SNIFF.match(data[:4096]):
        text = html_to_text(_decode(data, _meta_charset(data)))
    else:
        text = _decode(data)
    if not text.strip():
        raise PlanReadError("文件中没有可读的文字")
    return text


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
