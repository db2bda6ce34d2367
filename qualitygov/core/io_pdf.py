"""The PDF base every PDF export builds on: HTML with a print stylesheet, laid out by WeasyPrint.

The page follows the official-document layout of `core.io_docx` (GB/T 9704, 党政机关公文格式): A4
portrait with margins 37/35/28/26 mm (top/bottom/left/right), or A4 landscape with 25/22 mm for wide
tables; the title in 小标宋 (served by Noto Serif CJK Bold where the official font is missing), body
text 仿宋 16 pt on a 28 pt line, tables in 宋体, page numbers "— 1 —" centred at the foot.

Fonts come from the system through fontconfig: `fonts-noto-cjk` is the floor (installed by `.ci/run`);
the official fonts win when they are installed. WeasyPrint embeds the subset of each font it uses,
with a ToUnicode map, so the text of the PDF can be searched and copied.

Nothing is fetched: `url_fetcher` refuses every URL (the stylesheet is inline, there are no images),
so a user's text that smuggles in `<img src=http://…>` cannot make the server call out; all text
goes in escaped anyway.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache

from django.utils.html import escape
from django.utils.translation import gettext as _

#: Font stacks: the official font first, Windows names next, Noto CJK (always installed) last.
TITLE_FONTS = '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "Noto Serif CJK", serif'
BODY_FONTS = '"仿宋_GB2312", "FangSong", "STFangsong", "Noto Serif CJK SC", "Noto Serif CJK", serif'
HEADING_FONTS = '"黑体", "SimHei", "Noto Sans CJK SC", "Noto Sans CJK", sans-serif'
SUBHEADING_FONTS = '"楷体_GB2312", "KaiTi", "STKaiti", "Noto Serif CJK SC", "Noto Serif CJK", serif'
TABLE_FONTS = '"宋体", "SimSun", "Noto Serif CJK SC", "Noto Serif CJK", serif'

STYLESHEET = """
@page { size: A4 %(orientation)s; margin: %(margins)s;
  @bottom-center { content: "— " counter(page) " —"; font-family: %(table)s; font-size: 14pt; } }
html { font-family: %(body)s; font-size: 16pt; line-height: 28pt; color: #000; }
body { margin: 0; }
h1 { font-family: %(title)s; font-size: 22pt; line-height: 1.4; font-weight: bold; text-align: center;
     margin: 0 0 14pt; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.flush { text-indent: 0; }
p.centre { text-indent: 0; text-align: center; }
p.h1 { font-family: %(heading)s; text-indent: 2em; }
p.h2 { font-family: %(subheading)s; text-indent: 2em; }
table { width: 100%%; border-collapse: collapse; margin: 6pt 0 10pt; font-family: %(table)s;
        font-size: %(table_size)s; line-height: 1.35; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: middle; text-align: left; }
th { font-family: %(heading)s; font-weight: normal; text-align: center; font-size: 0.9em; padding: 2pt 2pt; }
td.num { text-align: right; }
td.centre { text-align: center; }
tr.group td { font-family: %(heading)s; background: #f2f2f2; }
"""


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (pango) are missing on this server."""


def refuse_urls(url: str, *args, **kwargs):
    """What our fetcher does with every URL: refuse it (our documents are self-contained)."""
    raise ValueError(f"PDF export fetches nothing: {url[:80]!r} refused")


def _refusing_fetcher():
    """A WeasyPrint URLFetcher (the class API of WeasyPrint 68+) that fetches nothing: no protocol is
    allowed and `fetch` refuses; WeasyPrint then leaves the resource out and carries on."""
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            refuse_urls(url)

    return RefusingFetcher(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)


@lru_cache(maxsize=1)
def pdf_missing() -> str:
    """What this server lacks to make PDFs: "" (nothing), "pango" (WeasyPrint or its libraries) or
    "font" (no Chinese font, `fc-list :lang=zh` is empty). Cached for the life of the process."""
    try:
        import weasyprint  # noqa: F401  (fails with OSError when pango is missing)
    except (ImportError, OSError):
        return "pango"
    fc_list = shutil.which("fc-list")
    fonts = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, timeout=30).stdout.strip() \
        if fc_list else ""
    return "" if fonts else "font"


def pdf_unavailable_reason() -> str:
    """"" when PDFs can be made here; else the reason, in the active language."""
    missing = pdf_missing()
    if missing == "pango":
        return _("PDF not available: WeasyPrint or its system libraries (pango) are not installed on the server.")
    if missing == "font":
        return _("PDF not available: no Chinese font is installed on the server (install fonts-noto-cjk).")
    return ""


def html_to_pdf(body_html: str, *, title: str, landscape: bool = False, table_size: str = "12pt") -> bytes:
    """The PDF of `body_html` (a fragment of trusted markup whose text is escaped already) on the
    official page; `title` is the document's metadata title. PdfUnavailable when it cannot be made."""
    reason = pdf_unavailable_reason()
    if reason:
        raise PdfUnavailable(reason)
    import weasyprint

    css = STYLESHEET % {
        "orientation": "landscape" if landscape else "portrait",
        "margins": "25mm 22mm 22mm 22mm" if landscape else "37mm 26mm 35mm 28mm",
        "title": TITLE_FONTS, "body": BODY_FONTS, "heading": HEADING_FONTS, "subheading": SUBHEADING_FONTS,
        "table": TABLE_FONTS, "table_size": table_size,
    }
    html = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{css}</style></head><body>{body_html}</body></html>")
    return weasyprint.HTML(string=html, url_fetcher=_refusing_fetcher(),
                             base_url="about:blank").write_pdf()


class PdfDocument:
    """An official document built block by block, rendered with `pdf_bytes()`.

    Methods mirror `core.io_docx` (title, paragraph, table); every text is escaped here.
    """

    def __init__(self, *, landscape: bool = False, table_size: str = "12pt") -> None:
        self.landscape, self.table_size = landscape, table_size
        self.parts: list[str] = []
        self.doc_title = ""

    def title(self, text: str) -> None:
        self.doc_title = self.doc_title or text
        self.parts.append(f"<h1>{escape(text)}</h1>")

    def paragraph(self, text: str, *, style: str = "", colour: str = "") -> None:
        """A body paragraph; `style` "flush" (no indent), "centre", "h1" (黑体 heading), "h2" (楷体)."""
        attrs = (f' class="{style}"' if style else "") + (f' style="color:{colour}"' if colour else "")
        self.parts.append(f"<p{attrs}>{escape(text) or '&nbsp;'}</p>")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]], *,
              widths: Sequence[float] | None = None, numeric: Sequence[int] = ()) -> None:
        """A ruled table with `header` repeated on every page. A cell is a text, or (text, colour);
        a row that is a single str is a group row spanning the table; `widths` are relative."""
        cols = ""
        if widths:
            total = sum(widths)
            cols = "<colgroup>" + "".join(f'<col style="width:{w * 100 / total:.2f}%">' for w in widths) + "</colgroup>"
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = []
        for row in rows:
            if isinstance(row, str):
                body.append(f'<tr class="group"><td colspan="{len(header)}">{escape(row)}</td></tr>')
                continue
            cells = []
            for k, cell in enumerate(row):
                text, colour = cell if isinstance(cell, tuple) else (cell, "")
                attrs = (' class="num"' if k in numeric else "") + (f' style="color:{colour}"' if colour else "")
                cells.append(f"<td{attrs}>{escape(text)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        self.parts.append(f"<table>{cols}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def pdf_bytes(self) -> bytes:
        return html_to_pdf("".join(self.parts), title=self.doc_title, landscape=self.landscape,
                           table_size=self.table_size)
