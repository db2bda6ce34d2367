"""The security baseline: deploy checks, passwords, sign-in lockout, sessions, CSRF, API and form errors."""

from __future__ import annotations

import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone, translation
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.access import LOGIN, rule_allows
from qualitygov.core.api.base import AccessRulePermission
from qualitygov.core.models import AuditEvent

from .dbstate import changed_tables, table_snapshot
from .urlwalk import routes, samples, url_kwargs

ROOT = Path(__file__).resolve().parent.parent
LOCKED_ZH = "该账号在此地址登录失败次数过多。请 15 分钟后再试、输入验证器验证码，或请质量强区办解锁。"
REQUIRED_ZH = "该字段是必填项。"
UNKNOWN_ID = 2_000_000_000


def _secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(60))


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("QUALITYGOV_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **extra})
    return env


# --- deployment -------------------------------------------------------------------------------


def test_deploy_check_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(QUALITYGOV_SECRET_KEY=_secret_key()),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_long_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT,
        env=_production_env(QUALITYGOV_SECRET_KEY="short"), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "QUALITYGOV_SECRET_KEY must be set to a random string of at least 50 characters." in result.stderr


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "messages"), [
    ("Kq7#zW", ["密码长度太短。密码必须包含至少 10 个字符。"]),
    ("password123", ["这个密码太常见了。"]),
    ("20250917384615", ["密码只包含数字。"]),
])
def test_password_validators_refuse_weak_passwords_in_chinese(password, messages):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert refused.value.messages == messages


def test_a_strong_password_passes_the_validators():
    assert validate_password("Zhoushan-Putuo-2026!") is None


# --- sign-in lockout --------------------------------------------------------------------------


def _sign_in(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _login_error(response) -> str:
    found = re.search(r'data-testid="login-error">(.*?)</div>', response.content.decode(), re.S)
    return found.group(1).strip() if found else ""


def test_repeated_wrong_passwords_lock_the_account(cast, client):
    limit = settings.LOGIN_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit):
        response = _sign_in(client, "liaison_a", "not-the-password")
        assert response.status_code == 200
        assert LOCKED_ZH not in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1

    before = table_snapshot()
    response = _sign_in(client, "liaison_a", PASSWORD)
    assert response.status_code == 200
    assert _login_error(response) == LOCKED_ZH
    assert changed_tables(before, table_snapshot()) == []
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    cast.liaison_a.refresh_from_db()
    assert cast.liaison_a.last_login is None
    assert client.get(reverse("core:home")).status_code == 302


