"""Sign-in through the government identity provider, against a local OpenID Connect provider.

The provider (oidc_provider.py) runs in a thread of this process on a free port; the backend really
fetches its discovery document, exchanges the code at /token (client secret and PKCE verifier
checked by the provider), fetches /jwks and /userinfo. Each refusal leaves no signed-in session,
changes no account and is audited with its reason.
"""

from __future__ import annotations

import html
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from qualitygov.accounts import oidc
from qualitygov.accounts.auth import login_failure_record
from qualitygov.accounts.models import LoginFailure
from qualitygov.accounts.services import user_update
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.models import AuditEvent
from tests.dbstate import changed_tables, table_snapshot

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, new_key

LOGIN = "/accounts/login/"
START = "/accounts/oidc/login/"
CALLBACK = "/accounts/oidc/callback/"
BUTTON = "使用政务统一身份认证登录"
IP = "127.0.0.1"


@pytest.fixture(scope="module")
def provider():
    local = LocalProvider().start()
    yield local
    local.stop()


@pytest.fixture
def oidc_on(provider, settings):
    provider.reset()
    oidc.forget_discovery()
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    yield provider
    oidc.forget_discovery()


def _go_to_provider(client: Client, provider: LocalProvider) -> str:
    """Start the sign-in, let the provider authorize; the path and query it redirects back to."""
    start = client.get(START)
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert (back.scheme, back.netloc, back.path) == ("http", "testserver", CALLBACK)
    return f"{back.path}?{back.query}"


def _sign_in(client: Client, provider: LocalProvider):
    return client.get(_go_to_provider(client, provider))


def _refusal() -> AuditEvent:
    return AuditEvent.objects.get(action="auth.oidc_refused")


def _assert_refused(client: Client, response, message: str) -> None:
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    page = client.get(LOGIN).content.decode()
    assert message in page
    assert not AuditEvent.objects.filter(action__in=["auth.oidc_login", "auth.login"]).exists()


# --- switched off ---------------------------------------------------------------------------------


def test_without_oidc_settings_the_routes_answer_404_and_the_login_page_has_no_button(db):
    client = Client()
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 404
    assert BUTTON not in client.get(LOGIN).content.decode()
    assert not oidc.oidc_enabled()


def test_with_oidc_settings_the_login_page_shows_the_button_and_keeps_the_password_form(oidc_on, db):
    page = Client().get(LOGIN).content.decode()
    assert BUTTON in page
    assert 'href="/accounts/oidc/login/"' in page
    assert 'name="password"' in page


# --- the flow ----------------------------------------------------------------------------------


def test_oidc_sign_in_maps_the_verified_claim_to_the_existing_account(oidc_on, cast):
    client = Client()
    start = client.get(START)
    params = parse_qs(urlsplit(start["Location"]).query)
    assert params["response_type"] == ["code"]
    assert params["client_id"] == [CLIENT_ID]
    assert params["code_challenge_method"] == ["S256"]
    assert len(params["state"][0]) == 32 and len(params["nonce"][0]) == 32
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(cast.liaison_a.pk)
    assert client.session[oidc.SESSION_METHOD] == "oidc"
    event = AuditEvent.objects.get(action="auth.oidc_login")
    assert (event.actor_id, event.object_id, event.changes) == (
        cast.liaison_a.pk, str(cast.liaison_a.pk), {"ip": IP, "subject": "gov-0001"})
    # The backend fetched discovery, exchanged the code (client secret and PKCE verifier checked by
    # the provider), verified the signature with the JWKS and read the user name from /userinfo.
    assert oidc_on.seen == ["GET /.well-known/openid-configuration", "GET /authorize", "POST /token",
                            "GET /jwks", "GET /userinfo"]
    assert client.get("/").status_code == 200


def test_the_next_page_is_kept_across_the_provider(oidc_on, cast):
    client = Client()
    start = client.get(START, {"next": "/accounts/password/"})
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}")["Location"] == "/accounts/password/"


def test_a_claim_in_the_id_token_is_used_without_userinfo(oidc_on, cast):
    oidc_on.id_token_overrides = {"preferred_username": "liaison_b"}
    oidc_on.userinfo_claims = {"preferred_username": "liaison_a"}
    client = Client()
    _sign_in(client, oidc_on)
    assert client.session["_auth_user_id"] == str(cast.liaison_b.pk)
    assert "GET /userinfo" not in oidc_on.seen


def test_the_claim_to_map_is_configurable(oidc_on, cast, settings):
    settings.OIDC_USERNAME_CLAIM = "employee_no"
    oidc_on.userinfo_claims = {"preferred_username": "liaison_a", "employee_no": "town_liaison"}
    client = Client()
    _sign_in(client, oidc_on)
    assert client.session["_auth_user_id"] == str(cast.town_liaison.pk)


def test_a_stored_subject_maps_to_its_account_whatever_the_claim_says(oidc_on, cast):
    user_update(actor=cast.office, user=cast.liaison_b, oidc_subject="gov-0001")
    client = Client()
    _sign_in(client, oidc_on)  # the provider's preferred_username is liaison_a
    assert client.session["_auth_user_id"] == str(cast.liaison_b.pk)
    assert "GET /userinfo" not in oidc_on.seen


