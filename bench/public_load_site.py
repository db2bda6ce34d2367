"""Settings for bench/public_load.py: the production settings, with the URLs of `public_load_urls`
(the whole project plus one bare view). Nothing here is part of the product."""

import os

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "public_load_urls"
# Keys of this run apart from anything else on a shared Redis.
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = os.environ.get("QG_BENCH_CACHE_PREFIX", "qualitygov-bench")  # noqa: F405
