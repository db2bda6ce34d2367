"""Measures: named figures that platform data yields for a span of dates, the inputs of computed indicators.

An app above `indicators` (feeds, ledgers) registers each figure it can produce under a stable key
in its `AppConfig.ready()`:

    from qualitygov.indicators.measures import MeasureValue, register_measure

    def batches(*, start, end, town_id=None, category=None) -> MeasureValue:
        ...  # read the app's own tables; MeasureValue(None) when there is nothing to count
    register_measure("sampling.batches", label=_("Sampled batches"), unit="批次", fn=batches)

A computed indicator's formula names measure keys (`1 - sampling.failed / sampling.batches`); the
value it stores carries the provenance of every measure it read. When an app's data changes it calls
`inputs_changed(keys=…, actor=…)`, and the listeners (the indicators app's recomputation) run.

Keys are `<app>.<name>` (dots inside the name are allowed: `feeds.c12315.accepted`). `provenance` is a
list of JSON-able dicts, each naming where a figure came from: at least `label` (Chinese, for the
indicator page) and, where there is one, `url` (the rows behind it), `file` (a feed file's name),
`rows` (its row numbers), `count`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
_MEMO: ContextVar[dict | None] = ContextVar("qualitygov_measure_memo", default=None)


@dataclass(frozen=True)
class MeasureValue:
    """A measure's figure for one span: `value` None when there is nothing to count yet."""

    value: Decimal | None
    provenance: tuple[dict[str, Any], ...] = field(default=())


class MeasureFunction(Protocol):
    def __call__(self, *, start: dt.date, end: dt.date, town_id: int | None = None,
                 category: str | None = None) -> MeasureValue: ...


class ByTownFunction(Protocol):
    def __call__(self, *, start: dt.date, end: dt.date, category: str | None = None) -> dict[int | None, MeasureValue]:
        ...


@dataclass(frozen=True)
class Measure:
    """`by_town` (optional) answers every town at once (town id → value; None for rows with no town) in a
    constant number of queries; without it `measure_by_town` calls `fn` once per town."""

    key: str
    label: Any
    unit: str
    fn: MeasureFunction
    description: Any = ""
    by_town: ByTownFunction | None = None


class UnknownMeasure(KeyError):
    """No measure is registered under the key a formula names."""


_MEASURES: dict[str, Measure] = {}
_LISTENERS: dict[str, Callable[..., Any]] = {}


def register_measure(key: str, *, label: Any, fn: MeasureFunction, unit: str = "", description: Any = "",
                     by_town: ByTownFunction | None = None) -> Measure:
    """Make `fn` available under `key`; registering the same key again replaces it (a second `ready()`)."""
    if not key or "." not in key or key != key.strip():
        raise ValueError(f"a measure key is '<app>.<name>', not {key!r}")
    measure = Measure(key=key, label=label, unit=unit, fn=fn, description=description, by_town=by_town)
    _MEASURES[key] = measure
    return measure


def unregister_measure(key: str) -> None:
    """Remove a key (tests that register their own measures clean up with this)."""
    _MEASURES.pop(key, None)


def get_measure(key: str) -> Measure:
    try:
        return _MEASURES[key]
    except KeyError:
        raise UnknownMeasure(key) from None


def registered_measures() -> list[Measure]:
    return [_MEASURES[k] for k in sorted(_MEASURES)]


def measure_value(key: str, *, start: dt.date, end: dt.date, town_id: int | None = None,
                  category: str | None = None) -> MeasureValue:
    """The figure of measure `key` for the dates `start`..`end` (both included), for one town or all."""
    result = get_measure(key).fn(start=start, end=end, town_id=town_id, category=category)
    if result.value is not None and not isinstance(result.value, Decimal):
        result = MeasureValue(Decimal(str(result.value)), tuple(result.provenance))
    return result


def measure_by_town(key: str, *, start: dt.date, end: dt.date, town_ids: Iterable[int],
                    category: str | None = None) -> dict[int, MeasureValue]:
    """The figure of measure `key` for each of `town_ids` (a town with nothing gets MeasureValue(None))."""
    measure = get_measure(key)
    wanted = list(town_ids)
    if measure.by_town is not None:
        found = measure.by_town(start=start, end=end, category=category)
        return {town_id: found.get(town_id, MeasureValue(None)) for town_id in wanted}
    return {town_id: measure_value(key, start=start, end=end, town_id=town_id, category=category)
            for town_id in wanted}


@contextmanager
def measure_memo() -> Iterator[None]:
    """Within the block, a read that measures share (`memoized`) runs once: for a page that shows many
    figures of the same data in one request (the regulatory dashboard). Nothing is kept after it, so a
    change made later is always read; do not write inside the block."""
    token = _MEMO.set({}) if _MEMO.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _MEMO.reset(token)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or its result for the same `key` earlier in the enclosing `measure_memo` block."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def add_listener(name: str, listener: Callable[..., Any]) -> None:
    """`listener(keys=frozenset[str], actor=User|None)` runs after data behind those measures changed."""
    _LISTENERS[name] = listener


def remove_listener(name: str) -> None:
    _LISTENERS.pop(name, None)


def inputs_changed(*, keys: Iterable[str], actor) -> None:
    """Tell the listeners that the data behind `keys` changed (call it inside the writing transaction)."""
    changed = frozenset(keys)
    if not changed:
        return
    for name in sorted(_LISTENERS):
        _LISTENERS[name](keys=changed, actor=actor)
