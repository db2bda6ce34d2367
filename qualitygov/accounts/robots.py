"""Who manages a unit's group robots (DingTalk / WeCom), and the scoped reads and writes behind the
robot pages and `/api/v1/unit-robots/`.

Rule: the office manages the robots of the units in its scope (`manage`); a unit's own liaison
(a user of the unit holding `change` at it) manages its own unit's robots. Anyone else gets 404,
as if the robot or unit did not exist. The robot records live in core (`core.models.UnitRobot`);
this module adds what core cannot know: units and roles.

Secrets stay on the server: reads expose `masked_url` and `masked_secret` only. On a change an
empty webhook URL or secret keeps the stored one; `clear_secret` removes the secret.
"""

from __future__ import annotations

from django.db.models import QuerySet

from qualitygov.core.errors import NotFoundError
from qualitygov.core.models import UnitRobot
from qualitygov.core.notifications import unit_robot_list, unit_robot_save, unit_robot_test
from qualitygov.core.scoping import scope_for

from .choices import Action
from .models import OrgUnit


def can_manage_robots(user, unit_id: int) -> bool:
    """True for the office over a unit in its scope, and for a unit's own liaison over that unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    if unit_id in scope_for(user, Action.MANAGE):
        return True
    return user.unit_id == unit_id and unit_id in scope_for(user, Action.CHANGE)


def can_manage_own_unit_robots(user) -> bool:
    """Whether `user` may manage the robots of their own unit (the link on the 通知设置 page)."""
    return getattr(user, "unit_id", None) is not None and can_manage_robots(user, user.unit_id)


def robot_unit_get(*, user, pk: int) -> OrgUnit:
    """The unit whose robots `user` may manage; NotFoundError otherwise."""
    unit = OrgUnit.objects.filter(pk=pk).first()
    if unit is None or not can_manage_robots(user, unit.pk):
        raise NotFoundError("not found")
    return unit


def robot_list_manageable(*, user, unit: OrgUnit | None = None) -> QuerySet[UnitRobot]:
    """The robots `user` may manage (of `unit` only, when given), by unit then age."""
    if unit is not None:
        return unit_robot_list(unit_refs=[unit.pk]) if can_manage_robots(user, unit.pk) else UnitRobot.objects.none()
    if not getattr(user, "is_authenticated", False):
        return UnitRobot.objects.none()
    manage = scope_for(user, Action.MANAGE)
    if manage.everything:
        return UnitRobot.objects.order_by("unit_ref", "pk")
    ids = set(manage.unit_ids)
    if user.unit_id is not None and user.unit_id in scope_for(user, Action.CHANGE):
        ids.add(user.unit_id)
    return unit_robot_list(unit_refs=ids)


def robot_get_manageable(*, user, pk: int) -> tuple[UnitRobot, OrgUnit]:
    """The robot `pk` and its unit, if `user` may manage them; NotFoundError otherwise."""
    robot = UnitRobot.objects.filter(pk=pk).first()
    if robot is None or not can_manage_robots(user, robot.unit_ref):
        raise NotFoundError("not found")
    return robot, OrgUnit.objects.get(pk=robot.unit_ref)


def robot_add(*, actor, unit: OrgUnit, kind: str, webhook_url: str, secret: str = "", enabled: bool = True) -> UnitRobot:
    """Add a robot to `unit` (audited); NotFoundError unless `actor` may manage the unit's robots."""
    if not can_manage_robots(actor, unit.pk):
        raise NotFoundError("not found")
    return unit_robot_save(actor=actor, unit=unit, kind=kind, webhook_url=webhook_url.strip(), secret=secret.strip(),
                           enabled=enabled)


def robot_change(*, actor, robot: UnitRobot, kind: str | None = None, webhook_url: str = "", secret: str = "",
                 clear_secret: bool = False, enabled: bool | None = None) -> UnitRobot:
    """Change `robot` (audited): empty URL or secret keeps the stored one, `None` keeps kind or state."""
    if not can_manage_robots(actor, robot.unit_ref):
        raise NotFoundError("not found")
    unit = OrgUnit.objects.get(pk=robot.unit_ref)
    return unit_robot_save(
        actor=actor, unit=unit, robot=robot, kind=kind or robot.kind,
        webhook_url=webhook_url.strip() or robot.webhook_url,
        secret="" if clear_secret else (secret.strip() or robot.secret),
        enabled=robot.enabled if enabled is None else enabled,
    )


def robot_send_test(*, actor, robot: UnitRobot) -> str:
    """Post a test message now (audited); "" when it went out, else the error. NotFoundError if not allowed."""
    if not can_manage_robots(actor, robot.unit_ref):
        raise NotFoundError("not found")
    return unit_robot_test(actor=actor, robot=robot, unit=OrgUnit.objects.get(pk=robot.unit_ref))
