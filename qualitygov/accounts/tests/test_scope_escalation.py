"""An admin scoped to part of the tree can never reach beyond it through a user, a grant or a unit form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qualitygov.accounts.models import Grant, OrgUnit, User
from qualitygov.accounts.services import grant_create, grant_delete, org_unit_create, user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.errors import NotFoundError, ServiceError

from .test_org_views import state

NEW_PASSWORD = "Fresh-password-2026"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dept_admin(cast) -> User:
    """Office admin of 区经信局 and its subordinate units."""
    return user_create(actor=None, username="dept_admin", password=PASSWORD, unit=cast.dept_a,
                       grants=[("office_admin", cast.dept_a, True)])


@pytest.fixture
def narrow_admin(cast) -> tuple[User, OrgUnit]:
    """Office admin of 区经信局 alone (not its 科室), and the 科室."""
    section = org_unit_create(actor=None, name="区经信局技术进步科", kind="other", parent=cast.dept_a)
    admin = user_create(actor=None, username="narrow_admin", password=PASSWORD, unit=cast.dept_a,
                        grants=[("office_admin", cast.dept_a, False)])
    return admin, section


def test_department_admin_cannot_touch_a_district_admin_whose_home_is_the_department(cast, dept_admin):
    big = user_create(actor=None, username="big", password=PASSWORD, unit=cast.dept_a,
                      grants=[("office_admin", cast.district, True)])
    client = signed_in(dept_admin)
    listed = [u.username for u in client.get(reverse("accounts:user_list")).context["lst"].rows]
    assert listed == ["dept_admin", "liaison_a"]
    for url in [reverse("accounts:user_detail", args=[big.pk]), reverse("accounts:user_edit", args=[big.pk]),
                reverse("accounts:user_password", args=[big.pk]), reverse("accounts:grant_add", args=[big.pk])]:
        assert client.get(url).status_code == 404, url
    before = state()
    posts = [
        (reverse("accounts:user_password", args=[big.pk]), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
        (reverse("accounts:user_edit", args=[big.pk]), {"username": "big2", "unit": cast.dept_a.pk}),
        (reverse("accounts:user_set_active", args=[big.pk]), {"active": "0"}),
        (reverse("accounts:grant_add", args=[big.pk]), {"role": "viewer", "unit": cast.dept_a.pk}),
        (reverse("accounts:grant_delete", args=[Grant.objects.get(user=big).pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert state() == before
    # The API answers the same way.
    api = client.get("/api/v1/users/")
    assert [row["username"] for row in api.json()["results"]] == ["dept_admin", "liaison_a"]
    assert client.get(f"/api/v1/users/{big.pk}/").status_code == 404


def test_include_descendants_cannot_reach_units_the_admin_does_not_manage(cast, narrow_admin):
    admin, _section = narrow_admin
    client = signed_in(admin)
    before = state()
    response = client.post(reverse("accounts:grant_add", args=[cast.liaison_a.pk]), {
        "role": "viewer", "unit": cast.dept_a.pk, "include_descendants": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "include_descendants": ["该单位的部分下级单位不在您的管理范围内，请只授予该单位本身的角色。"]}
    response = client.post(reverse("accounts:user_create"), {
        "username": "newbie", "unit": cast.dept_a.pk, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "role": "viewer", "grant_unit": cast.dept_a.pk, "include_descendants": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "include_descendants": ["该单位的部分下级单位不在您的管理范围内，请只授予该单位本身的角色。"]}
    assert state() == before

    response = client.post(reverse("accounts:grant_add", args=[cast.liaison_a.pk]), {
        "role": "viewer", "unit": cast.dept_a.pk})
    assert response.status_code == 302
    assert list(Grant.objects.filter(user=cast.liaison_a).order_by("role").values_list(
        "role", "unit_id", "include_descendants")) == [
        ("department_liaison", cast.dept_a.pk, False), ("viewer", cast.dept_a.pk, False)]


def test_grant_services_refuse_a_signed_in_actor_beyond_their_scope(cast, narrow_admin):
    admin, section = narrow_admin
    before = state()
    with pytest.raises(ServiceError) as refused:
        grant_create(actor=admin, user=cast.liaison_a, role="viewer", unit=cast.dept_b)
    assert (refused.value.code, refused.value.fields) == ("out_of_scope", {"unit": ["选择一个您管理的单位。"]})
    with pytest.raises(ServiceError) as refused:
        grant_create(actor=admin, user=cast.liaison_a, role="viewer", unit=cast.dept_a, include_descendants=True)
    assert refused.value.code == "out_of_scope"
    with pytest.raises(NotFoundError):
        grant_delete(actor=admin, grant=Grant.objects.get(user=cast.liaison_b))
    assert state() == before
    # The system (demo, createadmin) is not limited.
    grant = grant_create(actor=None, user=cast.liaison_a, role="viewer", unit=section, include_descendants=True)
    assert (grant.unit_id, grant.include_descendants) == (section.pk, True)


def test_sub_scope_admin_cannot_move_or_merge_a_unit_out_of_its_scope(cast, dept_admin):
    section = org_unit_create(actor=None, name="区经信局技术进步科", kind="other", parent=cast.dept_a)
    client = signed_in(dept_admin)
    before = state()
    response = client.post(reverse("accounts:unit_edit", args=[section.pk]), {
        "name": section.name, "kind": "other", "parent": cast.dept_b.pk, "sort_order": "0", "is_active": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "parent": [f"选择一个有效的选项。 {cast.dept_b.pk} 不在可用的选项中。"]}
    response = client.post(reverse("accounts:unit_merge", args=[section.pk]),
                           {"target": cast.dept_b.pk, "confirm": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "target": [f"选择一个有效的选项。 {cast.dept_b.pk} 不在可用的选项中。"]}
    # Nor merge a unit it does not manage into one it does.
    assert client.post(reverse("accounts:unit_merge", args=[cast.dept_b.pk]),
                       {"target": section.pk, "confirm": "1"}).status_code == 404
    assert state() == before
