"""A unit's group robots (DingTalk / WeCom): list, add, change, switch on or off, send a test message.

The office for units in its scope, a unit's own liaison for its own unit (`accounts.robots`);
anyone else gets 404. Secrets are never shown back: the pages show masked URLs and secrets.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitygov.core.access import access, action_rule
from qualitygov.core.channels import mask_secret, mask_url
from qualitygov.core.errors import ServiceError
from qualitygov.core.views_helpers import apply_service_error, visible_or_404

from . import robots
from .choices import Action
from .forms import UnitRobotForm

#: The coarse rule (a role that may change anything somewhere); `accounts.robots` decides per unit.
CHANGE = action_rule(Action.CHANGE)


def _rows(queryset) -> list[dict]:
    return [{"robot": robot, "masked_url": mask_url(robot.webhook_url), "masked_secret": mask_secret(robot.secret)}
            for robot in queryset]


@access(CHANGE)
def unit_robots(request, pk: int):
    """The unit's robots, and the form to add one (POST)."""
    unit = visible_or_404(robots.robot_unit_get, user=request.user, pk=pk)
    form = UnitRobotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            robots.robot_add(actor=request.user, unit=unit, kind=data["kind"], webhook_url=data["webhook_url"],
                             secret=data["secret"], enabled=data["enabled"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Group robot added."))
            return redirect("accounts:unit_robots", pk=unit.pk)
    return render(request, "accounts/unit_robots.html", {
        "unit": unit, "rows": _rows(robots.robot_list_manageable(user=request.user, unit=unit)), "form": form,
    })


@access(CHANGE)
def robot_edit(request, pk: int):
    """Change a robot's kind, address, secret (kept when left empty) or state."""
    robot, unit = visible_or_404(robots.robot_get_manageable, user=request.user, pk=pk)
    form = UnitRobotForm(request.POST or None, editing=True,
                         initial={"kind": robot.kind, "enabled": robot.enabled})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            robots.robot_change(actor=request.user, robot=robot, kind=data["kind"], webhook_url=data["webhook_url"],
                                secret=data["secret"], clear_secret=data["clear_secret"], enabled=data["enabled"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Group robot saved."))
            return redirect("accounts:unit_robots", pk=unit.pk)
    return render(request, "accounts/robot_form.html", {
        "unit": unit, "robot": robot, "form": form, "masked_url": mask_url(robot.webhook_url),
        "masked_secret": mask_secret(robot.secret),
    })


@require_POST
@access(CHANGE)
def robot_toggle(request, pk: int):
    """Switch a robot off (it receives nothing) or on again."""
    robot, unit = visible_or_404(robots.robot_get_manageable, user=request.user, pk=pk)
    robots.robot_change(actor=request.user, robot=robot, enabled=not robot.enabled)
    messages.success(request, _("Group robot switched on.") if robot.enabled else _("Group robot switched off."))
    return redirect("accounts:unit_robots", pk=unit.pk)


@require_POST
@access(CHANGE)
def robot_test(request, pk: int):
    """Post a test message to the robot now and say whether it arrived."""
    robot, unit = visible_or_404(robots.robot_get_manageable, user=request.user, pk=pk)
    error = robots.robot_send_test(actor=request.user, robot=robot)
    if error:
        messages.error(request, _("The test message was not delivered: %(error)s") % {"error": error})
    else:
        messages.success(request, _("Test message sent. Check the group."))
    return redirect("accounts:unit_robots", pk=unit.pk)
