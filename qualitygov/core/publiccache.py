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
import time
from collections.abc import Callable

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


def public_cache_key(*parts: str) -> str:
    """A cache key for one public answer under the current generation; `parts` name the answer."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"public:{public_cache_generation()}:{digest}"


def public_cache_seconds() -> int:
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 3600)


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
        kept = cache.get(key)
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
            cache.set(key, (response.status_code, headers, response.content), public_cache_seconds())
        return response

    return wrapped
