"""Excel exports of the organisation tree and of users."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import OrgUnitKind
from .models import User
from .selectors import OrgUnitRow

ORG_HEADER = [gettext_lazy("Level"), gettext_lazy("Full name"), gettext_lazy("Short name"), gettext_lazy("Kind"),
              gettext_lazy("Parent unit"), gettext_lazy("Aliases"), gettext_lazy("Active"), gettext_lazy("Sort order"),
              gettext_lazy("ID")]
ORG_WIDTHS = [6, 40, 20, 12, 30, 40, 6, 8, 8]


def org_unit_rows(units: Iterable[OrgUnitRow]) -> Iterable[list]:
    """One row per unit (tree order unless sorted otherwise); the full name is indented by its level."""
    kind_labels = {value: str(label) for value, label in OrgUnitKind.choices}
    for unit in units:
        yield [unit.tree_depth + 1, "\u3000" * unit.tree_depth + unit.name, unit.short_name,
               kind_labels.get(unit.kind, unit.kind), unit.parent_name, "、".join(unit.aliases), unit.is_active,
               unit.sort_order, unit.pk]


USERS_HEADER = [gettext_lazy("User name"), gettext_lazy("Display name"), gettext_lazy("Unit"), gettext_lazy("Roles"),
                gettext_lazy("Phone"), gettext_lazy("E-mail"), gettext_lazy("Active"), gettext_lazy("Last sign-in")]
USERS_WIDTHS = [16, 24, 36, 50, 16, 24, 6, 18]


def _roles(user: User) -> str:
    parts = []
    for grant in user.grants.all():
        text = f"{grant.get_role_display()} @ {grant.unit.label}"
        if grant.include_descendants:
            text += _(" (and subordinate units)")
        parts.append(text)
    return "；".join(parts)


def user_rows(users: Iterable[User]) -> Iterable[list]:
    """One row per user with their home unit and every grant, e.g. "部门联络员 @ 区经信局"."""
    for user in users:
        yield [user.username, user.display_name, user.unit.name if user.unit_id else "", _roles(user), user.phone,
               user.email, user.is_active, user.last_login]
