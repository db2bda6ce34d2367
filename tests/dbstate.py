"""Every row of every table, to show that a refused or invalid request changed nothing."""

from __future__ import annotations

from django.apps import apps

Snapshot = dict[str, list[tuple]]


def table_snapshot() -> Snapshot:
    """All rows of every concrete model's table (auto-created many-to-many tables included), by pk."""
    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        snapshot[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return snapshot


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    """Labels of the models whose rows differ between two snapshots."""
    return [label for label in sorted(set(before) | set(after)) if before.get(label) != after.get(label)]
