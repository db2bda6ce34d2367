"""Snapshot builders of the kinds whose source apps exist: indicators, task groups, bulletins and
assessment results. Each reads the source app's models/selectors and returns only publishable fields;
`services` masks the result before it is stored."""

from __future__ import annotations


def register_builtin_kinds() -> None:
    """Register the built-in kinds (called from `PortalConfig.ready()`)."""
