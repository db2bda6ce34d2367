"""Invalidation of the cached public answers when the portal publishes, revises or withdraws."""

from __future__ import annotations

from qualitygov.core.publiccache import bump_public_cache


def on_published_changed(sender=None, **kwargs) -> None:
    """`portal.signals.published_changed` receiver (sent after the commit)."""
    bump_public_cache()
