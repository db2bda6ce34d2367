"""`/help/`: the Chinese user guide, rendered from docs/user-guide.md (see `core.help`)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from .access import PUBLIC, access
from .help import guide_html


@require_GET
@access(PUBLIC)
def help_page(request):
    """The user guide, one page with an anchor per section. Public: the sign-in page links to it too, and
    the guide holds nothing that is not in the source distribution."""
    rendered = guide_html()
    if rendered is None:
        raise Http404("the user guide is not installed")
    html, anchors = rendered
    # Safe: the guide is our own file, rendered with raw HTML switched off (markdown-it escapes it).
    return render(request, "core/help.html", {"guide": mark_safe(html), "anchors": anchors})
