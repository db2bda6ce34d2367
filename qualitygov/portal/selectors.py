"""Reads of public disclosure.

The public site reads through the `public_*` selectors only, and they read only `PublishedItem` rows in
state published and the versions of those items: nothing else in the database is reachable from a
public page, so what is unpublished cannot leak through a forgotten filter. The office's selectors
(`office_*`) read everything of this app and the publishable records of each kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .choices import ItemState, Treatment, VersionAction
from .kinds import Kind, kinds
from .masking import DEFAULT_FIELDS
from .models import MaskingRule, PublicationRule, PublishedItem, PublishedVersion

# --- public --------------------------------------------------------------------------------------


def public_items(kind: str | None = None) -> QuerySet[PublishedItem]:
    """Published items (of `kind`), in each kind's order."""
    qs = PublishedItem.objects.published()
    return qs.filter(kind=kind) if kind else qs


def public_item(slug: str) -> PublishedItem:
    """The published item at `slug`; Http404 when there is none or it is withdrawn."""
    item = PublishedItem.objects.published().filter(slug=slug).first()
    if item is None:
        raise Http404
    return item


def public_version(item: PublishedItem, version: int) -> PublishedVersion:
    """A published version (publish or revision) of a published item; Http404 otherwise."""
    found = item.versions.filter(version=version).exclude(action=VersionAction.WITHDRAW).first()
    if found is None:
        raise Http404
    return found


def public_history(item: PublishedItem) -> list[PublishedVersion]:
    """The item's publications and revisions, newest first (withdrawals before a later publication are the
    office's record; the public sees that the item was published again)."""
    return list(item.versions.exclude(action=VersionAction.WITHDRAW).order_by("-version"))


@dataclass
class Site:
    """What the public site's header says: the district and the plan's title, as published."""

    district: str
    plan_title: str
    plan: PublishedItem | None


def public_site() -> Site:
    plan = public_items("plan").order_by("-last_published_at").first()
    payload = plan.payload if plan else {}
    return Site(district=payload.get("district") or "", plan_title=payload.get("title") or "", plan=plan)


def public_kinds() -> list[tuple[Kind, int]]:
    """Kinds with at least one published item, with their counts (the site's navigation)."""
    counts: dict[str, int] = {}
    for kind in PublishedItem.objects.published().values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return [(kind, counts[kind.key]) for kind in kinds() if counts.get(kind.key)]


def public_changes(limit: int = 50) -> list[PublishedVersion]:
    """The latest publications and revisions of items that are published now, newest first."""
    return list(PublishedVersion.objects.filter(item__state=ItemState.PUBLISHED)
                .exclude(action=VersionAction.WITHDRAW).select_related("item").order_by("-at", "-pk")[:limit])


@dataclass
class Revision:
    at: dt.datetime
    version: int
    previous: Any


@dataclass
class ValueRow:
    """One period of an indicator as published now, with the revisions of its value."""

    period: str
    start: str
    end: str
    value: str | None
    approved_on: str | None
    expected: str | None = None
    revisions: list[Revision] = field(default_factory=list)


def indicator_rows(item: PublishedItem) -> list[ValueRow]:
    """The published values of an indicator with the expected value at the period's end, each with the
    revisions of its value across the item's published versions ("revised on …, previous value …")."""
    payload = item.payload
    expected = {row["period"]: row.get("expected") for row in payload.get("path") or []}
    revisions: dict[str, list[Revision]] = {}
    last: dict[str, Any] = {}
    versions = PublishedVersion.objects.filter(item_id=item.pk).exclude(action=VersionAction.WITHDRAW)
    until = getattr(item, "_versions_until", None)  # a page showing an earlier version: revisions up to it
    if until is not None:
        versions = versions.filter(version__lte=until)
    for version in versions.order_by("version"):
        for row in (version.payload or {}).get("values") or []:
            period, value = row.get("period"), row.get("value")
            if period in last and last[period] != value:
                revisions.setdefault(period, []).append(Revision(version.at, version.version, last[period]))
            last[period] = value
    return [ValueRow(period=row["period"], start=row.get("start", ""), end=row.get("end", ""), value=row.get("value"),
                     approved_on=row.get("approved_on"), expected=expected.get(row["period"]),
                     revisions=revisions.get(row["period"], []))
            for row in payload.get("values") or []]


def indicator_chart(item: PublishedItem) -> dict[str, Any]:
    """The chart's data: the published values and the time-proportional path on one axis of periods."""
    payload = item.payload
    values = {row["period"]: row.get("value") for row in payload.get("values") or []}
    path = {row["period"]: row.get("expected") for row in payload.get("path") or []}
    labels = [row["period"] for row in payload.get("path") or []]
    labels += [p for p in values if p not in path]

    def number(value):
        return None if value in (None, "") else float(value)

    return {"labels": labels, "actual": [number(values.get(label)) for label in labels],
            "expected": [number(path.get(label)) for label in labels],
            "targets": {year: number(v) for year, v in (payload.get("targets_by_year") or {}).items()},
            "target": number(payload.get("target_value")), "target_year": payload.get("target_year"),
            "unit": payload.get("unit") or ""}


# --- office --------------------------------------------------------------------------------------


def office_items(*, kind: str = "", state: str = "") -> QuerySet[PublishedItem]:
    qs = PublishedItem.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("kind", "sort_key", "pk")


def office_item(pk: int) -> PublishedItem:
    item = PublishedItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@dataclass
class Candidate:
    """A record the office may publish, and its item when it was published before."""

    source_id: str
    label: str
    item: PublishedItem | None


def office_candidates(kind: Kind) -> list[Candidate]:
    objs = list(kind.candidates())
    keys = [kind.item_key(obj) for obj in objs]
    items = {item.key: item for item in PublishedItem.objects.filter(kind=kind.key, key__in=keys)}
    return [Candidate(kind.source_id(obj), getattr(obj, "label", None) if isinstance(getattr(obj, "label", None), str)
                      else str(obj), items.get(key)) for obj, key in zip(objs, keys, strict=True)]


def office_rules() -> QuerySet[PublicationRule]:
    return PublicationRule.objects.all()


def masking_table() -> list[dict[str, Any]]:
    """The policy in force, field by field: built-in fields and the office's rules, with which one wins."""
    from .masking import policy

    in_force = policy()
    rows = {name: {"field": name, "builtin": treatment, "rule": None, "in_force": in_force.get(name)}
            for name, treatment in DEFAULT_FIELDS.items()}
    for rule in MaskingRule.objects.all():
        row = rows.setdefault(rule.field, {"field": rule.field, "builtin": None, "rule": None,
                                           "in_force": in_force.get(rule.field)})
        row["rule"] = rule
    labels = dict(Treatment.choices)
    for row in rows.values():
        row["builtin_label"] = labels.get(row["builtin"]) if row["builtin"] else None
        row["in_force_label"] = labels.get(row["in_force"]) if row["in_force"] else None
    return sorted(rows.values(), key=lambda r: r["field"])
