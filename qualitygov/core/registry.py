"""What the apps contribute to the shell: navigation entries, home-page cards, inbox sources, demo
loaders, the global search's result groups, and the resolver that turns a user's grants into scopes.

`core` names no app. Each app registers its contributions in its `AppConfig.ready()`; registering
the same key twice replaces the entry (so a second `ready()` is harmless). Readers get the entries
sorted by `order`, then key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

#: The navigation bar's dropdown menus: key → label. A menu stands where its first entry (by order)
#: would stand; "admin" (更多) always comes last.
NAV_MENUS: dict[str, Any] = {
    "cycle": _("Yearly work"),
    "assessment": _("Assessment and evaluation"),
    "regulation": _("Regulatory data"),
    "admin": _("More"),
}


@dataclass(frozen=True)
class NavEntry:
    """One item of the navigation bar, shown only to users whose access rule allows it.

    The entry lights on its own URL and below it (the longest matching URL wins, so "/progress/"
    does not light on "/progress/board/"); `active_url_names` are further URL names ("app:name")
    that light it, for pages outside its prefix or under another entry's prefix ("progress:
    work_item_list" under the board). A page lights at most one entry.
    `badge` is a dotted path to `f(request) -> int` (e.g. unread notices) shown next to the label
    when not zero; it runs on every page, so it must be one cheap query.
    """

    key: str
    label: Any
    url_name: str
    rule: str
    order: int = 100
    active_url_names: tuple[str, ...] = ()
    badge: str = ""
    menu: str = ""  # a key of NAV_MENUS: listed under that dropdown instead of on the bar itself
    #: dotted path to `f(user) -> bool`, a further check for pages whose view needs more than the rule
    #: (a scope); the entry is hidden when it answers False, so the bar never links to a 404.
    visible: str = ""

    def badge_count(self, request) -> int:
        return import_string(self.badge)(request) if self.badge else 0

    def visible_to(self, user) -> bool:
        return import_string(self.visible)(user) if self.visible else True


@dataclass(frozen=True)
class HomeCard:
    """A card on the signed-in home page.

    `context` is a dotted path to `f(request) -> dict | None`; None hides the card for that user.
    The card renders `template` with that dict (plus `request` and `user`). `query_budget` is the
    most queries the card may run; the home-page test holds each card to it.
    """

    key: str
    template: str
    context: str
    order: int = 100
    query_budget: int = 10

    def build(self, request) -> dict | None:
        return import_string(self.context)(request)


@dataclass(frozen=True)
class DemoLoader:
    """A step of `qualitygov demo`: `load` is a dotted path to `f() -> summary`; steps run by `order`."""

    key: str
    load: str
    order: int = 100

    def run(self) -> Any:
        return import_string(self.load)()


@dataclass(frozen=True)
class PageLink:
    """A button a higher app puts on a lower app's page (the plan list's "import a plan", a task's
    "progress reports"), so the lower app's template names no higher app.

    `page` names the page (its URL name). `allowed` is a dotted path to `f(user) -> bool` (empty:
    everyone who sees the page). With `object_arg` the URL is reversed with the page object's pk.
    """

    key: str
    page: str
    label: Any
    url_name: str
    order: int = 100
    allowed: str = ""
    object_arg: bool = False
    primary: bool = False
    testid: str = ""

    def allows(self, user) -> bool:
        return not self.allowed or bool(import_string(self.allowed)(user))


#: The inbox's sections: what the user's units must file, what was returned to them, what they decide,
#: and (for readers such as leaders) what asks for their attention without waiting for an action.
INBOX_DUE, INBOX_RETURNED, INBOX_REVIEW, INBOX_READ = "due", "returned", "review", "read"
INBOX_SECTIONS = (INBOX_DUE, INBOX_RETURNED, INBOX_REVIEW, INBOX_READ)


@dataclass(frozen=True)
class InboxItem:
    """One line of the inbox: `title` links to `url`; `kind` says what it is (a translated label),
    `detail` why it is there (unit, reason, date). `overdue` marks it red."""

    section: str
    kind: str
    title: str
    url: str
    detail: str = ""
    due_date: Any = None
    overdue: bool = False


@dataclass(frozen=True)
class InboxSource:
    """An app's contribution to the inbox: `items` is a dotted path to `f(user, limit) -> list[InboxItem]`
    returning at most `limit` items of each kind, in a fixed number of queries."""

    key: str
    items: str
    order: int = 100

    def collect(self, user, limit: int) -> list[InboxItem]:
        return list(import_string(self.items)(user, limit))


@dataclass(frozen=True)
class DailyJob:
    """A scheduled job that should run every day; each run writes one audit event `event`.

    `/healthz` reports the age of the newest such event ("job lag") and calls the platform
    degraded when it is older than `max_age_hours` or when the job never ran. `run` is the dotted
    path of the job function `f(job) -> dict` that `qualitygov worker` runs once a day as a
    background job titled `label` (core.worker).
    """

    key: str
    event: str
    max_age_hours: int = 26
    order: int = 100
    run: str = ""
    label: Any = ""


@dataclass(frozen=True)
class SearchHit:
    """One result of the global search: what it is called, where it is, a line of context."""

    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchSource:
    """A result group of the global search (`/search/?q=`), provided by the app that owns the rows.

    `search` is a dotted path to `f(*, user, q: str, limit: int) -> (hits, total)`: at most `limit`
    `SearchHit`s of what `user` may see (through the app's `visible_to` selector) and how many match
    in all. `list_url_name` is the app's list page, opened with `?q=` for "all results".
    """

    key: str
    label: Any
    search: str
    order: int = 100
    list_url_name: str = ""

    def run(self, *, user, q: str, limit: int) -> tuple[list[SearchHit], int]:
        return import_string(self.search)(user=user, q=q, limit=limit)


_nav: dict[str, NavEntry] = {}
_links: dict[str, PageLink] = {}
_cards: dict[str, HomeCard] = {}
_demo: dict[str, DemoLoader] = {}
_hooks: dict[str, str] = {}
_daily_jobs: dict[str, DailyJob] = {}
_search: dict[str, SearchSource] = {}
_inbox: dict[str, InboxSource] = {}
_notice_kinds: dict[str, Any] = {}


def _sorted(entries: dict) -> list:
    return sorted(entries.values(), key=lambda e: (e.order, e.key))


def register_nav(entry: NavEntry) -> None:
    _nav[entry.key] = entry


def register_home_card(card: HomeCard) -> None:
    _cards[card.key] = card


def register_demo_loader(loader: DemoLoader) -> None:
    _demo[loader.key] = loader


def register_page_link(link: PageLink) -> None:
    _links[link.key] = link


def page_links(page: str) -> list[PageLink]:
    return [link for link in _sorted(_links) if link.page == page]


def nav_entries() -> list[NavEntry]:
    return _sorted(_nav)


def home_cards() -> list[HomeCard]:
    return _sorted(_cards)


def demo_loaders() -> list[DemoLoader]:
    return _sorted(_demo)


def register_daily_job(job: DailyJob) -> None:
    _daily_jobs[job.key] = job


def daily_jobs() -> list[DailyJob]:
    return _sorted(_daily_jobs)


def register_search_source(source: SearchSource) -> None:
    _search[source.key] = source


def search_sources() -> list[SearchSource]:
    return _sorted(_search)


def register_inbox_source(source: InboxSource) -> None:
    _inbox[source.key] = source


def inbox_sources() -> list[InboxSource]:
    return _sorted(_inbox)


def register_notice_kind(kind: str, label: Any) -> None:
    """Name a kind of notice an app sends (`Notification.kind`), for the user's 通知设置 page."""
    _notice_kinds[kind] = label


def notice_kinds() -> list[tuple[str, Any]]:
    """(kind, label) of every registered notice kind, in registration order."""
    return list(_notice_kinds.items())


#: Hooks a lower layer calls without importing the app that provides them.
SCOPE_RESOLVER = "scope_resolver"  # f(user, action) -> Scope: the units where the user may act
DEMO_LOGINS = "demo_logins"  # f() -> [(username, password, description)]
#: f(unit_ids, start, end) -> [(unit_id, attendance_pk, label, url_name, url_args)]: absences from the
#: leading group's meetings held from start to end (both included), for the assessment's inputs.
MEETING_ABSENCES = "meeting_absences"
#: f(names, unit_ids, start, end) -> [(unit_id, name, record_pk, label, url_name, url_args)]: the records
#: behind named register counts ("registers.awards_won", "registers.brand_certificates"…) of each unit
#: dated from start to end (both included), for the assessment's inputs.
REGISTER_COUNTS = "register_counts"
HOOKS = (SCOPE_RESOLVER, DEMO_LOGINS, MEETING_ABSENCES, REGISTER_COUNTS)


def register_hook(name: str, dotted: str) -> None:
    """Name the function that provides hook `name` (one provider per hook; the last one wins)."""
    if name not in HOOKS:
        raise ValueError(f"unknown hook {name!r}")
    _hooks[name] = dotted


def hook(name: str) -> Callable:
    """The function registered for `name`; LookupError when no installed app provides it."""
    try:
        return import_string(_hooks[name])
    except KeyError:
        raise LookupError(f"no installed app provides the {name!r} hook") from None
