"""The signed-in user's notices (通知): list, mark one or all read, open the item a notice is about.

Only the user's own rows are ever read or changed; another user's notice answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .access import LOGIN, access
from .errors import NotFoundError
from .lists import Column, Export, ListSpec, list_page
from .notifications import (
    notification_list_own,
    notification_mark_all_read,
    notification_mark_read,
    notification_unread_count,
)

PAGE_SIZE = 50


def unread_badge(request) -> int:
    """The navigation badge: how many notices the user has not read (one COUNT query)."""
    return notification_unread_count(user=request.user)


def _notice_rows(notices):
    for notice in notices:
        yield [notice.subject, notice.body, notice.created_at, notice.read, notice.read_at]


NOTIFICATION_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Unread first"), "unread", ("read", "-created_at")),
        Column(gettext_lazy("Time"), "created", ("created_at",)),
    ],
    default_sort="unread",
    page_size=PAGE_SIZE,
    export=Export(filename="通知", sheet="通知", header=["标题", "内容", "时间", "已读", "阅读时间"],
                  rows=_notice_rows, widths=[40, 60, 18, 6, 18]),
)


@access(LOGIN)
def notification_list(request):
    """The user's notices, unread first then newest first; `?unread=1` shows only the unread; pages; export."""
    unread_only = request.GET.get("unread") in {"1", "true"}
    qs = notification_list_own(user=request.user, unread=True if unread_only else None)
    lst = list_page(request, qs, NOTIFICATION_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "core/notifications.html", {
        "lst": lst,
        "page": lst.page,
        "unread_only": unread_only,
        "unread_count": notification_unread_count(user=request.user),
    })


def _safe_target(request, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


@access(LOGIN)
@require_POST
def notification_read(request, pk: int):
    """Mark one notice read; with `open` go on to the item it is about, else back to the list."""
    try:
        notice = notification_mark_read(recipient=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc
    if request.POST.get("open") and (target := _safe_target(request, notice.url)):
        return redirect(target)
    return redirect(_safe_target(request, request.POST.get("next", "")) or reverse("core:notification_list"))


@access(LOGIN)
@require_POST
def notification_read_all(request):
    """Mark every unread notice of the user read."""
    count = notification_mark_all_read(recipient=request.user)
    messages.success(request, _("%(n)s notifications marked as read.") % {"n": count})
    return redirect(reverse("core:notification_list"))
