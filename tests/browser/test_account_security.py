"""A liaison turns on two-step sign-in, signs in with the code, and makes and revokes an API token."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from qualitygov.accounts.models import ApiToken
from qualitygov.accounts.testing import PASSWORD
from qualitygov.utilities import totp


def test_two_step_sign_in_and_api_tokens(new_page, sign_in, cast):
    page = new_page()
    sign_in(page, "liaison_a")
    page.goto(reverse("accounts:password_change"))
    page.get_by_test_id("security-nav").get_by_role("link", name="两步登录").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    expect(page.get_by_test_id("totp-uri")).to_contain_text(f"otpauth://totp/QualityGov:liaison_a?secret={secret}")
    page.fill("#id_code", totp.code_at(secret))
    page.get_by_role("button", name="开启两步登录").click()
    expect(page.get_by_test_id("two-step-on")).to_be_visible()

    page.get_by_test_id("security-nav").get_by_role("link", name="我的 API 令牌").click()
    page.fill("#id_name", "报送脚本")
    page.select_option("#id_scope", "write")
    page.get_by_role("button", name="创建令牌").click()
    key = page.get_by_test_id("new-token-key").inner_text()
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    expect(page.get_by_test_id("token-table")).to_contain_text("报送脚本")
    page.goto(reverse("accounts:token_list"))  # the key is shown once only
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    expect(page.get_by_test_id("token-table")).to_contain_text(f"{key[:8]}…")
    page.get_by_test_id("token-table").get_by_role("button", name="吊销").click()
    expect(page.get_by_test_id("no-tokens")).to_be_visible()
    assert not ApiToken.objects.exists()

    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:login"))))
    page.fill("#id_username", "liaison_a")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("login-error")).to_have_text("请输入验证器应用显示的验证码。")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", totp.code_at(secret, totp.time.time() + 30))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(reverse("core:home")) + "$"))
