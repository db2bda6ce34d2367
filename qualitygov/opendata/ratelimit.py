"""The open-data API's rate limit: requests per client address per fixed window, counted in the cache.

A fixed window (the counter's key names the window's start) needs one atomic increment per request on
Redis and no list of times; a client may send up to twice the limit across a window's edge, which is
acceptable for a limit that protects the servers, not a quota. On the file cache (one machine, no
Redis) the increment is not atomic across processes: concurrent requests may be undercounted a little.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches

from qualitygov.accounts.forms import client_ip
from qualitygov.core.publiccache import GENERATION_KEY


def _redis_count(key: str, window: int) -> tuple[int, int | None] | None:
    """On Redis, one round trip: INCR and EXPIRE the counter, and GET the public generation the answer's
    cache key needs next (Django's `incr` alone takes two, EXISTS then INCRBY). None on any other cache.
    Integers are plain values in Redis (Django's serializer stores them so), hence the raw commands."""
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    full = backend.make_and_validate_key(key)
    pipe = backend._cache.get_client(full, write=True).pipeline(transaction=False)
    pipe.incr(full)
    pipe.expire(full, window + 1)
    pipe.get(backend.make_and_validate_key(GENERATION_KEY))
    count, _expired, generation = pipe.execute()
    try:
        return int(count), int(generation) if generation is not None else None
    except ValueError:  # not a plain integer (never written by this code): let the caller read it
        return int(count), None


@dataclass(frozen=True)
class Allowance:
    """The outcome of counting one request: `retry_after` seconds when refused, else None."""

    limit: int
    remaining: int
    retry_after: int | None
    #: The public cache generation, when it came with the count (Redis); else None.
    generation: int | None = None

    @property
    def refused(self) -> bool:
        return self.retry_after is not None


def count_request(request) -> Allowance | None:
    """Count `request` against its client's window; None when the limit is off (`OPENDATA_RATE_LIMIT` 0)."""
    limit = int(getattr(settings, "OPENDATA_RATE_LIMIT", 600))
    if limit <= 0:
        return None
    window = max(1, int(getattr(settings, "OPENDATA_RATE_WINDOW", 60)))
    now = time.time()
    start = int(now // window) * window
    key = f"opendata:rate:{client_ip(request) or 'unknown'}:{start}"
    counted = _redis_count(key, window)
    generation = None
    if counted is not None:
        count, generation = counted
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # the window's first request (or another process made the key just now)
            count = 1 if cache.add(key, 1, timeout=window + 1) else cache.incr(key)
    if count > limit:
        return Allowance(limit=limit, remaining=0, retry_after=max(1, math.ceil(start + window - now)))
    return Allowance(limit=limit, remaining=limit - count, retry_after=None, generation=generation)
