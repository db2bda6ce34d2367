"""Office admins manage users and grants of the units they manage; everyone else gets 404."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.accounts.models import Grant, User
from qualitygov.accounts.services import user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.audit import audit_verify
from qualitygov.core.models import AuditEvent

from .test_org_views import REQUIRED, state

NEW_PASSWORD = "Fresh-password-2026"


def usernames(response) -> list[str]:
    return [u.username for u in response.context["lst"].rows]


def test_list_shows_units_and_roles(client_for, cast):
    response = client_for("office").get(reverse("accounts:user_list"))
    assert response.status_code == 200
    assert usernames(response) == ["leader", "liaison_a", "liaison_b", "office", "town_liaison"]
    body = response.content.decode()
    assert "部门联络员 @ 区经信局" in body
    assert "质量强区办管理员 @ 普陀区" in body


def test_list_filters(client_for, cast):
    client = client_for("office")
    url = reverse("accounts:user_list")
    assert usernames(client.get(url, {"q": "liaison"})) == ["liaison_a", "liaison_b", "town_liaison"]
    assert usernames(client.get(url, {"unit": cast.dept_b.pk})) == ["liaison_b"]
    assert usernames(client.get(url, {"role": "town_liaison"})) == ["town_liaison"]
    User.objects.filter(username="leader").update(is_active=False)
    assert usernames(client.get(url, {"active": "0"})) == ["leader"]
    empty = client.get(url, {"q": "nobody"})
    assert usernames(empty) == []
    assert "没有符合筛选条件的用户。" in empty.content.decode()


def test_export(client_for, cast):
    response = client_for("office").get(reverse("accounts:user_export"), {"unit": cast.dept_a.pk})
    assert response.status_code == 200
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows == [
        ["用户名", "显示名称", "单位", "角色", "电话", "电子邮箱", "启用", "最近登录"],
        ["liaison_a", "liaison_a", "舟山市普陀区经济和信息化局", "部门联络员 @ 区经信局", None, None, "是", None],
    ]


def test_create_user_with_first_grant(client_for, cast):
    before = AuditEvent.objects.count()
    response = client_for("office").post(reverse("accounts:user_create"), {
        "username": "jxj2", "display_name": "区经信局 联络员 王", "email": "", "phone": "0580-1234567",
        "unit": cast.dept_a.pk, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "role": "department_liaison", "grant_unit": cast.dept_a.pk,
    })
    user = User.objects.get(username="jxj2")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert (user.display_name, user.phone, user.unit, user.is_active) == (
        "区经信局 联络员 王", "0580-1234567", cast.dept_a, True)
    assert user.check_password(NEW_PASSWORD)
    assert list(user.grants.values_list("role", "unit_id", "include_descendants")) == [
        ("department_liaison", cast.dept_a.pk, False)
    ]
    assert list(AuditEvent.objects.filter(seq__gt=before).order_by("seq").values_list("action", flat=True)) == [
        "user.create", "grant.create"
    ]
    assert NEW_PASSWORD not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert audit_verify().ok


def test_create_form_missing_fields_writes_nothing(client_for, cast):
    before = state()
    response = client_for("office").post(reverse("accounts:user_create"), {"display_name": "某人"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        name: [REQUIRED] for name in ["username", "unit", "password1", "password2", "role", "grant_unit"]
    }
    assert response.content.decode().count(REQUIRED) == 6
    assert state() == before


@pytest.mark.parametrize(("password1", "password2", "field", "errors"), [
    ("Fresh-password-2026", "Fresh-password-2027", "password2", ["两次输入的密码不一致。"]),
    ("12345", "12345", "password1", ["密码长度太短。密码必须包含至少 10 个字符。", "这个密码太常见了。",
                                     "密码只包含数字。"]),
])
def test_create_user_password_checks(client_for, cast, password1, password2, field, errors):
    before = state()
    response = client_for("office").post(reverse("accounts:user_create"), {
        "username": "newbie", "unit": cast.dept_a.pk, "password1": password1, "password2": password2,
        "role": "viewer", "grant_unit": cast.dept_a.pk,
    })
    assert response.status_code == 200
    assert response.context["form"].errors[field] == errors
    assert state() == before


def test_create_user_with_taken_name(client_for, cast):
    before = state()
    response = client_for("office").post(reverse("accounts:user_create"), {
        "username": "LIAISON_A", "unit": cast.dept_a.pk, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "role": "viewer", "grant_unit": cast.dept_a.pk,
    })
    assert response.context["form"].errors == {"username": ["已被使用。"], "__all__": ["用户名“LIAISON_A”已被占用。"]}
    assert state() == before


def test_edit_profile(client_for, cast):
    response = client_for("office").post(reverse("accounts:user_edit", args=[cast.liaison_a.pk]), {
        "username": "liaison_a", "display_name": "张三", "email": "zhang@example.org", "phone": "13800000000",
        "unit": cast.dept_b.pk,
    })
    assert response.status_code == 302
    user = User.objects.get(pk=cast.liaison_a.pk)
    assert (user.display_name, user.email, user.phone, user.unit) == (
        "张三", "zhang@example.org", "13800000000", cast.dept_b)
    event = AuditEvent.objects.latest("seq")
    assert event.action == "user.update"
    assert event.changes == {"display_name": ["liaison_a", "张三"], "email": ["", "zhang@example.org"],
                             "phone": ["", "13800000000"], "unit": [cast.dept_a.pk, cast.dept_b.pk]}


def test_deactivate_and_reactivate(client_for, cast):
    client = client_for("office")
    url = reverse("accounts:user_set_active", args=[cast.liaison_b.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"active": "0"}).status_code == 302
    assert User.objects.get(pk=cast.liaison_b.pk).is_active is False
    assert Client().login(username="liaison_b", password=PASSWORD) is False
    assert client.post(url, {"active": "1"}).status_code == 302
    assert User.objects.get(pk=cast.liaison_b.pk).is_active is True
    assert [e.changes for e in AuditEvent.objects.filter(action="user.update").order_by("seq")] == [
        {"is_active": [True, False]}, {"is_active": [False, True]},
    ]


def test_admin_cannot_deactivate_self(client_for, cast):
    client = client_for("office")
    response = client.post(reverse("accounts:user_set_active", args=[cast.office.pk]), {"active": "0"}, follow=True)
    assert User.objects.get(pk=cast.office.pk).is_active is True
    assert "不能停用自己的账号。" in response.content.decode()


def test_reset_password(client_for, cast):
    client = client_for("office")
    url = reverse("accounts:user_password", args=[cast.liaison_a.pk])
    bad = client.post(url, {"password1": NEW_PASSWORD, "password2": "other"})
    assert bad.context["form"].errors == {"password2": ["两次输入的密码不一致。"]}
    assert User.objects.get(pk=cast.liaison_a.pk).check_password(PASSWORD)
    assert client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302
    assert User.objects.get(pk=cast.liaison_a.pk).check_password(NEW_PASSWORD)
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.changes) == ("user.set_password", {"password": "changed"})


def test_add_and_withdraw_grant(client_for, cast):
    client = client_for("office")
    response = client.post(reverse("accounts:grant_add", args=[cast.liaison_a.pk]), {
        "role": "reviewer", "unit": cast.district.pk, "include_descendants": "on"})
    assert response.status_code == 302
    grant = Grant.objects.get(user=cast.liaison_a, role="reviewer")
    assert (grant.unit, grant.include_descendants) == (cast.district, True)
    duplicate = client.post(reverse("accounts:grant_add", args=[cast.liaison_a.pk]), {
        "role": "reviewer", "unit": cast.district.pk})
    assert duplicate.context["form"].errors == {"__all__": ["该用户在该单位已有此角色。"]}
    assert client.get(reverse("accounts:grant_delete", args=[grant.pk])).status_code == 200
    assert client.post(reverse("accounts:grant_delete", args=[grant.pk])).status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2]) == [
        "grant.delete", "grant.create"]


def test_admin_cannot_withdraw_own_last_admin_grant(client_for, cast):
    grant = Grant.objects.get(user=cast.office, role="office_admin")
    response = client_for("office").post(reverse("accounts:grant_delete", args=[grant.pk]), follow=True)
    assert Grant.objects.filter(pk=grant.pk).exists()
    assert "不能撤销自己仅有的质量强区办管理员角色。" in response.content.decode()


@pytest.mark.parametrize("member", ["liaison_a", "liaison_b", "town_liaison", "leader"])
def test_others_get_404_and_nothing_changes(client_for, cast, member):
    client = client_for(member)
    before = state()
    grant = Grant.objects.get(user=cast.liaison_b)
    for url in [
        reverse("accounts:user_list"), reverse("accounts:user_export"), reverse("accounts:user_create"),
        reverse("accounts:user_detail", args=[cast.liaison_b.pk]), reverse("accounts:user_edit", args=[cast.liaison_b.pk]),
        reverse("accounts:user_password", args=[cast.liaison_b.pk]),
        reverse("accounts:grant_add", args=[cast.liaison_b.pk]), reverse("accounts:grant_delete", args=[grant.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    posts = [
        (reverse("accounts:user_create"), {"username": "x1", "unit": cast.dept_a.pk, "password1": NEW_PASSWORD,
                                           "password2": NEW_PASSWORD, "role": "office_admin",
                                           "grant_unit": cast.district.pk}),
        (reverse("accounts:user_edit", args=[cast.liaison_b.pk]), {"username": "renamed", "unit": cast.dept_a.pk}),
        (reverse("accounts:user_set_active", args=[cast.liaison_b.pk]), {"active": "0"}),
        (reverse("accounts:user_password", args=[cast.liaison_b.pk]),
         {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
        (reverse("accounts:grant_add", args=[cast.liaison_b.pk]), {"role": "office_admin", "unit": cast.district.pk}),
        (reverse("accounts:grant_delete", args=[grant.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert state() == before


def test_sub_scope_admin_sees_only_users_of_own_units(cast):
    admin = user_create(actor=None, username="dept_admin", password=PASSWORD, unit=cast.dept_a,
                        grants=[("office_admin", cast.dept_a, True)])
    client = Client()
    client.force_login(admin)
    assert usernames(client.get(reverse("accounts:user_list"))) == ["dept_admin", "liaison_a"]
    assert client.get(reverse("accounts:user_detail", args=[cast.liaison_a.pk])).status_code == 200
    assert client.get(reverse("accounts:user_detail", args=[cast.liaison_b.pk])).status_code == 404
    # Units outside the scope are not offered.
    before = state()
    response = client.post(reverse("accounts:grant_add", args=[cast.liaison_a.pk]), {
        "role": "office_admin", "unit": cast.district.pk})
    assert response.status_code == 200
    assert response.context["form"].errors == {"unit": [f"选择一个有效的选项。 {cast.district.pk} 不在可用的选项中。"]}
    assert state() == before
    # A grant at a unit outside the admin's scope cannot be withdrawn; its holder is no longer the admin's.
    outside = Grant.objects.create(user=cast.liaison_a, role="viewer", unit=cast.dept_b)
    assert client.post(reverse("accounts:grant_delete", args=[outside.pk])).status_code == 404
    assert Grant.objects.filter(pk=outside.pk).exists()
    assert client.get(reverse("accounts:user_detail", args=[cast.liaison_a.pk])).status_code == 404


@pytest.mark.parametrize(("display_name", "label"), [
    ("沈家门街道 联络员 刘", "沈家门街道 联络员 刘"),  # the name says the unit already
    ("刘", "刘 · 沈家门街道"),
])
def test_the_top_bar_names_the_unit_once(client_for, cast, display_name, label):
    user = user_create(actor=None, username="liu", password=PASSWORD, display_name=display_name, unit=cast.town)
    assert user.bar_label == label
    client = Client()
    client.force_login(user)
    html = client.get(reverse("core:home")).content.decode()
    assert f'data-testid="current-user">{label}</button>' in html
