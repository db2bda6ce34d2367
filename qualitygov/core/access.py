"""Access rules that every URL declares.

A view declares one rule; `tests` walk every URL and fail on a view without one.
- `PUBLIC`: anyone, signed in or not (portal pages, login).
- `LOGIN`: any signed-in user; object-level scope is applied by selectors (404 outside scope).
- `action:<name>`: the user must hold a role allowing that action somewhere; otherwise 404,
  so a page the user may not use looks the same as one that does not exist.
- `action:<a>|<b>`: any one of several actions (`action_rule(a, b)`; `any_action_rule` names the
  same for navigation entries).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import Http404

from .scoping import can

ACCESS_ATTR = "access_rule"
PUBLIC = "public"
LOGIN = "login"


def action_rule(*actions: str) -> str:
    """`action:X`, or `action:X|Y` for a page that a role allowing any of the actions may use."""
    return "action:" + "|".join(actions)


def any_action_rule(*actions: str) -> str:
    """A rule met by a user holding any one of `actions` somewhere (for navigation entries: the inbox
    is shown to whoever files, reviews, approves or manages something)."""
    return "action:" + "|".join(actions)


def rule_allows(rule: str, user) -> bool:
    if rule == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if rule == LOGIN:
        return True
    if rule.startswith("action:"):
        return any(can(user, action) for action in rule.split(":", 1)[1].split("|"))
    raise ValueError(f"unknown access rule {rule!r}")


def access(rule: str) -> Callable:
    """Declare and enforce a function view's access rule."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if rule != PUBLIC and not request.user.is_authenticated:
                # LoginRequiredMiddleware already redirected anonymous users; keep this as a second lock.
                raise Http404
            if not rule_allows(rule, request.user):
                raise Http404
            return view(request, *args, **kwargs)

        setattr(wrapped, ACCESS_ATTR, rule)
        if rule == PUBLIC:
            wrapped = login_not_required(wrapped)
        return wrapped

    return decorate


class AccessMixin:
    """Class-based views: set `access_rule`; `dispatch` enforces it."""

    access_rule: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.access_rule:
            raise RuntimeError(f"{type(self).__name__} declares no access_rule")
        if not rule_allows(self.access_rule, request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def declared_rule(callback) -> str | None:
    """The access rule a resolved URL callback declares, or None."""
    rule = getattr(callback, ACCESS_ATTR, None)
    if rule:
        return rule
    for holder in ("view_class", "cls"):
        klass = getattr(callback, holder, None)
        if klass is not None and getattr(klass, ACCESS_ATTR, None):
            return klass.access_rule
    initkwargs = getattr(callback, "initkwargs", None) or {}
    return initkwargs.get(ACCESS_ATTR)
