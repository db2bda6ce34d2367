from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qualitygov.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import events
        from .access import LOGIN
        from .registry import NavEntry, register_nav

        events.register_events(self.label, [events.ATTACHMENT_CREATE, events.UNIT_ROBOT_CREATE, events.UNIT_ROBOT_UPDATE,
                                            events.UNIT_ROBOT_TEST, events.NOTIFICATION_PREFERENCE_SET],
                               keys=events.KEYS)

        register_nav(NavEntry("home", _("Home"), "core:home", LOGIN, order=0))
        register_nav(NavEntry("notifications", _("Notifications"), "core:notification_list", LOGIN, order=95,
                              badge="qualitygov.core.views_notifications.unread_badge"))
        register_nav(NavEntry("api", _("API"), "api-docs", LOGIN, order=100))
