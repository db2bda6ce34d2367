from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail's pages and API; the events themselves and their chain live in core."""

    name = "qualitygov.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from qualitygov.core.access import action_rule
        from qualitygov.core.permissions import Action
        from qualitygov.core.registry import NavEntry, register_nav

        register_nav(NavEntry("audit", _("Audit trail"), "audit:list", action_rule(Action.AUDIT), order=90,
                              menu="admin"))
