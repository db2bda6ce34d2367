"""Home page: the cards the installed apps register (see `core.registry.HomeCard`)."""

from __future__ import annotations

from django.shortcuts import render
from django.template.loader import render_to_string

from .access import LOGIN, access
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
