"""The government identity button in Chromium: the live server, a local OpenID Connect provider, back."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from qualitygov.accounts import oidc
from qualitygov.accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider
from qualitygov.core.models import AuditEvent


@pytest.fixture
def provider(settings):
    local = LocalProvider().start()
    oidc.forget_discovery()
    settings.OIDC_ISSUER = local.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    yield local
    local.stop()
    oidc.forget_discovery()


def test_the_government_identity_button_signs_in_through_the_provider(new_page, cast, provider):
    provider.userinfo_claims = {"preferred_username": "liaison_a"}
    page = new_page()
    page.goto(reverse("accounts:login"))
    page.get_by_test_id("oidc-login").click()
    page.wait_for_url(re.compile(re.escape(reverse("core:home")) + "$"))
    expect(page.get_by_test_id("logout")).to_be_visible()
    assert provider.seen[1:] == ["GET /authorize", "POST /token", "GET /jwks", "GET /userinfo"]
    assert AuditEvent.objects.get(action="auth.oidc_login").actor_id == cast.liaison_a.pk

    page.get_by_test_id("logout").click()  # signs out here and at the provider, which sends us back
    page.wait_for_url(re.compile(re.escape(reverse("accounts:login")) + "$"))
    assert provider.seen[-1] == "GET /logout"
    expect(page.get_by_test_id("oidc-login")).to_have_text("使用政务统一身份认证登录")

    provider.userinfo_claims = {"preferred_username": "nobody.here"}
    page.get_by_test_id("oidc-login").click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:login")) + "$"))
    expect(page.get_by_role("alert")).to_have_text(
        "政务统一身份认证已确认您的身份，但本平台没有与之对应的账号。请联系质量强区办开通账号。")
