"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from qualitygov.accounts.testing import Cast, build_cast


@pytest.fixture(autouse=True)
def _media_root_per_test(settings, tmp_path):
    """Each test stores uploads in its own folder: tests that check "nothing was stored" must not
    see files written by a test running at the same time in another worker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Nor the audit checkpoints or a key from the developer's environment (ADR 0010).
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    settings.AUDIT_KEY = ""
    # Nor a cached value another test left behind (the audit filter's choices, light counts…).
    cache.clear()


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def client_for(cast):
    """`client_for("liaison_a")` → a test client signed in as that member of the cast (anonymous: not signed in)."""

    def make(member: str) -> Client:
        client = Client()
        user = cast.members[member]
        if user is not None:
            client.force_login(user)
        return client

    return make


# Property tests explore new examples on a developer's machine; in CI they replay a fixed set so a
# run is reproducible (a failure found locally is kept in the test as an explicit example).
try:
    import os

    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        hypothesis_settings.load_profile("ci")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
