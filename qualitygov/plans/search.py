"""The plans app's group of the global search: tasks the user may see."""

from __future__ import annotations

from django.urls import reverse

from qualitygov.core.registry import SearchHit
from qualitygov.core.search import search_queryset

from .selectors import task_list_visible


def search_tasks(*, user, q: str, limit: int) -> tuple[list[SearchHit], int]:
    """Tasks in scope whose number, name or content holds every word of `q` (or whose name has its pinyin initials)."""
    return search_queryset(
        task_list_visible(user=user).prefetch_related(None), q, fields=("number", "title", "text"),
        title_field="title", limit=limit,
        hit=lambda task: SearchHit(f"{task.number}. {task.title}", reverse("plans:task_detail", args=[task.pk]),
                                   task.plan.title),
    )
