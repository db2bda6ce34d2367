"""Reads of feeds, always through `visible_to`: the whole district sees everything; a source's responsible
unit sees that source's files and figures; a town sees the figures of its own town only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import NotFoundError
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import scope_for

from .choices import FileStatus
from .mappings import Mapping, all_mappings, get_mapping
from .models import FeedChange, FeedFile, FeedSource, Figure
from .services import may_import


@dataclass
class SourceRow:
    mapping: Mapping
    source: FeedSource
    last: FeedFile | None
    files: int
    may_import: bool


def source_list_visible(*, user) -> QuerySet[FeedSource]:
    return FeedSource.objects.visible_to(user, Action.VIEW).select_related("owner_unit")


def source_rows(*, user) -> list[SourceRow]:
    """Each shipped source the user sees, with its last import."""
    sources = {s.key: s for s in source_list_visible(user=user)}
    rows = []
    for mapping in all_mappings():
        source = sources.get(mapping.key)
        if source is None:
            continue
        files = source.files.exclude(status=FileStatus.DISCARDED)
        last = files.filter(status=FileStatus.IMPORTED).order_by("-imported_at", "-pk").first()
        rows.append(SourceRow(mapping=mapping, source=source, last=last, files=files.count(),
                              may_import=may_import(user, source)))
    return rows


def source_get_visible(*, user, key: str) -> tuple[FeedSource, Mapping]:
    try:
        mapping = get_mapping(key)
        return source_list_visible(user=user).get(key=key), mapping
    except (KeyError, FeedSource.DoesNotExist):
        raise NotFoundError("feed source") from None


def file_list_visible(*, user) -> QuerySet[FeedFile]:
    return (FeedFile.objects.visible_to(user, Action.VIEW)
            .select_related("source", "uploaded_by", "imported_by", "replaced_by"))


def file_get_visible(*, user, pk: int) -> FeedFile:
    try:
        return file_list_visible(user=user).get(pk=pk)
    except FeedFile.DoesNotExist:
        raise NotFoundError("feed file") from None


def figure_list_visible(*, user, current_only: bool = True) -> QuerySet[Figure]:
    qs = Figure.objects.visible_to(user, Action.VIEW).select_related("source", "town", "file")
    return qs.filter(is_current=True) if current_only else qs


def file_figures(feed_file: FeedFile) -> QuerySet[Figure]:
    return feed_file.figures.select_related("town").order_by("row", "id")


def file_changes(feed_file: FeedFile) -> QuerySet[FeedChange]:
    return feed_file.changes.select_related("town", "previous_file").order_by("id")


def town_choices(*, user) -> QuerySet[OrgUnit]:
    towns = OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).order_by("sort_order", "path")
    scope = scope_for(user, Action.VIEW)
    if scope.everything or FeedSource.objects.filter(owner_unit__in=scope.unit_ids).exists():
        return towns
    return towns.filter(pk__in=scope.unit_ids)


def measure_labels() -> dict[str, str]:
    """"source.measure" → Chinese label, for every shipped figure."""
    return {f"{m.key}.{name}": label for m in all_mappings() for name, label in m.measures().items()}
