"""Home page: the cards the installed apps register (see `core.registry.HomeCard`); `/healthz`; the favicon."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from . import health
from .access import LOGIN, PUBLIC, access
from .registry import home_cards


@access(LOGIN)
def home(request):
    """The signed-in user's home: each registered card that has something for this user."""
    cards = []
    for card in home_cards():
        context = card.build(request)
        if context is None:
            continue
        cards.append(render_to_string(card.template, {**context, "user": request.user}, request=request))
    return render(request, "core/home.html", {"cards": cards})


@require_GET
@access(PUBLIC)
def healthz(request):
    """The platform's health for load balancers and monitors (see `core.health`): 200 when ok or
    degraded, 503 when the database is down."""
    result = health.health()
    response = JsonResponse(result, status=503 if result["status"] == health.DOWN else 200)
    add_never_cache_headers(response)
    return response


@access(PUBLIC)
def favicon(request):
    """`/favicon.ico`, which browsers ask for on their own: a redirect to the bundled icon."""
    return redirect(static("core/favicon.svg"))
