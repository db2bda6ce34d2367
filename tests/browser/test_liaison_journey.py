"""A department liaison signs in, sees their unit and scope, stays within it, and signs out."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect


def _unit_page(pk: int) -> str:
    return reverse("accounts:unit_detail", kwargs={"pk": pk})


def test_liaison_sees_own_unit_and_scope_and_signs_out(new_page, sign_in, cast):
    page = new_page()
    sign_in(page, "liaison_a")

    expect(page.get_by_test_id("home-unit")).to_have_text("舟山市普陀区经济和信息化局")
    expect(page.get_by_test_id("home-grants")).to_have_text("部门联络员 · 舟山市普陀区经济和信息化局")
    expect(page.get_by_test_id("current-user")).to_contain_text("区经信局")
    expect(page.locator("main")).to_contain_text("您可查看 1 个单位的数据，可修改其中 1 个单位的数据。")

    response = page.goto(_unit_page(cast.dept_a.pk))
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text("舟山市普陀区经济和信息化局")
    response = page.goto(_unit_page(cast.dept_b.pk))
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("舟山市普陀区住房和城乡建设局")
    page.goto(reverse("core:home"))

    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:login"))))
    expect(page.locator("#id_username")).to_be_visible()
    assert page.goto(reverse("core:home")).url.split("?")[0].endswith(reverse("accounts:login"))


def test_a_wrong_password_shows_a_chinese_error(new_page, cast):
    page = new_page()
    page.goto(reverse("accounts:login"))
    page.fill("#id_username", "liaison_a")
    page.fill("#id_password", "not-the-password")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("请输入一个正确的")
