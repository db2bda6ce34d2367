"""The Chinese user guide (docs/user-guide.md) as a page of the app, and which section each page's 帮助 link opens.

The guide is Markdown (CommonMark, raw HTML off: it is rendered as text, never trusted as markup).
A heading may end with an explicit anchor, `## 三、领导 {#leaders}`; the anchor becomes the heading's
`id` and the `{#…}` is not shown. Headings without one get `section-N`.

`help_anchor(url_name)` maps a page's URL name ("progress:finding_list") to its section by the longest
matching prefix in `HELP_SECTIONS`; a page no entry covers opens the guide at the top.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

#: URL name prefix → the guide's anchor for pages under it. The longest matching prefix wins.
HELP_SECTIONS: dict[str, str] = {
    "core:home": "top",
    "core:notification": "notifications",
    "core:help": "top",
    "core:notification_settings": "notification-settings",
    "core:calendar": "calendar",
    "core:job": "jobs",
    "core:search": "search",
    "accounts:robot": "robots",
    "accounts:unit_robot": "robots",
    "leadership:": "leadership",
    "upperreports:": "upper-reports",
    "sampling:": "sampling",
    "regdash:": "regulatory-dashboard",
    "registers:": "registers",
    "onestop:": "onestop",
    "registry:": "registry",
    "portal:": "public-disclosure",
    "opendata:": "open-data",
    "feeds:": "feeds",
    "summaries:": "summaries",
    "workplans:": "workplans",
    "assessments:": "assessment",
    "assessments:round": "assessment-rounds",
    "assessments:sheet": "assessment-rounds",
    "assessments:entry_": "assessment-rounds",
    "assessments:objection_": "assessment-rounds",
    "accounts:login": "sign-in",
    "accounts:logout": "sign-in",
    "accounts:password": "sign-in",
    "accounts:two_step": "sign-in",
    "accounts:token": "api",
    "accounts:": "org-users",
    "plans:": "plan-import",
    "plans:unit_tasks": "liaisons",
    "planimport:": "plan-import",
    "indicators:": "indicators",
    "indicators:unit_": "liaisons",
    "indicators:observation_entry": "liaisons",
    "indicators:excel_": "liaisons",
    "progress:": "progress",
    "progress:part_": "liaisons",
    "audit:": "audit",
    "api-": "api",
}

_ANCHOR = re.compile(r"\s*\{#([a-z][a-z0-9-]*)\}\s*$")
#: Chinese characters and full-width punctuation: a line break between two of them is no space.
_WIDE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’…—]")


def guide_path() -> Path:
    """Where the guide is read from: settings.QUALITYGOV_USER_GUIDE, by default docs/user-guide.md."""
    return Path(getattr(settings, "QUALITYGOV_USER_GUIDE", settings.BASE_DIR / "docs" / "user-guide.md"))


def help_anchor(url_name: str | None) -> str:
    """The guide's anchor for the page named `url_name` ("namespace:name"); "top" when none applies."""
    if not url_name:
        return "top"
    matches = [prefix for prefix in HELP_SECTIONS if url_name.startswith(prefix)]
    return HELP_SECTIONS[max(matches, key=len)] if matches else "top"


def _heading_anchors(md) -> None:
    """A core rule: `{#id}` at the end of a heading becomes its id; other headings get `section-N`."""

    def rule(state) -> None:
        count = 0
        tokens = state.tokens
        for i, token in enumerate(tokens):
            if token.type != "heading_open":
                continue
            count += 1
            inline = tokens[i + 1]
            match = _ANCHOR.search(inline.content)
            anchor = f"section-{count}"
            if match:
                anchor = match.group(1)
                inline.content = inline.content[:match.start()]
                if inline.children:
                    last = inline.children[-1]
                    last.content = _ANCHOR.sub("", last.content)
            token.attrSet("id", anchor)

    md.core.ruler.push("heading_anchors", rule)


def _wide_softbreaks(md) -> None:
    """A line break inside a Chinese paragraph joins the lines without a space (HTML would show one)."""
    default = md.renderer.rules.get("softbreak")

    def softbreak(tokens, idx, options, env) -> str:
        before = tokens[idx - 1].content[-1:] if idx > 0 else ""
        after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) else ""
        if _WIDE.match(before or " ") or _WIDE.match(after or " "):
            return ""
        return default(tokens, idx, options, env) if default else "\n"

    md.renderer.rules["softbreak"] = softbreak


@lru_cache(maxsize=4)
def _render(text: str) -> tuple[str, tuple[str, ...]]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    _heading_anchors(md)
    _wide_softbreaks(md)
    html = md.render(text)
    return html, tuple(re.findall(r'<h[1-6] id="([^"]+)"', html))


def guide_html() -> tuple[str, tuple[str, ...]] | None:
    """The rendered guide and its anchors in order; None when the guide file is not installed."""
    path = guide_path()
    if not path.is_file():
        return None
    return _render(path.read_text(encoding="utf-8"))
