"""`/api/v1/` for accounts: org units, users, me, tokens — each scoped like the web pages."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from qualitygov.accounts.choices import OrgUnitKind, Role
from qualitygov.accounts.forms import ThrottledAuthenticationForm
from qualitygov.accounts.models import ApiToken, LoginFailure
from qualitygov.accounts.services import org_unit_create, user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.models import AuditEvent

UNITS = "/api/v1/org-units/"
USERS = "/api/v1/users/"
ME = "/api/v1/me/"
TOKEN = "/api/v1/auth/token/"
NOT_FOUND = {"code": "not_found", "message": "未找到。", "fields": {}}


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_liaison_sees_only_their_own_unit(client_for, cast):
    client = client_for("liaison_a")
    response = client.get(UNITS)
    assert _names(response) == ["舟山市普陀区经济和信息化局"]
    assert response.json()["results"][0] == {
        "id": cast.dept_a.pk, "name": "舟山市普陀区经济和信息化局", "short_name": "区经信局", "kind": "department",
        "kind_label": "区直部门", "parent": cast.district.pk, "depth": 1, "sort_order": 0, "is_active": True,
        "aliases": [],
    }
    assert client.get(f"{UNITS}{cast.dept_b.pk}/").json() == NOT_FOUND
    assert client.get(f"{UNITS}{cast.dept_a.pk}/").json()["short_name"] == "区经信局"


def test_leader_sees_every_unit_in_tree_order(client_for, cast):
    assert _names(client_for("leader").get(UNITS)) == [
        "舟山市普陀区", "普陀区质量强区工作领导小组", "普陀区质量强区工作领导小组办公室", "舟山市普陀区经济和信息化局",
        "舟山市普陀区住房和城乡建设局", "舟山市普陀区沈家门街道",
    ]


def test_org_unit_filters(client_for, cast):
    org_unit_create(actor=cast.office, name="舟山市普陀区东港街道", kind=OrgUnitKind.SUBDISTRICT,
                    parent=cast.district, aliases=["东港"])
    client = client_for("leader")
    assert _names(client.get(UNITS, {"kind": "subdistrict"})) == ["舟山市普陀区沈家门街道", "舟山市普陀区东港街道"]
    assert _names(client.get(UNITS, {"parent": cast.district.pk, "kind": "department"})) == [
        "舟山市普陀区经济和信息化局", "舟山市普陀区住房和城乡建设局"]
    assert _names(client.get(UNITS, {"q": "东港"})) == ["舟山市普陀区东港街道"]
    assert _names(client.get(UNITS, {"q": "住建"})) == ["舟山市普陀区住房和城乡建设局"]
    assert _names(client_for("liaison_a").get(UNITS, {"q": "住建"})) == []
    bad = client.get(UNITS, {"kind": "planet"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and list(bad.json()["fields"]) == ["kind"]


@pytest.mark.parametrize("member", ["leader", "liaison_a", "liaison_b", "town_liaison"])
def test_only_managers_may_list_users(client_for, cast, member):
    client = client_for(member)
    assert client.get(USERS).json() == NOT_FOUND
    assert client.get(f"{USERS}{cast.liaison_a.pk}/").status_code == 404


def test_office_lists_users_without_secrets(client_for, cast):
    response = client_for("office").get(USERS)
    rows = response.json()["results"]
    assert [row["username"] for row in rows] == ["leader", "liaison_a", "liaison_b", "office", "town_liaison"]
    liaison = rows[1]
    assert liaison["unit_name"] == "舟山市普陀区经济和信息化局"
    assert liaison["grants"] == [{"id": liaison["grants"][0]["id"], "role": "department_liaison",
                                  "role_label": "部门联络员", "unit": cast.dept_a.pk,
                                  "unit_name": "舟山市普陀区经济和信息化局", "include_descendants": False}]
    assert not {"password", "token", "auth_token"} & set(liaison)
    assert "pbkdf2" not in response.content.decode() and "md5$" not in response.content.decode()
    assert [r["username"] for r in client_for("office").get(USERS, {"unit": cast.town.pk}).json()["results"]] == [
        "town_liaison"]


def test_me_summarises_grants_and_scopes(client_for, cast):
    body = client_for("liaison_a").get(ME).json()
    assert body["username"] == "liaison_a"
    assert [g["role"] for g in body["grants"]] == ["department_liaison"]
    assert body["scopes"]["view"] == {"everything": False, "unit_count": 1, "unit_ids": [cast.dept_a.pk]}
    assert body["scopes"]["audit"] == {"everything": False, "unit_count": 0, "unit_ids": []}
    office = client_for("office").get(ME).json()
    assert office["scopes"]["audit"] == {"everything": True, "unit_count": 6, "unit_ids": None}


def _query_count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_counts_do_not_grow_with_rows(client_for, cast):
    client = client_for("office")

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            unit = org_unit_create(actor=cast.office, name=f"测试单位{i}", kind=OrgUnitKind.DEPARTMENT,
                                   parent=cast.district, aliases=[f"测试{i}"])
            user_create(actor=cast.office, username=f"user{i}", password=PASSWORD, unit=unit,
                        grants=[(Role.VIEWER, unit, False)])

    add(0, 5)
    few = (_query_count(client, UNITS), _query_count(client, USERS))
    add(5, 45)
    assert (_query_count(client, UNITS), _query_count(client, USERS)) == few


def test_token_acts_as_its_user_and_revoked_token_fails(cast):
    client = Client()
    response = client.post(TOKEN, {"username": "liaison_a", "password": PASSWORD, "name": "报送脚本"},
                           content_type="application/json")
    assert response.status_code == 201
    key = response.json()["token"]
    token = ApiToken.objects.get(user=cast.liaison_a)
    assert response.json() == {"token": key, "username": "liaison_a", "created": True, "name": "报送脚本",
                               "prefix": key[:8], "scope": "read",
                               "expires_at": response.json()["expires_at"]}
    assert (len(key), token.prefix, token.key_hash) == (40, key[:8], hashlib.sha256(key.encode()).hexdigest())
    issued = AuditEvent.objects.get(action="api_token.issue")
    assert (issued.actor_id, issued.changes) == (cast.liaison_a.pk, {
        "created": True, "token": key[:8], "name": "报送脚本", "scope": "read",
        "expires_at": token.expires_at.isoformat(), "ip": "127.0.0.1"})
    assert key not in str(issued.changes) + issued.object_repr

    machine = Client(headers={"Authorization": f"Token {key}"})
    assert _names(machine.get(UNITS)) == ["舟山市普陀区经济和信息化局"]
    assert machine.get(USERS).json() == NOT_FOUND
    assert machine.get(ME).json()["username"] == "liaison_a"

    again = client.post(TOKEN, {"username": "liaison_a", "password": PASSWORD}, content_type="application/json")
    assert (again.status_code, again.json()["created"], again.json()["name"]) == (201, True, "API")
    assert again.json()["token"] != key
    assert ApiToken.objects.filter(user=cast.liaison_a).count() == 2

    assert machine.delete(TOKEN).status_code == 204  # a read-only token may revoke itself
    assert list(ApiToken.objects.filter(user=cast.liaison_a).values_list("prefix", flat=True)) == [
        again.json()["token"][:8]]
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=cast.liaison_a).count() == 1
    refused = machine.get(UNITS)
    assert refused.status_code == 401
    assert refused.json() == {"code": "not_authenticated", "message": "认证令牌无效。", "fields": {}}


def test_wrong_password_is_refused_and_counted(cast):
    client = Client()
    response = client.post(TOKEN, {"username": "liaison_a", "password": "wrong"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_credentials", "message": "用户名或密码错误。", "fields": {}}
    assert list(LoginFailure.objects.values_list("username", "ip_address")) == [("liaison_a", "127.0.0.1")]
    assert not ApiToken.objects.exists()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_token_requests_share_the_sign_in_lock(cast):
    client = Client()
    for _ in range(3):
        client.post(TOKEN, {"username": "liaison_a", "password": "wrong"}, content_type="application/json")
    locked = client.post(TOKEN, {"username": "liaison_a", "password": PASSWORD}, content_type="application/json")
    assert locked.status_code == 429
    assert locked.json() == {"code": "throttled", "fields": {},
                             "message": str(ThrottledAuthenticationForm.error_messages["locked"])}
    assert not ApiToken.objects.exists()
    # The web sign-in refuses the same account from the same address too.
    web = client.post("/accounts/login/", {"username": "liaison_a", "password": PASSWORD})
    assert web.status_code == 200
    assert "_auth_user_id" not in client.session


def test_inactive_user_gets_no_token_and_loses_token_access(cast):
    from qualitygov.accounts.services import user_update

    client = Client()
    key = client.post(TOKEN, {"username": "liaison_b", "password": PASSWORD},
                      content_type="application/json").json()["token"]
    user_update(actor=cast.office, user=cast.liaison_b, is_active=False)
    assert Client(headers={"Authorization": f"Token {key}"}).get(ME).status_code == 401
    refused = client.post(TOKEN, {"username": "liaison_b", "password": PASSWORD}, content_type="application/json")
    assert refused.json()["code"] == "invalid_credentials"


def test_revoking_without_credentials_is_401(client, cast):
    response = client.delete(TOKEN)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("url", "name"), [(UNITS, "parent"), (USERS, "unit")])
def test_out_of_range_unit_ids_are_400_not_500(client_for, cast, url, name):
    response = client_for("office").get(url, {name: "99999999999999999999"})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "提交的数据无效。",
                               "fields": {name: ["确保该值小于或等于9223372036854775807。"]}}
