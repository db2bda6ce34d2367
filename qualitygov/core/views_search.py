"""The global search page: `/search/?q=` over what the apps register (tasks, work items, indicators,
findings, units), each group scoped by its app's selector."""

from __future__ import annotations

from django.shortcuts import render

from .access import LOGIN, access
from .search import clean_query, search_all


@access(LOGIN)
def search(request):
    """Result groups for `q`, at most ten hits each with the group's total and a link to its list."""
    q = clean_query(request.GET.get("q"))
    groups = search_all(user=request.user, q=q)
    return render(request, "core/search.html", {"q": q, "groups": groups,
                                                "total": sum(total for _s, _h, total in groups)})