def test_the_lock_holds_for_that_account_only(cast, client):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _sign_in(client, "liaison_a", "not-the-password")
    response = _sign_in(Client(), "liaison_b", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


# --- sessions ---------------------------------------------------------------------------------


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_a_signed_in_session_ends_with_the_browser_and_after_eight_hours(cast, client):
    response = _sign_in(client, "liaison_a", PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"] is True
    assert client.session.get_expire_at_browser_close() is True
    assert client.session.get_expiry_age() == 8 * 3600


def test_an_expired_session_is_sent_back_to_sign_in(cast, client):
    assert _sign_in(client, "liaison_a", PASSWORD).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- CSRF -------------------------------------------------------------------------------------


def test_sign_in_without_a_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    before = table_snapshot()
    response = client.post(reverse("accounts:login"), {"username": "liaison_a", "password": PASSWORD})
    assert response.status_code == 403
    assert changed_tables(before, table_snapshot()) == []
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_sign_in_with_the_csrf_token_works(cast):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(reverse("accounts:login"),
                           {"username": "liaison_a", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(cast.liaison_a.pk)


# --- API errors -------------------------------------------------------------------------------


class _EchoProbe(APIView):
    """Reads the JSON body like every writing API view; used to test the error contract alone."""

    access_rule = LOGIN
    permission_classes = [permissions.IsAuthenticated, AccessRulePermission]

    def post(self, request):
        return Response({"keys": sorted(request.data)})


urlpatterns = [path("probe/", _EchoProbe.as_view(), name="probe")]
MALFORMED = '{"name": "区经信局",'


def _assert_malformed(response) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "malformed"
    assert body["fields"] == {}
    assert body["message"]


@pytest.mark.urls("tests.test_security")
def test_malformed_json_answers_400_malformed(client_for):
    client = client_for("office")
    assert client.post("/probe/", {"a": 1}, content_type="application/json").json() == {"keys": ["a"]}
    _assert_malformed(client.post("/probe/", MALFORMED, content_type="application/json"))


@pytest.mark.urls("tests.test_security")
def test_a_session_signed_api_write_needs_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.office)
    response = client.post("/probe/", {"a": 1}, content_type="application/json")
    assert response.status_code in (403, 404)  # refused; the API does not tell forbidden from missing
    assert set(response.json()) == {"code", "message", "fields"}


def _writable_api_routes():
    return [r for r in routes() if r.is_api and any(r.accepts(m) for m in ("post", "put", "patch"))]


def test_malformed_json_on_every_writing_api_endpoint_changes_nothing(cast, client_for):
    sample_factories = samples()
    client = client_for("office")
    checked = []
    for route in _writable_api_routes():
        if not rule_allows(route.rule or "", cast.office):
            continue
        sample = dict(sample_factories[route.name](cast)) if route.name in sample_factories else {}
        url = reverse(route.name, kwargs=url_kwargs(route, sample))
        for method in ("post", "put", "patch"):
            if not route.accepts(method):
                continue
            before = table_snapshot()
            response = getattr(client, method)(url, MALFORMED, content_type="application/json",
                                               HTTP_ACCEPT="application/json")
            _assert_malformed(response)
            assert changed_tables(before, table_snapshot()) == [], f"{method.upper()} {url} changed rows"
            checked.append(f"{method.upper()} {url}")
    print("malformed JSON checked on:", checked)


def test_unknown_ids_answer_404(cast, client_for):
    """Every URL with an object id, asked for an id that does not exist, answers 404 (API: not_found).

    Views that only take POST are asked with a POST, which must change nothing."""
    sample_factories = samples()
    client = client_for("office")
    problems = []
    for route in routes():
        if route.name not in sample_factories:
            continue
        sample = dict(sample_factories[route.name](cast))
        kwargs = url_kwargs(route, sample)
        ids = [name for name, value in kwargs.items() if isinstance(value, int)]
        if not ids:
            continue
        url = reverse(route.name, kwargs={**kwargs, **dict.fromkeys(ids, UNKNOWN_ID)})
        headers = {"HTTP_ACCEPT": "application/json, */*;q=0.1"} if route.is_api else {}
        method = "get" if route.accepts("get") and sample.get("get_status") != 405 else "post"
        before = table_snapshot()
        response = getattr(client, method)(url, **headers)
        if response.status_code != 404:
            problems.append(f"{route.name}: {method.upper()} {url} answered {response.status_code}")
        elif route.is_api and response.json().get("code") != "not_found":
            problems.append(f"{route.name}: {method.upper()} {url} body {response.content[:100]!r}")
        if changed := changed_tables(before, table_snapshot()):
            problems.append(f"{route.name}: {method.upper()} {url} changed {changed}")
    assert problems == []


# --- forms ------------------------------------------------------------------------------------


def test_a_form_missing_its_fields_re_renders_in_chinese_and_writes_nothing(cast, client_for):
    client = client_for("liaison_a")
    before = table_snapshot()
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": "", "new_password1": "", "new_password2": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count(REQUIRED_ZH) == 3  # old password, new password, confirmation
    assert changed_tables(before, table_snapshot()) == []
    cast.liaison_a.refresh_from_db()
    assert cast.liaison_a.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_in_chinese_and_writes_nothing(cast, client_for):
    client = client_for("liaison_a")
    before = table_snapshot()
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "20250917384615", "new_password2": "20250917384615",
    })
    assert response.status_code == 200
    assert "密码只包含数字。" in response.content.decode()
    assert changed_tables(before, table_snapshot()) == []
