"""Every response carries the Content-Security-Policy and the Permissions-Policy; no template runs inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from qualitygov.core.security import content_security_policy

ROOT = Path(__file__).resolve().parents[1] / "qualitygov"
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
          "frame-ancestors 'none'")
PERMISSIONS = ("accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
               "microphone=(), midi=(), payment=(), usb=()")


def test_the_policy_text():
    assert content_security_policy() == POLICY


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/plans/", "/api/v1/me/", "/no-such-page/"])
def test_pages_api_and_errors_carry_both_headers(cast, client_for, url):
    response = client_for("office").get(url)
    assert (response["Content-Security-Policy"], response["Permissions-Policy"]) == (POLICY, PERMISSIONS)


def test_the_api_docs_alone_may_start_a_worker_from_a_blob(cast, client_for):
    response = client_for("office").get(reverse("api-docs"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY + "; worker-src 'self' blob:"
    assert _inline_scripts(response.content.decode()) == []


def _inline_scripts(html: str) -> list[str]:
    """<script> elements with a body that would run (not a src, not a JSON data block)."""
    found = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I):
        if "src=" in attrs or 'type="application/json"' in attrs or not body.strip():
            continue
        found.append(f"<script{attrs}>{body.strip()[:60]}")
    return found


def _templates() -> list[Path]:
    return sorted(p for p in ROOT.rglob("templates/**/*.html"))


def test_no_template_has_inline_script_or_event_handler_attributes():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {s}" for s in _inline_scripts(text)]
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}"
                      for m in re.finditer(r"\s(on[a-z]+)\s*=\s*[\"']|javascript:|\shx-on", text, flags=re.I)]
    assert offenders == []
