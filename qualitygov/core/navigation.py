"""The navigation bar: entries appear only for users whose access rule allows them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from qualitygov.indicators.views_nav import NAV_LABEL as INDICATORS
from qualitygov.progress.views_nav import NAV_LABELS as PROGRESS

from .access import LOGIN, action_rule


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    rule: str


#: Apps add their entries here, in menu order.
NAV: list[NavEntry] = [
    NavEntry(_("Home"), "core:home", LOGIN),
    NavEntry(_("Plans"), "plans:list", LOGIN),
    NavEntry(INDICATORS, "indicators:dashboard", LOGIN),
    NavEntry(PROGRESS["inbox"], "progress:inbox", LOGIN),
    NavEntry(PROGRESS["board"], "progress:board", LOGIN),
    NavEntry(PROGRESS["findings"], "progress:finding_list", LOGIN),
    NavEntry(_("Organisation"), "accounts:org_tree", LOGIN),
    NavEntry(_("Users"), "accounts:user_list", action_rule("manage")),
    NavEntry(_("Audit trail"), "core:audit_list", action_rule("audit")),
    NavEntry(_("API"), "api-docs", LOGIN),
]
