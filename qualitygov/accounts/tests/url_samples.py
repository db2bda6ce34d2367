"""URL kwargs for the permission matrix: the organisation and user pages of accounts and its `/api/v1/` routes."""

from __future__ import annotations


def _grant_of_liaison_a(cast) -> int:
    from qualitygov.accounts.models import Grant

    return Grant.objects.get(user=cast.liaison_a, unit=cast.dept_a).pk


def _unit(cast) -> dict:
    return {"pk": cast.dept_a.pk, "owner": "liaison_a"}


def _managed_unit(cast) -> dict:
    return {"pk": cast.dept_a.pk, "owner": "liaison_a", "owner_action": "manage"}


def _managed_user(cast) -> dict:
    return {"pk": cast.liaison_a.pk, "owner": "liaison_a", "owner_action": "manage"}


def _token_of_liaison_a(cast) -> dict:
    from qualitygov.accounts.tokens import api_token_create

    token, _key = api_token_create(actor=None, user=cast.liaison_a, name="matrix")
    return {"pk": token.pk, "owner": "liaison_a", "personal": True, "get_status": 405}


def _oidc_off(cast) -> dict:
    """The identity provider's routes answer 404 while OIDC is not configured (test_oidc.py covers them on)."""
    return {"get_status": 404}


def _robot_of_dept_a(cast, **extra) -> dict:
    """A WeCom robot of 区经信局 (never posted to: the matrix sends only refused requests)."""
    from qualitygov.core.models import UnitRobot
    from qualitygov.core.notifications import unit_robot_save

    robot = UnitRobot.objects.filter(unit_ref=cast.dept_a.pk).first() or unit_robot_save(
        actor=None, unit=cast.dept_a, kind="wecom", webhook_url="http://127.0.0.1:9/cgi-bin/webhook/send?key=matrix")
    return {"pk": robot.pk, "owner": "liaison_a", **extra}


SAMPLES = {
    "accounts:oidc_login": _oidc_off,
    "accounts:oidc_callback": _oidc_off,
    "accounts:oidc_signed_out": _oidc_off,
    "accounts:unit_detail": _unit,
    "accounts:unit_edit": _managed_unit,
    "accounts:unit_deactivate": _managed_unit,
    "accounts:unit_merge": _managed_unit,
    "accounts:user_detail": _managed_user,
    "accounts:user_edit": _managed_user,
    "accounts:user_password": _managed_user,
    "accounts:grant_add": _managed_user,
    # Changes state only on a POST; a GET is refused with 405.
    "accounts:user_set_active": lambda cast: {**_managed_user(cast), "get_status": 405},
    "accounts:user_unlock": lambda cast: {**_managed_user(cast), "get_status": 405},
    "accounts:user_tokens_revoke": lambda cast: {**_managed_user(cast), "get_status": 405},
    "accounts:user_two_step_off": lambda cast: {**_managed_user(cast), "get_status": 405},
    "accounts:token_revoke": _token_of_liaison_a,
    "accounts:grant_delete": lambda cast: {"pk": _grant_of_liaison_a(cast), "owner": "liaison_a",
                                           "owner_action": "manage"},
    # A unit's group robots: the office in scope and the unit's own liaison (rule: change).
    "accounts:unit_robots": _unit,
    "accounts:robot_edit": _robot_of_dept_a,
    "accounts:robot_toggle": lambda cast: _robot_of_dept_a(cast, get_status=405),
    "accounts:robot_test": lambda cast: _robot_of_dept_a(cast, get_status=405),
    "api-unit-robot-detail": _robot_of_dept_a,
    "api-unit-robot-send-test": lambda cast: _robot_of_dept_a(cast, get_status=405),
    "api-org-unit-detail": lambda cast: {"pk": cast.dept_a.pk, "owner": "liaison_a"},
    "api-user-detail": lambda cast: {"pk": cast.liaison_a.pk, "owner": "liaison_a", "owner_action": "manage"},
}
