"""The registry of publishable kinds.

A kind names a source model and a snapshot builder that reads the source app's selectors and returns
the publishable content; `services.item_publish` masks it (`masking.mask_payload`) and stores it. Apps
built later add their kind in a few lines in `PortalConfig.ready()`, e.g. for a selector
`award_public_snapshot(obj) -> dict`:

    register_kind(selector_kind("award", _("Quality awards"), "registers.Award",
                                "qualitygov.registers.selectors.award_public_snapshot",
                                title=lambda obj, data: data.get("name") or str(obj),
                                labels={"name": "获奖单位", "award": "奖项"}))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.module_loading import import_string


@dataclass
class Snapshot:
    """What a builder returns: the content (not yet masked) and the item's filter columns."""

    title: str
    payload: dict[str, Any]
    period_label: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    town_name: str = ""
    category: str = ""
    sort_key: str = ""


@dataclass
class Kind:
    """A publishable kind.

    `build(obj, options) -> Snapshot`; `candidates()` the source objects the office may publish (for the
    "publishable" list); `key_of(obj)` the item key (unique within the kind), `slug_of(obj)` the stable
    public address part (ASCII, unique across kinds). `template` renders the public page of one item;
    `list_template` the public list of the kind (both under templates/portal/public/).
    """

    key: str
    label: Any
    model: str
    build: Callable[[Any, dict], Snapshot]
    candidates: Callable[[], Iterable[Any]]
    key_of: Callable[[Any], str] | None = None
    slug_of: Callable[[Any], str] | None = None
    #: For a source that is not a model row (a bulletin is a period): source id → object, object → id.
    resolve: Callable[[str], Any] | None = None
    id_of: Callable[[Any], str] | None = None
    template: str = "portal/public/entry.html"
    order: int = 100
    #: Options the office may set when publishing (e.g. "until" for an indicator's values).
    options: tuple[str, ...] = field(default_factory=tuple)
    #: Payload field → its label on the public entry page (fields without one are shown by name).
    labels: dict[str, Any] = field(default_factory=dict)

    def source_id(self, obj: Any) -> str:
        return self.id_of(obj) if self.id_of else str(obj.pk)

    def item_key(self, obj: Any) -> str:
        return self.key_of(obj) if self.key_of else f"{self.key}:{self.source_id(obj)}"

    def item_slug(self, obj: Any) -> str:
        return self.slug_of(obj) if self.slug_of else f"{self.key}-{self.source_id(obj)}"

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def source(self, source_id: str) -> Any | None:
        """The source object of `source_id`, or None when it does not exist (any more)."""
        if self.resolve is not None:
            return self.resolve(source_id)
        if not str(source_id).isdigit():
            return None
        return self.model_class()._default_manager.filter(pk=source_id).first()


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    KINDS[kind.key] = kind


def get_kind(key: str) -> Kind:
    return KINDS[key]


def kinds() -> list[Kind]:
    return sorted(KINDS.values(), key=lambda k: (k.order, k.key))


def selector_kind(key: str, label: Any, model: str, selector: str, *, title: Callable[[Any, dict], str],
                  category: Callable[[Any, dict], str] | None = None,
                  town: Callable[[Any, dict], str] | None = None,
                  period: Callable[[Any, dict], tuple[str, dt.date | None, dt.date | None]] | None = None,
                  candidates: Callable[[], Iterable[models.Model]] | None = None, order: int = 100,
                  labels: dict[str, Any] | None = None) -> Kind:
    """A kind whose content is a source app's `<thing>_public_snapshot(obj) -> dict` (register entries,
    sampling results). The selector's dict is stored as the payload (masked like every payload)."""

    def build(obj, options):
        data = dict(import_string(selector)(obj))
        label_, start, end = period(obj, data) if period else ("", None, None)
        return Snapshot(title=str(title(obj, data))[:300], payload=data, period_label=label_, period_start=start,
                        period_end=end, town_name=town(obj, data) if town else "",
                        category=category(obj, data) if category else "", sort_key=str(obj.pk).zfill(10))

    def all_objects():
        return apps.get_model(model)._default_manager.all()

    return Kind(key=key, label=label, model=model, build=build, candidates=candidates or all_objects, order=order,
                labels=dict(labels or {}))
