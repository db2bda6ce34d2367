"""The progress app's groups of the global search: work items and findings the user may see."""

from __future__ import annotations

from django.urls import reverse

from qualitygov.core.registry import SearchHit
from qualitygov.core.search import search_queryset

from .selectors import finding_list_visible, work_item_list_visible


def search_work_items(*, user, q: str, limit: int) -> tuple[list[SearchHit], int]:
    """Work items in scope by their title or their task's name (or the pinyin initials of the title)."""
    return search_queryset(
        work_item_list_visible(user=user), q, fields=("title", "task__title"), title_field="title", limit=limit,
        hit=lambda item: SearchHit(item.title, reverse("progress:work_item_detail", args=[item.pk]),
                                   f"{item.task.number}. {item.task.title} · {item.lead_unit.label} · "
                                   f"{item.get_status_display()}"),
    )


def search_findings(*, user, q: str, limit: int) -> tuple[list[SearchHit], int]:
    """Findings in scope by title or description (or the pinyin initials of the title)."""
    return search_queryset(
        finding_list_visible(user=user), q, fields=("title", "description"), title_field="title", limit=limit,
        hit=lambda f: SearchHit(f.title, reverse("progress:finding_detail", args=[f.pk]),
                                f"{f.unit.label} · {f.get_status_display()}"),
    )
