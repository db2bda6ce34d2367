"""The cache of what the public sees: public pages and open-data answers, made stale by any publication.

Every cached public answer is stored under a key holding the current *generation*, a counter in the
cache. Publishing or withdrawing anything calls `bump_public_cache()`, which moves the counter on: every
answer kept under the old generation is then never read again (it expires after
`PUBLIC_CACHE_SECONDS`). One counter for everything public, because one publication can change many
pages (the item's page, its lists, the home page, the feed, the API).

The counter lives in Django's cache, so it is shared by every process that shares the cache (files
under VAR_DIR or Redis, see settings). Should it be evicted, it restarts from the clock in
milliseconds, above any generation used before, so an old answer cannot come back.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

GENERATION_KEY = "public:generation"


def _fresh_generation() -> int:
    return int(time.time() * 1000)


def public_cache_generation() -> int:
    """The current generation of public answers."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY, _fresh_generation())
    return int(generation)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet (or evicted): any fresh one is above every generation used
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)


def bump_public_cache() -> None:
    """Make every cached public answer stale. Call it from every service that publishes or withdraws.

    Bumps at once (this process sees the change immediately, tests included) and again when the
    surrounding transaction commits: a request answered between the first bump and the commit still
    read the old data, and must not stay cached under the new generation.
    """
    _bump()
    transaction.on_commit(_bump)


def public_cache_key(*parts: str, generation: int | None = None) -> str:
    """A cache key for one public answer under the current generation (or `generation`, just read with
    something else); `parts` name the answer."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"public:{generation or public_cache_generation()}:{digest}"


def public_cache_seconds() -> int:
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 3600)


class _LocalCopies:
    """This process's copies of public answers read from the shared cache, by full key (generation
    included), least recently used dropped first, at most `limit` bytes. Safe because a key names one
    generation: after a publication the new key misses here and is read from the shared cache again.
    It saves a round trip to Redis (or a file read) on the busiest answers."""

    def __init__(self, limit: int = 32 * 2**20):
        self.limit, self.size = limit, 0
        self.items: OrderedDict[str, tuple[int, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            self.items.move_to_end(key)
            return found[1]

    def put(self, key: str, value: Any, size: int) -> None:
        if size > self.limit // 8:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (size, value)
            self.size += size
            while self.size > self.limit:
                _key, (dropped, _value) = self.items.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


_local = _LocalCopies()


def public_cache_get(key: str) -> Any:
    """A public answer kept under `key` (from `public_cache_key`): this process's copy, else the shared cache's."""
    value = _local.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _local.put(key, value, _size(value))
    return value


def public_cache_set(key: str, value: Any) -> None:
    cache.set(key, value, public_cache_seconds())
    _local.put(key, value, _size(value))


def _size(value: Any) -> int:
    if isinstance(value, tuple | list):
        return sum(_size(v) for v in value) + 64
    if isinstance(value, bytes | str):
        return len(value) + 64
    return 256


def cache_public_page(view: Callable) -> Callable:
    """Cache a public page's GET answers for anonymous visitors, per full URL and generation.

    Only 200 answers without cookies are kept (a page that set a cookie, a message or a session is
    someone's own). Signed-in visitors are served fresh: the page may show them more (links to edit).
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if request.method not in ("GET", "HEAD") or (user is not None and user.is_authenticated):
            return view(request, *args, **kwargs)
        key = public_cache_key("page", request.get_full_path(), request.LANGUAGE_CODE
                               if hasattr(request, "LANGUAGE_CODE") else "")
        kept = public_cache_get(key)
        if kept is not None:
            status, headers, content = kept
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "vary")]
            public_cache_set(key, (response.status_code, headers, response.content))
        return response

    return wrapped
