"""What a person sees of a page or an .xlsx export, and the raw codes (snake_case, dotted names) in it.

Shared by tests/test_visible_codes.py (every page of the permission-matrix walk) and the app tests
that check one page or export. "Visible text" is the text of the document without `<script>`,
`<style>`, `<template>`, attributes, and elements marked `translate="no"` or `<code>`/`<kbd>`: those
hold text that is meant to be shown verbatim (a command an operator types, the stored JSON of an
audit event under "Stored data (JSON)"), which the HTML standard marks as not to be translated.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from html.parser import HTMLParser

#: A snake_case name (`overdue_long`, `as_of`) or a dotted one (`accounts.user`, `indicator.status_change`).
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z][a-z0-9]+(?:\.[a-z_][a-z0-9_]+)+\b")

#: Text that may look like a code but is not one: e-mail addresses, URLs and file names.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+")
FILE_EXTENSIONS = frozenset({
    "xlsx", "xls", "docx", "doc", "wps", "pdf", "txt", "html", "htm", "csv", "json", "yaml", "yml",
    "png", "jpg", "jpeg", "gif", "svg", "zip", "gz", "md",
})
#: Elements whose content is never shown, or is shown verbatim on purpose (see the module docstring).
HIDDEN = frozenset({"script", "style", "template", "head", "code", "kbd", "samp"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # per open element: its tag, whether its content is hidden
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in VOID:
            return
        hidden = self._hidden() or tag in HIDDEN or dict(attrs).get("translate") == "no"
        self.stack.append((tag, hidden))

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_startendtag(self, tag: str, attrs) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        # Like an HTML parser: an end tag closes its element and any left open inside it (<li>, <p>).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (whitespace collapsed); the `<title>` is in `<head>` and counted
    separately by `page_texts`."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def page_texts(html: str) -> list[str]:
    """The visible body text and the window title (the title bar shows it too)."""
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    return [visible_text(html)] + ([visible_text(title.group(1))] if title else [])


def codes_in(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The raw codes in `text`, in order, less e-mail addresses, URLs, file names and the `allowed` words."""
    allowed = set(allowed)
    text = URL.sub(" ", EMAIL.sub(" ", text))
    found = []
    for match in CODE.finditer(text):
        word = match.group(0)
        if word in allowed:
            continue
        if "." in word and word.rsplit(".", 1)[1] in FILE_EXTENSIONS:
            continue
        found.append(word)
    return found


def workbook_texts(content: bytes) -> list[str]:
    """Every text an .xlsx shows: sheet titles and string cells."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    texts = []
    for sheet in book.worksheets:
        texts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            texts.extend(value for value in row if isinstance(value, str))
    book.close()
    return texts
