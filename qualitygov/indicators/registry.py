"""Computed indicators: functions that derive a period's value from platform data.

Another app registers a function under a stable name; an indicator with `data_source="computed"`
names it in `computed_by`, and the recompute job stores what it returns as the period's value:

    from qualitygov.indicators.registry import register

    @register("inspections.food_pass_rate")
    def food_pass_rate(indicator, period) -> Decimal | None:
        ...  # read the inspections app's selectors; None when there is nothing to count yet

Names are registered when the defining module is imported: apps do it in `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

ComputeFunction = Callable[[Any, Any], Decimal | int | float | str | None]

_REGISTRY: dict[str, ComputeFunction] = {}


class UnknownFunction(KeyError):
    """No function is registered under the name an indicator gives."""


def register(name: str) -> Callable[[ComputeFunction], ComputeFunction]:
    """Decorator: make `function(indicator, period)` available as `name`. Names are unique."""
    if not name or not name.strip():
        raise ValueError("a computed-indicator function needs a name")

    def decorate(function: ComputeFunction) -> ComputeFunction:
        existing = _REGISTRY.get(name)
        if existing is not None and existing is not function:
            raise ValueError(f"a computed-indicator function named {name!r} is already registered")
        _REGISTRY[name] = function
        return function

    return decorate


def unregister(name: str) -> None:
    """Remove a name (tests that register their own functions clean up with this)."""
    _REGISTRY.pop(name, None)


def is_registered(name: str) -> bool:
    return name in _REGISTRY


def registered_names() -> list[str]:
    return sorted(_REGISTRY)


def compute(indicator, period) -> Decimal | None:
    """The value of `indicator` for `period` from its registered function (None: nothing to report yet)."""
    function = _REGISTRY.get(indicator.computed_by or "")
    if function is None:
        raise UnknownFunction(indicator.computed_by)
    result = function(indicator, period)
    if result is None:
        return None
    return result if isinstance(result, Decimal) else Decimal(str(result))
