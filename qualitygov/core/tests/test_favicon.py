"""`/favicon.ico` leads to the bundled icon, for anyone, and every page links the icon."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_redirects_to_the_bundled_icon_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, static("core/favicon.svg"))
    assert Path(finders.find("core/favicon.svg")).read_text().startswith("<svg ")


def test_pages_link_the_icon(client):
    page = client.get("/accounts/login/", follow=True).content.decode()
    assert f'<link rel="icon" href="{static("core/favicon.svg")}" type="image/svg+xml">' in page