def test_an_account_bound_to_another_subject_is_refused(oidc_on, cast):
    user_update(actor=cast.office, user=cast.liaison_a, oidc_subject="gov-7777")
    client = Client()
    _assert_refused(client, _sign_in(client, oidc_on), "本平台没有与之对应的账号")
    event = _refusal()
    assert (event.object_repr, event.changes) == (
        "liaison_a", {"ip": IP, "reason": "subject_mismatch", "subject": "gov-0001"})


def test_without_a_claim_only_stored_subjects_map(oidc_on, cast, settings):
    settings.OIDC_USERNAME_CLAIM = ""
    client = Client()
    _assert_refused(client, _sign_in(client, oidc_on), "本平台没有与之对应的账号")
    assert _refusal().changes == {"ip": IP, "reason": "unknown", "subject": "gov-0001"}
    user_update(actor=cast.office, user=cast.town_liaison, oidc_subject="gov-0001")
    _sign_in(client, oidc_on)
    assert client.session["_auth_user_id"] == str(cast.town_liaison.pk)


def test_the_office_records_the_identity_on_the_user_page(client_for, cast):
    office = client_for("office")
    url = f"/accounts/users/{cast.liaison_a.pk}/edit/"
    user = cast.liaison_a
    form = {"username": "liaison_a", "display_name": user.display_name, "email": user.email, "phone": user.phone,
            "unit": cast.dept_a.pk, "oidc_subject": " gov-0001 "}
    assert office.post(url, form).status_code == 302
    cast.liaison_a.refresh_from_db()
    assert cast.liaison_a.oidc_subject == "gov-0001"
    event = AuditEvent.objects.get(action="user.update")
    assert event.changes == {"oidc_subject": ["", "gov-0001"]}
    assert 'data-testid="oidc-subject">gov-0001<' in office.get(f"/accounts/users/{cast.liaison_a.pk}/").content.decode()
    before = table_snapshot()
    taken = office.post(f"/accounts/users/{cast.liaison_b.pk}/edit/", {**form, "username": "liaison_b",
                                                                        "unit": cast.dept_b.pk})
    assert taken.status_code == 200
    assert "该统一身份认证标识已属于其他用户。" in taken.content.decode()
    assert changed_tables(before, table_snapshot()) == []


# Checks made after the signature is verified name the (then trusted) subject.
SIGNED = {"subject": "gov-0001"}


@pytest.mark.parametrize(("overrides", "check", "subject"), [
    ({"nonce": "not-the-nonce-of-this-request"}, "nonce", SIGNED),
    ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, "expired", {}),
    ({"aud": "another-client"}, "audience", {}),
    ({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}, "audience", SIGNED),
    ({"iss": "https://idp.example.invalid"}, "issuer", {}),
    ({"exp": None}, "claims", {}),
])
def test_a_token_failing_a_check_is_refused_and_audited(oidc_on, cast, overrides, check, subject):
    oidc_on.id_token_overrides = overrides
    client = Client()
    back = _go_to_provider(client, oidc_on)
    before = table_snapshot()
    response = client.get(back)
    _assert_refused(client, response, "无法核验政务统一身份认证的应答")
    assert _refusal().changes == {"ip": IP, "reason": "invalid_token", "check": check, **subject}
    assert "accounts.User" not in changed_tables(before, table_snapshot())


def test_a_token_signed_with_another_key_is_refused(oidc_on, cast):
    oidc_on.signing_key = new_key()
    client = Client()
    response = _sign_in(client, oidc_on)
    _assert_refused(client, response, "无法核验政务统一身份认证的应答")
    assert _refusal().changes == {"ip": IP, "reason": "invalid_token", "check": "signature"}


@pytest.mark.parametrize("algorithm", ["HS256", "none"])
def test_a_token_not_signed_with_rs256_is_refused(oidc_on, cast, algorithm):
    oidc_on.algorithm = algorithm  # HS256 with the client secret: the classic algorithm confusion
    client = Client()
    _assert_refused(client, _sign_in(client, oidc_on), "无法核验政务统一身份认证的应答")
    assert _refusal().changes == {"ip": IP, "reason": "invalid_token", "check": "signature"}


def test_an_unknown_person_is_refused_with_a_clear_message_and_no_account_is_made(oidc_on, cast):
    oidc_on.userinfo_claims = {"preferred_username": "zhang.san"}
    client = Client()
    back = _go_to_provider(client, oidc_on)
    before = table_snapshot()
    response = client.get(back)
    _assert_refused(client, response, "政务统一身份认证已确认您的身份，但本平台没有与之对应的账号。请联系质量强区办开通账号。")
    assert changed_tables(before, table_snapshot()) == ["core.AuditEvent", "core.AuditHead", "sessions.Session"]
    event = _refusal()
    assert (event.object_repr, event.changes) == ("zhang.san", {"ip": IP, "reason": "unknown", "subject": "gov-0001"})


