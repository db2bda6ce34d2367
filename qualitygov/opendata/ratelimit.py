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
from django.core.cache import cache

from qualitygov.accounts.forms import client_ip


@dataclass(frozen=True)
class Allowance:
    """The outcome of counting one request: `retry_after` seconds when refused, else None."""

    limit: int
    remaining: int
    retry_after: int | None

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
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return Allowance(limit=limit, remaining=0, retry_after=max(1, math.ceil(start + window - now)))
    return Allowance(limit=limit, remaining=limit - count, retry_after=None)
