"""Sign-in throttling per account and address, the account ceiling, the second factor, the office's unlock.

An attacker elsewhere cannot lock the owner out; case variants of the user name count against the
same account; the owner gets in with an authenticator code or after the office unlocks (or resets the
password); the office sees who is locked; locks and unlocks are audited.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from qualitygov.accounts.models import LoginFailure, TotpDevice
from qualitygov.accounts.services import user_set_password
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.models import AuditEvent
from qualitygov.utilities import totp
from tests.dbstate import changed_tables, table_snapshot

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _client(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def _sign_in(client: Client, username: str, password: str, code: str = ""):
    return client.post(LOGIN, {"username": username, "password": password, "code": code})


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("core:home")


def _lock(username: str = "liaison_a", ip: str = ATTACKER, times: int = 5) -> Client:
    attacker = _client(ip)
    for _ in range(times):
        assert _sign_in(attacker, username, "guess-123456").status_code == 200
    return attacker


def _enrol(user) -> TotpDevice:
    return TotpDevice.objects.create(user=user, secret=SECRET, confirmed_at=user.date_joined)


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(cast):
    attacker = _lock()
    assert _sign_in(attacker, "liaison_a", PASSWORD).status_code == 200  # locked for the attacker's address
    assert _signed_in(_sign_in(_client(OWNER), "liaison_a", PASSWORD))
    api = _client(OWNER).post(TOKEN, {"username": "liaison_a", "password": PASSWORD}, content_type="application/json")
    assert api.status_code == 201
    locked = AuditEvent.objects.get(action="auth.locked")
    assert (locked.object_repr, locked.changes) == ("liaison_a", {"ip": ATTACKER})


def test_the_owners_success_clears_only_their_own_address(cast):
    _lock(times=4)
    mine = _client(OWNER)
    _sign_in(mine, "liaison_a", "guess-123456")
    assert _signed_in(_sign_in(mine, "liaison_a", PASSWORD))
    assert sorted(LoginFailure.objects.values_list("ip_address", flat=True)) == [ATTACKER] * 4


def test_case_variants_count_against_one_account(cast):
    attacker = _client(ATTACKER)
    for name in ("LIAISON_A", "Liaison_A", " liaison_A ", "liaison_a"):
        _sign_in(attacker, name, "guess-123456")
    attacker.post(TOKEN, {"username": "LiAiSoN_a", "password": "guess"}, content_type="application/json")
    assert list(LoginFailure.objects.values_list("username", flat=True).distinct()) == ["liaison_a"]
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1
    for name in ("liaison_a", "LIAISON_A"):
        response = _sign_in(attacker, name, PASSWORD)
        assert response.status_code == 200 and "_auth_user_id" not in attacker.session


@override_settings(LOGIN_ACCOUNT_CEILING=8, LOGIN_SLOW_SECONDS=60)
def test_guesses_from_many_addresses_slow_the_account_without_locking_it(cast):
    for n in range(8):
        _lock(ip=f"203.0.113.{n + 10}", times=1)
    slowed = AuditEvent.objects.get(action="auth.slowed")
    assert (slowed.object_repr, slowed.changes) == ("liaison_a", {"ip": "203.0.113.17", "failures": 8})
    before = table_snapshot()
    response = _sign_in(_client(OWNER), "liaison_a", PASSWORD)
    assert response.status_code == 200
    assert "请稍候几秒再试" in response.content.decode()
    assert changed_tables(before, table_snapshot()) == []
    # Once the last failure is LOGIN_SLOW_SECONDS old, the next attempt goes through.
    LoginFailure.objects.update(at=LoginFailure.objects.latest("at").at - dt.timedelta(seconds=61))
    assert _signed_in(_sign_in(_client(OWNER), "liaison_a", PASSWORD))


def test_the_owner_gets_in_with_an_authenticator_code_despite_the_lock(cast):
    device = _enrol(cast.liaison_a)
    _lock(ip=OWNER)
    owner = _client(OWNER)
    assert _sign_in(owner, "liaison_a", PASSWORD).status_code == 200
    code = totp.code_at(SECRET)
    assert _signed_in(_sign_in(owner, "liaison_a", PASSWORD, code))
    device.refresh_from_db()
    assert device.last_step == totp.verify(SECRET, code)
    login = AuditEvent.objects.get(action="auth.login")
    assert login.changes == {"ip": OWNER, "second_factor": True}
    # The same code cannot be used again.
    again = _client(OWNER)
    _lock(ip=OWNER)
    assert _sign_in(again, "liaison_a", PASSWORD, code).status_code == 200
    assert "_auth_user_id" not in again.session


def test_a_correct_code_with_a_wrong_password_does_not_get_in(cast):
    _enrol(cast.liaison_a)
    attacker = _lock()
    response = _sign_in(attacker, "liaison_a", "guess-123456", totp.code_at(SECRET))
    assert response.status_code == 200 and "_auth_user_id" not in attacker.session
    assert LoginFailure.objects.filter(kind="password").count() == 6


@override_settings(LOGIN_CODE_FAILURE_LIMIT=3)
def test_wrong_codes_while_locked_are_counted_and_then_the_code_no_longer_helps(cast):
    _enrol(cast.liaison_a)
    attacker = _lock()
    for code in ("000000", "111111", "222222"):
        assert _sign_in(attacker, "liaison_a", PASSWORD, code).status_code == 200
    assert LoginFailure.objects.filter(kind="code").count() == 3
    before = table_snapshot()
    response = _sign_in(_client(ATTACKER), "liaison_a", PASSWORD, totp.code_at(SECRET))
    assert response.status_code == 200
    assert changed_tables(before, table_snapshot()) == []


def test_with_two_step_sign_in_the_password_alone_is_not_enough(cast):
    _enrol(cast.liaison_a)
    client = _client(OWNER)
    missing = _sign_in(client, "liaison_a", PASSWORD)
    assert "请输入验证器应用显示的验证码。" in missing.content.decode()
    wrong = _sign_in(client, "liaison_a", PASSWORD, "000000")
    assert "验证码错误或已使用过。" in wrong.content.decode()
    assert list(LoginFailure.objects.values_list("kind", flat=True)) == ["code"]
    assert "_auth_user_id" not in client.session
    assert _signed_in(_sign_in(client, "liaison_a", PASSWORD, totp.code_at(SECRET)))
    api = _client(OWNER).post(TOKEN, {"username": "liaison_a", "password": PASSWORD},
                              content_type="application/json")
    assert (api.status_code, api.json()["code"]) == (400, "code_required")


def test_the_api_accepts_the_code_despite_the_lock(cast):
    _enrol(cast.liaison_a)
    _lock(ip=OWNER)
    body = {"username": "liaison_a", "password": PASSWORD}
    client = _client(OWNER)
    assert client.post(TOKEN, body, content_type="application/json").status_code == 429
    response = client.post(TOKEN, {**body, "code": totp.code_at(SECRET)}, content_type="application/json")
    assert response.status_code == 201


def test_the_office_sees_who_is_locked_and_unlocks(cast, client_for):
    _lock()
    office = client_for("office")
    page = office.get(reverse("accounts:user_list")).content.decode()
    assert 'data-testid="locked-accounts"' in page and ATTACKER in page
    assert reverse("accounts:user_unlock", args=[cast.liaison_a.pk]) in page
    detail = office.get(reverse("accounts:user_detail", args=[cast.liaison_a.pk])).content.decode()
    assert 'data-testid="user-locked"' in detail

    response = office.post(reverse("accounts:user_unlock", args=[cast.liaison_a.pk]))
    assert response.status_code == 302
    assert not LoginFailure.objects.exists()
    unlock = AuditEvent.objects.get(action="auth.unlock")
    assert (unlock.actor_id, unlock.object_id, unlock.changes) == (
        cast.office.pk, str(cast.liaison_a.pk), {"failures": 5, "reason": "office"})
    assert 'data-testid="locked-accounts"' not in office.get(reverse("accounts:user_list")).content.decode()
    assert _signed_in(_sign_in(_client(ATTACKER), "liaison_a", PASSWORD))


def test_a_liaison_cannot_see_or_unlock_locks(cast, client_for):
    _lock(username="liaison_b")
    liaison = client_for("liaison_a")
    before = table_snapshot()
    assert liaison.post(reverse("accounts:user_unlock", args=[cast.liaison_b.pk])).status_code == 404
    assert changed_tables(before, table_snapshot()) == []


def test_an_office_password_reset_clears_the_lock_and_is_audited(cast):
    _lock()
    user_set_password(actor=cast.office, user=cast.liaison_a, password="Another-password-2026")
    assert not LoginFailure.objects.exists()
    unlock = AuditEvent.objects.get(action="auth.unlock")
    assert (unlock.actor_id, unlock.changes) == (cast.office.pk, {"failures": 5, "reason": "password"})
    assert _signed_in(_sign_in(_client(ATTACKER), "liaison_a", "Another-password-2026"))


def test_failures_older_than_the_window_do_not_count(cast):
    _lock()
    LoginFailure.objects.update(at=LoginFailure.objects.latest("at").at - dt.timedelta(seconds=901))
    assert _signed_in(_sign_in(_client(ATTACKER), "liaison_a", PASSWORD))


@pytest.mark.parametrize("wrong", ["", "12345"])
def test_enrolling_needs_a_correct_code(cast, client_for, wrong):
    client = client_for("liaison_a")
    page = client.get(reverse("accounts:two_step")).content.decode()
    secret = client.session["accounts_totp_pending_secret"]
    assert secret in page and f"otpauth://totp/QualityGov:liaison_a?secret={secret}" in page
    before = table_snapshot()
    assert client.post(reverse("accounts:two_step"), {"code": wrong}).status_code == 200
    assert changed_tables(before, table_snapshot()) == []
    response = client.post(reverse("accounts:two_step"), {"code": totp.code_at(secret)})
    assert response.status_code == 302
    device = TotpDevice.objects.get(user=cast.liaison_a)
    assert (device.secret, device.last_step) == (secret, totp.step_at(time.time()))
    assert AuditEvent.objects.filter(action="totp.enable", actor=cast.liaison_a).count() == 1
    assert 'data-testid="two-step-on"' in client.get(reverse("accounts:two_step")).content.decode()


def test_turning_two_step_off_needs_a_code_or_the_office(cast, client_for):
    _enrol(cast.liaison_a)
    client = client_for("liaison_a")
    assert client.post(reverse("accounts:two_step"), {"code": "000000"}).status_code == 200
    assert TotpDevice.objects.filter(user=cast.liaison_a).exists()
    assert client.post(reverse("accounts:two_step"), {"code": totp.code_at(SECRET)}).status_code == 302
    assert not TotpDevice.objects.exists()
    _enrol(cast.liaison_a)
    response = client_for("office").post(reverse("accounts:user_two_step_off", args=[cast.liaison_a.pk]))
    assert response.status_code == 302 and not TotpDevice.objects.exists()
    assert list(AuditEvent.objects.filter(action="totp.disable").values_list("actor__username", flat=True)
                .order_by("pk")) == ["liaison_a", "office"]


def test_behind_a_trusted_proxy_failures_count_by_the_forwarded_address(cast, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}").post(
            LOGIN, {"username": "liaison_a", "password": "guess-123456"})
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OWNER)
    assert _signed_in(_sign_in(owner, "liaison_a", PASSWORD))
    # A forged or missing header falls back to the proxy's own address.
    junk = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="not-an-address")
    _sign_in(junk, "liaison_a", "guess-123456")
    assert LoginFailure.objects.filter(ip_address=proxy).count() == 1
