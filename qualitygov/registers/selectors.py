"""Reads of the quality registers: every list and record through `visible_to`, the publishable snapshots
(no personal data), and the register counts the assessment reads through the `register_counts` hook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, QuerySet

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import NotFoundError
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import scope_for
from qualitygov.registry.ledgers import Register, choice_label

from .choices import AwardResult, BrandKind, StandardRole
from .models import AwardApplication, AwardRound, Brand, StandardLed
from .registers import REGISTERS


def record_list_visible(*, user, register: Register, action: str = Action.VIEW) -> QuerySet:
    return register.queryset().visible_to(user, action)


def record_get_visible(*, user, register: Register, pk: int, action: str = Action.VIEW):
    """The record when `user` may `action` it; NotFoundError when missing or out of scope."""
    found = record_list_visible(user=user, register=register, action=action).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not found")
    return found


def counts_visible(*, user) -> dict[str, int]:
    """How many records of each register the user sees (one query per register)."""
    return {r.key: r.model.objects.visible_to(user, Action.VIEW).count() for r in REGISTERS}


def units_for_change(user) -> QuerySet:
    """The units where `user` may keep records (the unit picker of the forms and the import)."""
    scope = scope_for(user, Action.CHANGE)
    qs = OrgUnit.objects.active().order_by("sort_order", "path")
    return qs if scope.everything else qs.filter(pk__in=scope.unit_ids)


def rounds_visible(*, user) -> QuerySet:
    return AwardRound.objects.visible_to(user, Action.VIEW).order_by("-year", "title")


# ── Publishable snapshots (no personal data: firms are public registrations, people are not) ─────────


def _firm(entity) -> dict[str, Any]:
    return {"name": entity.name, "uscc": entity.uscc, "town": entity.town.name if entity.town_id else ""}


def award_public_snapshot(obj: AwardApplication) -> dict[str, Any]:
    """A decided award as it may be published: round, award, firm, result, decision day, publicity period."""
    return {"kind": "award", "id": obj.pk, "round": obj.round.title, "year": obj.round.year,
            "award": choice_label(AwardRound, "kind", obj.round.kind), "firm": _firm(obj.entity),
            "result": choice_label(AwardApplication, "result", obj.result),
            "decided_on": obj.decided_on.isoformat() if obj.decided_on else None,
            "publicity_from": obj.publicity_from.isoformat() if obj.publicity_from else None,
            "publicity_to": obj.publicity_to.isoformat() if obj.publicity_to else None}


def brand_public_snapshot(obj: Brand) -> dict[str, Any]:
    """A certificate or trademark as it may be published (the certificate is public on the certifier's list)."""
    return {"kind": "brand", "id": obj.pk, "brand": choice_label(Brand, "kind", obj.kind), "number": obj.number,
            "product": obj.product, "firm": _firm(obj.entity), "issued_on": obj.issued_on.isoformat(),
            "expires_on": obj.expires_on.isoformat() if obj.expires_on else None, "certifier": obj.certifier}


def standard_public_snapshot(obj: StandardLed) -> dict[str, Any]:
    """A standard as it may be published: number, title, level, the firm's role, date, 领跑者."""
    return {"kind": "standard", "id": obj.pk, "number": obj.number, "title": obj.title,
            "level": choice_label(StandardLed, "level", obj.level), "role": choice_label(StandardLed, "role", obj.role),
            "firm": _firm(obj.entity), "published_on": obj.published_on.isoformat(), "leader": obj.leader}


# ── Register counts for the assessment (the `register_counts` hook) ──────────────────────────────────

#: count name → (model, filter, date field, URL name of the record's page, label of a record)
_COUNTS: dict[str, tuple[Any, dict[str, Any], str, str]] = {
    "registers.award_applications": (AwardApplication, {}, "applied_on", "registers:awards_detail"),
    "registers.awards_won": (AwardApplication, {"result": AwardResult.WON}, "decided_on", "registers:awards_detail"),
    "registers.brand_certificates": (Brand, {"kind": BrandKind.PINZI}, "issued_on", "registers:brands_detail"),
    "registers.famous_trademarks": (Brand, {"kind": BrandKind.FAMOUS}, "issued_on", "registers:brands_detail"),
    "registers.standards_led": (StandardLed, {"role": StandardRole.LEAD}, "published_on", "registers:standards_detail"),
    "registers.standard_leaders": (StandardLed, {"leader": True}, "published_on", "registers:standards_detail"),
}


def register_counts(names: Sequence[str], unit_ids: Iterable[int], start: dt.date,
                    end: dt.date) -> list[tuple[int, str, int, str, str, tuple[int, ...]]]:
    """`(unit id, count name, record pk, label, url name, url args)` of every record behind each named
    count dated from `start` to `end`: a record counts for the unit that keeps it and for its firm's town
    (once when they are the same). One query per name; unknown names give nothing."""
    wanted = set(unit_ids)
    out = []
    for name in names:
        if name not in _COUNTS:
            continue
        model, filters, date_field, url_name = _COUNTS[name]
        rows = (model.objects.filter(**filters, **{f"{date_field}__gte": start, f"{date_field}__lte": end})
                .select_related("entity").order_by(date_field, "pk"))
        for obj in rows:
            label = f"{obj.entity.name} · {obj}（{getattr(obj, date_field):%Y-%m-%d}）"
            for unit_id in dict.fromkeys((obj.unit_id, obj.entity.town_id)):
                if unit_id in wanted:
                    out.append((unit_id, name, obj.pk, label, url_name, (obj.pk,)))
    return out


def register_count_totals(names: Sequence[str], start: dt.date, end: dt.date) -> dict[str, int]:
    """How many records each named count holds from `start` to `end` (one query per name)."""
    out = {}
    for name in names:
        model, filters, date_field, _url = _COUNTS[name]
        out[name] = model.objects.filter(**filters, **{f"{date_field}__gte": start,
                                                       f"{date_field}__lte": end}).aggregate(n=Count("pk"))["n"]
    return out
