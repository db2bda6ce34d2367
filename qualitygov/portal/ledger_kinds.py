"""Register entries and sampling results as publishable kinds, read through the ledger apps'
`<thing>_public_snapshot(obj)` selectors (ADR 0026). A kind is registered only when its app provides the
model and the selector, so this module works before and after those apps exist.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .kinds import register_kind, selector_kind

FIRM = {"firm.name": _("Name of the enterprise"), "firm.uscc": _("Unified social credit code"), "firm.town": _("Town"),
        "kind": None, "id": None}


def _firm(data: dict) -> str:
    return (data.get("firm") or {}).get("name") or ""


def _day(value: Any) -> tuple[str, dt.date | None, dt.date | None]:
    try:
        day = dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        day = None
    return (day.isoformat() if day else "", day, day)


#: kind key → (label, model, selector, title, category, town, period, field labels, order)
LEDGER_KINDS: dict[str, tuple] = {
    "sampling": (
        _("Sampling results"), "sampling.SampleBatch", "qualitygov.sampling.selectors.sample_public_snapshot",
        lambda obj, d: f"{d.get('entity_name', '')} {d.get('product', '')}".strip(),
        lambda obj, d: d.get("category") or "", lambda obj, d: d.get("town") or "",
        lambda obj, d: _day(d.get("sampled_on")),
        {"entity_name": _("Name of the enterprise"), "uscc": _("Unified social credit code"), "product": _("Product"),
         "category": _("Category"), "plan": _("Sampling plan"), "year": _("Year"), "verdict": None,
         "verdict_label": _("Verdict"), "failed_items": _("Failed items"), "lab": _("Testing body"),
         "report_no": _("Report number"), "sampled_on": _("Sampled on"), "published_on": _("Published on"),
         "town": _("Town")}, 60),
    "award": (
        _("Quality awards"), "registers.AwardApplication", "qualitygov.registers.selectors.award_public_snapshot",
        lambda obj, d: f"{_firm(d)} {d.get('award', '')}".strip(), lambda obj, d: d.get("award") or "",
        lambda obj, d: (d.get("firm") or {}).get("town") or "", lambda obj, d: _day(d.get("decided_on")),
        {**FIRM, "round": _("Award round"), "year": _("Year"), "award": _("Award"), "result": _("Result"),
         "decided_on": _("Decided on"), "publicity_from": _("Publicity from"), "publicity_to": _("Publicity until")},
        70),
    "brand": (
        _("Brand certificates"), "registers.Brand", "qualitygov.registers.selectors.brand_public_snapshot",
        lambda obj, d: f"{_firm(d)} {d.get('product', '')}".strip(), lambda obj, d: d.get("brand") or "",
        lambda obj, d: (d.get("firm") or {}).get("town") or "", lambda obj, d: _day(d.get("issued_on")),
        {**FIRM, "brand": _("Certificate"), "number": _("Certificate number"), "product": _("Product"),
         "issued_on": _("Certificate issued on"), "expires_on": _("Valid until"), "certifier": _("Certified by")}, 80),
    "standard": (
        _("Standards led"), "registers.StandardLed", "qualitygov.registers.selectors.standard_public_snapshot",
        lambda obj, d: f"{d.get('number', '')} {d.get('title', '')}".strip(), lambda obj, d: d.get("level") or "",
        lambda obj, d: (d.get("firm") or {}).get("town") or "", lambda obj, d: _day(d.get("published_on")),
        {**FIRM, "number": _("Standard number"), "title": _("Standard title"), "level": _("Level"),
         "role": _("Role of the enterprise"), "published_on": _("Published on"), "leader": _("Standard leader")},
        90),
}


def _available(model: str, selector: str) -> bool:
    try:
        apps.get_model(model)
    except (LookupError, ValueError):
        return False
    module, _sep, name = selector.rpartition(".")
    try:
        return hasattr(import_module(module), name)
    except ImportError:
        return False


def register_ledger_kinds() -> None:
    for key, (label, model, selector, title, category, town, period, labels, order) in LEDGER_KINDS.items():
        if _available(model, selector):
            register_kind(selector_kind(key, label, model, selector, title=title, category=category, town=town,
                                        period=period, labels=labels, order=order))
