from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkPlansConfig(AppConfig):
    """The annual work plan (年度工作要点): imported from the office's file with a review step, issued as
    progress work items (so the inbox, the board, the cycles and the reminders chase each key point),
    exported as the official document, and rolled over into the next year one decision at a time.
    """

    name = "qualitygov.workplans"
    label = "workplans"
    verbose_name = _("Annual work plan")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events

        register_events(self.label, events_of(events), keys=events.KEYS)
        registry.register_nav(registry.NavEntry("workplans", _("Annual work plan"), "workplans:list", LOGIN, order=55,
                                                        menu="cycle"))
        registry.register_inbox_source(registry.InboxSource("workplans", "qualitygov.workplans.inbox.inbox_items",
                                                            order=40))
        registry.register_demo_loader(registry.DemoLoader("workplans", "qualitygov.workplans.demo.load", order=55))
