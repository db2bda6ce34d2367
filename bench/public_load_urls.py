"""URLs for bench/public_load.py: the project's, and at `/bench/bare/` a view that only answers "ok"
through the same middleware — the yardstick every measured page is compared with."""

from django.http import HttpResponse
from django.urls import include, path

from qualitygov.core.access import PUBLIC, access


@access(PUBLIC)
def bare(request):
    """The smallest Django answer: what every page pays before its own work."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("config.urls")),
]
