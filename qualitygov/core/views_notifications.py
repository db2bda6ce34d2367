"""The signed-in user's notices (通知): list, mark one or all read, open the item a notice is about;
and the user's notification settings (通知设置): e-mail on or off, and for which kinds of notice.

Only the user's own rows are ever read or changed; another user's notice answers 404.
"""

from __future__ import annotations

from django import forms
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
    notification_preference_get,
    notification_preference_set,
    notification_unread_count,
)
from .registry import notice_kinds

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


class NotificationSettingsForm(forms.Form):
    """E-mail on or off, and one switch per registered kind of notice (checked: e-mail for it)."""

    email = forms.BooleanField(label=_("Also send my notices by e-mail"), required=False)
    kinds = forms.MultipleChoiceField(label=_("Send e-mail for these notices"), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(kind, label) for kind, label in notice_kinds()]


@access(LOGIN)
def notification_settings(request):
    """The user's own notification settings. In-app notices are always kept; these switches decide
    which of them also go out by e-mail. A unit's group robots are set up on the unit's page."""
    pref = notification_preference_get(user=request.user)
    all_kinds = [kind for kind, _label in notice_kinds()]
    initial = {"email": pref.email, "kinds": [k for k in all_kinds if k not in (pref.email_off_kinds or [])]}
    # Everything unticked posts no field at all: bind on the method, not on a non-empty body.
    form = NotificationSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["kinds"])
        notification_preference_set(user=request.user, email=form.cleaned_data["email"],
                                    email_off_kinds=[k for k in all_kinds if k not in chosen])
        messages.success(request, _("Notification settings saved."))
        return redirect(reverse("core:notification_settings"))
    return render(request, "core/notification_settings.html", {"form": form, "has_email": bool(request.user.email)})
