"""Template filter that shows the person who did something."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user) -> str:
    """`{{ report.submitted_by|person }}` → the user's name, or "System" when nobody signed in did it
    (scheduled, computed or imported work stores no user)."""
    if user is None:
        return _("System")
    return str(user)
