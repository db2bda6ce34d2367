"""API tokens: only a hash is stored; name, scope and expiry; revoked on password change or reset and on
deactivation; listed, made and revoked on "My API tokens"; the office revokes a user's tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import re

from django.apps import apps
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from qualitygov.accounts.models import ApiToken
from qualitygov.accounts.services import user_set_password, user_update
from qualitygov.accounts.testing import PASSWORD
from qualitygov.accounts.tokens import api_token_create
from qualitygov.core.errors import ServiceError
from qualitygov.core.models import AuditEvent
from tests.dbstate import changed_tables, table_snapshot

ME = "/api/v1/me/"
TOKEN = "/api/v1/auth/token/"
TOKENS = "/accounts/tokens/"


def _machine(key: str) -> Client:
    return Client(headers={"Authorization": f"Token {key}"})


def test_only_the_hash_of_a_key_is_stored(cast):
    token, key = api_token_create(actor=cast.liaison_a, user=cast.liaison_a, name="script", scope="write", days=30)
    row = ApiToken.objects.values().get(pk=token.pk)
    assert key not in str(row)
    assert (row["key_hash"], row["prefix"], row["name"], row["scope"]) == (
        hashlib.sha256(key.encode()).hexdigest(), key[:8], "script", "write")
    assert row["expires_at"] - row["created_at"] == dt.timedelta(days=30)
    assert not Token.objects.exists()
    assert _machine(key).get(ME).json()["username"] == "liaison_a"
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_an_expired_token_is_refused(cast):
    token, key = api_token_create(actor=None, user=cast.liaison_a, name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _machine(key).get(ME)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@override_settings(API_TOKEN_DAYS=30)
def test_expiry_is_bounded_by_the_setting(cast):
    for days in (0, 31):
        try:
            api_token_create(actor=None, user=cast.liaison_a, name="x", days=days)
        except ServiceError as refused:
            assert refused.fields == {"days": ["令牌有效期为 1 至 30 天。"]}
        else:
            raise AssertionError(days)
    token, _key = api_token_create(actor=None, user=cast.liaison_a, name="x")
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    assert ApiToken.objects.count() == 1


def test_the_api_issues_the_requested_scope_and_expiry(cast):
    response = Client().post(TOKEN, {"username": "liaison_a", "password": PASSWORD, "name": "sync", "scope": "write",
                                     "days": 7}, content_type="application/json")
    assert response.status_code == 201
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.expires_at - token.created_at) == ("sync", "write", dt.timedelta(days=7))
    bad = Client().post(TOKEN, {"username": "liaison_a", "password": PASSWORD, "scope": "admin"},
                        content_type="application/json")
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["scope"])
    assert ApiToken.objects.count() == 1


def test_a_read_only_token_may_not_use_writing_methods(cast):
    _token, key = api_token_create(actor=None, user=cast.liaison_a, name="read")
    machine = _machine(key)
    assert machine.get(ME).status_code == 200
    before = table_snapshot()
    for method in (machine.post, machine.put, machine.patch):
        response = method(ME, {}, content_type="application/json")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert changed_tables(before, table_snapshot()) == []


def test_setting_a_password_revokes_every_token(cast):
    keys = [api_token_create(actor=None, user=cast.liaison_a, name=n)[1] for n in ("a", "b")]
    other = api_token_create(actor=None, user=cast.liaison_b, name="b")[1]
    user_set_password(actor=cast.office, user=cast.liaison_a, password="Another-password-2026")
    assert [_machine(k).get(ME).status_code for k in keys] == [401, 401]
    assert _machine(other).get(ME).status_code == 200
    revoked = AuditEvent.objects.get(action="api_token.revoke")
    assert (revoked.actor_id, revoked.changes) == (
        cast.office.pk, {"revoked": True, "tokens": sorted(k[:8] for k in keys), "reason": "password"})


def test_changing_ones_own_password_revokes_every_token(cast, client_for):
    key = api_token_create(actor=None, user=cast.liaison_a, name="a")[1]
    client = client_for("liaison_a")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Another-password-2026", "new_password2": "Another-password-2026"})
    assert response.status_code == 302
    assert _machine(key).get(ME).status_code == 401
    assert not ApiToken.objects.exists()


def test_deactivation_revokes_every_token(cast, client_for):
    key = api_token_create(actor=None, user=cast.liaison_a, name="a")[1]
    client_for("office").post(reverse("accounts:user_set_active", args=[cast.liaison_a.pk]), {"active": "0"})
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.get(action="api_token.revoke").changes["reason"] == "deactivated"
    user_update(actor=cast.office, user=cast.liaison_a, is_active=True)
    assert _machine(key).get(ME).status_code == 401


def test_my_tokens_page_makes_shows_once_and_revokes(cast, client_for):
    client = client_for("liaison_a")
    empty = client.get(TOKENS)
    assert 'data-testid="no-tokens"' in empty.content.decode()
    created = client.post(TOKENS, {"name": "报表脚本", "scope": "read", "days": "10"}, follow=True)
    assert (created.redirect_chain, created["Cache-Control"]) == ([(TOKENS, 302)], "no-store")
    key = re.search(r'data-testid="new-token-key">([0-9a-f]{40})<', created.content.decode()).group(1)
    token = ApiToken.objects.get(user=cast.liaison_a)
    assert (token.name, token.scope, token.key_hash) == ("报表脚本", "read", hashlib.sha256(key.encode()).hexdigest())
    assert "accounts_new_token_key" not in client.session
    listed = client.get(TOKENS).content.decode()  # shown once only
    assert key not in listed and f"{key[:8]}…" in listed and "报表脚本" in listed and "只读" in listed
    assert ApiToken.objects.count() == 1

    # Someone else's token is not theirs to revoke.
    other, _other_key = api_token_create(actor=None, user=cast.liaison_b, name="b")
    before = table_snapshot()
    assert client.post(reverse("accounts:token_revoke", args=[other.pk])).status_code == 404
    assert changed_tables(before, table_snapshot()) == []

    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert list(ApiToken.objects.values_list("user__username", flat=True)) == ["liaison_b"]
    assert _machine(key).get(ME).status_code == 401
    revoked = AuditEvent.objects.get(action="api_token.revoke")
    assert revoked.changes == {"revoked": True, "token": key[:8], "name": "报表脚本", "reason": "owner"}


def test_the_token_form_refuses_a_bad_expiry(cast, client_for):
    response = client_for("liaison_a").post(TOKENS, {"name": "x", "scope": "write", "days": "91"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"days": ["确保该值小于或等于90。"]}
    assert not ApiToken.objects.exists()


def test_the_office_sees_and_revokes_a_users_tokens(cast, client_for):
    key = api_token_create(actor=None, user=cast.liaison_a, name="sync", scope="write")[1]
    office = client_for("office")
    page = office.get(reverse("accounts:user_detail", args=[cast.liaison_a.pk])).content.decode()
    assert f"sync · <code>{key[:8]}…</code> · 读写" in page
    response = office.post(reverse("accounts:user_tokens_revoke", args=[cast.liaison_a.pk]))
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.get(action="api_token.revoke").changes == {
        "revoked": True, "tokens": [key[:8]], "reason": "office"}


def test_a_liaison_cannot_revoke_someone_elses_tokens(cast, client_for):
    api_token_create(actor=None, user=cast.liaison_b, name="b")
    liaison = client_for("liaison_a")
    before = table_snapshot()
    response = liaison.post(reverse("accounts:user_tokens_revoke", args=[cast.liaison_b.pk]))
    assert response.status_code == 404
    assert changed_tables(before, table_snapshot()) == []


def test_the_migration_hashes_old_plaintext_tokens(cast):
    migration = importlib.import_module("qualitygov.accounts.migrations.0003_security_tokens_second_factor")
    old = Token.objects.create(user=cast.liaison_a)
    migration.hash_plaintext_tokens(apps, None)
    assert not Token.objects.exists()
    token = ApiToken.objects.get()
    assert (token.user_id, token.prefix, token.scope, token.key_hash) == (
        cast.liaison_a.pk, old.key[:8], "write", hashlib.sha256(old.key.encode()).hexdigest())
    assert _machine(old.key).get(ME).json()["username"] == "liaison_a"


def test_delete_with_a_session_revokes_every_token_of_the_caller(cast, client_for):
    keys = [api_token_create(actor=None, user=cast.liaison_a, name=n)[1] for n in ("a", "b")]
    api_token_create(actor=None, user=cast.liaison_b, name="b")
    response = client_for("liaison_a").delete(TOKEN)
    assert response.status_code == 204
    assert list(ApiToken.objects.values_list("user__username", flat=True)) == ["liaison_b"]
    assert AuditEvent.objects.get(action="api_token.revoke").changes == {
        "revoked": True, "tokens": sorted(k[:8] for k in keys), "reason": "owner"}
