"""`qualitygov createadmin`: the first office admin of a district."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qualitygov.accounts.models import Grant, OrgUnit, User
from qualitygov.core.audit import audit_verify
from qualitygov.core.models import AuditEvent

from .test_org_views import state

PASSWORD = "Admin-password-2026"


def run(*args: str, stdin: str = f"{PASSWORD}\n") -> str:
    out = io.StringIO()
    call_command("createadmin", *args, stdin=io.StringIO(stdin), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_creates_district_user_and_grant():
    output = run("--district", "舟山市普陀区", "--username", "admin", "--password-stdin")
    assert output == (
        "已创建“舟山市普陀区”。\n已为“舟山市普陀区”及其全部下级单位创建质量强区办管理员“admin”。\n"
    )
    district = OrgUnit.objects.get()
    assert (district.name, district.kind, district.parent, district.path) == (
        "舟山市普陀区", "district", None, f"/{district.pk:08d}/")
    user = User.objects.get()
    assert (user.username, user.unit, user.is_active) == ("admin", district, True)
    assert user.check_password(PASSWORD)
    assert list(Grant.objects.values_list("user__username", "role", "unit_id", "include_descendants")) == [
        ("admin", "office_admin", district.pk, True)
    ]
    events = list(AuditEvent.objects.order_by("seq").values_list("action", "actor_repr"))
    assert events == [("org_unit.create", "createadmin"), ("user.create", "createadmin"),
                      ("grant.create", "createadmin")]
    assert audit_verify().ok


@pytest.mark.django_db
def test_second_run_with_same_username_fails_clearly_and_changes_nothing():
    run("--district", "舟山市普陀区", "--username", "admin", "--password-stdin")
    before = state()
    with pytest.raises(CommandError) as exc:
        run("--district", "舟山市普陀区", "--username", "ADMIN", "--password-stdin")
    assert str(exc.value) == "用户名“ADMIN”已被占用，未做任何更改。"
    assert exc.value.returncode == 1
    assert state() == before


def test_existing_district_is_reused(cast):
    run("--district", "普陀区", "--username", "admin2", "--password-stdin")
    assert OrgUnit.objects.count() == 6
    assert list(Grant.objects.filter(user__username="admin2").values_list("unit_id", "include_descendants")) == [
        (cast.district.pk, True)
    ]


def test_unit_below_the_top_is_refused(cast):
    before = state()
    with pytest.raises(CommandError) as exc:
        run("--district", "区经信局", "--username", "admin2", "--password-stdin")
    assert str(exc.value) == "“区经信局”已是“舟山市普陀区”的下级单位，不是最顶层单位，未做任何更改。"
    assert state() == before


@pytest.mark.django_db
def test_weak_password_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError) as exc:
        run("--district", "舟山市普陀区", "--username", "admin", "--password-stdin", stdin="12345678901\n")
    assert str(exc.value) == "操作被拒绝：这个密码太常见了。 密码只包含数字。 未做任何更改。"
    assert (OrgUnit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_password_prompt_needs_a_terminal():
    with pytest.raises(CommandError) as exc:
        run("--district", "舟山市普陀区", "--username", "admin")
    assert str(exc.value) == "标准输入不是终端：请使用 --password-stdin 传入密码。"
    with pytest.raises(CommandError) as exc:
        run("--district", "舟山市普陀区", "--username", "admin", "--password-stdin", stdin="")
    assert str(exc.value) == "标准输入中没有密码。"
    assert OrgUnit.objects.count() == 0


@pytest.mark.django_db
def test_password_asked_twice_must_match(monkeypatch):
    answers = iter(["Admin-password-2026", "Admin-password-2027"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    tty = io.StringIO()
    tty.isatty = lambda: True
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("createadmin", "--district", "舟山市普陀区", "--username", "admin", stdin=tty, stdout=out)
    assert str(exc.value) == "两次输入的密码不一致，未做任何更改。"
    assert User.objects.count() == 0
    answers = iter([PASSWORD, PASSWORD])
    call_command("createadmin", "--district", "舟山市普陀区", "--username", "admin", stdin=tty, stdout=out)
    assert User.objects.get().check_password(PASSWORD)
