"""Kinds of organisational unit, roles and the actions roles allow."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.core.permissions import Action

__all__ = ["ROLE_ACTIONS", "TOWN_KINDS", "Action", "OrgUnitKind", "Role"]


class OrgUnitKind(models.TextChoices):
    DISTRICT = "district", _("District")
    LEADING_GROUP = "leading_group", _("Leading group")
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    TOWN = "town", _("Town")
    MANAGEMENT_COMMITTEE = "management_committee", _("Management committee")
    OTHER = "other", _("Other body")


#: Kinds that count as "every town" when a plan gives a task to all towns (镇/街道/管委会).
TOWN_KINDS = frozenset({OrgUnitKind.TOWN, OrgUnitKind.SUBDISTRICT, OrgUnitKind.MANAGEMENT_COMMITTEE})


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Office admin")
    LEADER = "leader", _("Leader")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")
    TOWN_LIAISON = "town_liaison", _("Town liaison")
    REVIEWER = "reviewer", _("Reviewer")
    VIEWER = "viewer", _("Viewer")
    INSPECTOR = "inspector", _("Inspector")


#: What each role may do within the units its grant covers.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.OFFICE_ADMIN: frozenset(Action.values),
    Role.LEADER: frozenset({Action.VIEW, Action.APPROVE}),
    Role.DEPARTMENT_LIAISON: frozenset({Action.VIEW, Action.CHANGE}),
    Role.TOWN_LIAISON: frozenset({Action.VIEW, Action.CHANGE}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.REVIEW}),
    Role.VIEWER: frozenset({Action.VIEW}),
    Role.INSPECTOR: frozenset({Action.VIEW, Action.CHANGE}),
}


def roles_allowing(action: str) -> list[str]:
    """The roles whose grants allow `action`, in declaration order."""
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]