def test_a_user_name_differing_in_case_is_not_the_account(oidc_on, cast):
    oidc_on.userinfo_claims = {"preferred_username": "LIAISON_A"}
    client = Client()
    _assert_refused(client, _sign_in(client, oidc_on), "本平台没有与之对应的账号")
    assert _refusal().changes["reason"] == "unknown"


def test_a_deactivated_account_is_refused(oidc_on, cast):
    user_update(actor=cast.office, user=cast.liaison_a, is_active=False)
    client = Client()
    response = _sign_in(client, oidc_on)
    _assert_refused(client, response, "您在本平台的账号已停用，请联系质量强区办。")
    event = _refusal()
    assert (event.object_repr, event.changes) == ("liaison_a", {"ip": IP, "reason": "inactive", "subject": "gov-0001"})


def test_a_userinfo_answer_about_another_subject_is_refused(oidc_on, cast):
    oidc_on.userinfo_claims = {"preferred_username": "office", "sub": "gov-9999"}
    client = Client()
    _assert_refused(client, _sign_in(client, oidc_on), "无法核验政务统一身份认证的应答")
    assert _refusal().changes == {"ip": IP, "reason": "invalid_token", "check": "userinfo", "subject": "gov-0001"}


def test_a_state_not_started_here_is_refused_without_calling_the_provider(oidc_on, cast):
    client = Client()
    client.get(START)
    response = client.get(CALLBACK, {"code": "stolen-code", "state": "forged-state"})
    _assert_refused(client, response, "政务统一身份认证登录已过期或并非从本平台发起")
    assert _refusal().changes == {"ip": IP, "reason": "state"}
    assert "POST /token" not in oidc_on.seen


def test_a_callback_cannot_be_replayed(oidc_on, cast):
    client = Client()
    back = _go_to_provider(client, oidc_on)
    client.get(back)
    client.post("/accounts/logout/")
    response = client.get(back)
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert _refusal().changes == {"ip": IP, "reason": "state"}


def test_cancelling_at_the_provider_is_refused_and_audited(oidc_on, cast):
    client = Client()
    start = client.get(START)
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(CALLBACK, {"error": "access_denied", "state": state})
    _assert_refused(client, response, "已在政务统一身份认证处取消登录。")
    assert _refusal().changes == {"ip": IP, "reason": "denied"}
    assert client.session["oidc_states"] == {}


def test_an_unreachable_provider_is_refused_on_the_login_page(oidc_on, cast, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens on the discard port
    client = Client()
    response = client.get(START)
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "暂时无法连接政务统一身份认证" in client.get(LOGIN).content.decode()


def test_a_discovery_document_naming_another_issuer_is_not_used(oidc_on, cast, settings):
    settings.OIDC_ISSUER = oidc_on.issuer + "/"
    client = Client()
    assert client.get(START)["Location"] == LOGIN
    assert oidc_on.seen == ["GET /.well-known/openid-configuration"]


def test_a_code_on_the_password_form_does_not_start_the_oidc_backend(oidc_on, cast):
    client = Client()
    response = client.post(f"{LOGIN}?code=x&state=y", {"username": "liaison_a", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(cast.liaison_a.pk)
    assert oidc_on.seen == []


def test_a_password_lock_on_the_address_does_not_keep_the_owner_from_the_provider(oidc_on, cast, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login_failure_record(username="liaison_a", ip_address=IP)
    client = Client()
    _sign_in(client, oidc_on)
    assert client.session["_auth_user_id"] == str(cast.liaison_a.pk)
    assert not LoginFailure.objects.filter(username="liaison_a", ip_address=IP).exists()


def test_signing_out_is_audited_and_continues_at_the_provider(oidc_on, cast):
    client = Client()
    _sign_in(client, oidc_on)
    id_token = client.session["oidc_id_token"]
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/oidc/signed-out/"
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/oidc/signed-out/")
    url = re.search(r'data-testid="oidc-end-session" href="([^"]+)"', page.content.decode()).group(1)
    location = urlsplit(html.unescape(url))
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{oidc_on.issuer}/logout"
    assert parse_qs(location.query) == {"client_id": [CLIENT_ID], "id_token_hint": [id_token],
                                        "post_logout_redirect_uri": ["http://testserver/accounts/login/"]}
    assert f'<meta http-equiv="refresh" content="0;url={url}">' in page.content.decode()
    assert client.get("/accounts/oidc/signed-out/")["Location"] == LOGIN  # shown once
    event = AuditEvent.objects.get(action="auth.logout")
    assert (event.actor_id, event.changes) == (cast.liaison_a.pk, {"ip": IP, "method": "oidc"})


def test_a_password_session_signs_out_locally(oidc_on, cast):
    client = Client()
    client.post(LOGIN, {"username": "liaison_a", "password": PASSWORD})
    response = client.post("/accounts/logout/")
    assert response["Location"] == LOGIN
    assert AuditEvent.objects.get(action="auth.logout").changes == {"ip": IP}
