"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.test import Client

from qualitygov.core.testing import Cast, build_cast


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
