from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpperReportsConfig(AppConfig):
    """Reports to the level above (向上级报送): the city's templates, reports generated from approved
    data, reviewed, exported and their submission recorded, so the district can show what it reported.

    Read by users who read the whole district (office, leaders); written by an office holding it.
    """

    name = "qualitygov.upperreports"
    label = "upperreports"
    verbose_name = _("Reports to the level above")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import action_rule
        from qualitygov.core.events import events_of, register_events
        from qualitygov.core.permissions import Action

        from . import events
        from .choices import Channel, PeriodKind

        register_events(self.label, events_of(events), keys=events.KEYS,
                        values={"channel": Channel, "period_kind": PeriodKind}, pairs=["missing"])
        registry.register_nav(registry.NavEntry("upperreports", _("Reports upward"), "upperreports:list",
                                                action_rule(Action.APPROVE, Action.MANAGE), order=63, menu="cycle"))
        registry.register_inbox_source(registry.InboxSource("upperreports", "qualitygov.upperreports.inbox.inbox_items",
                                                            order=60))
        registry.register_demo_loader(registry.DemoLoader("upperreports", "qualitygov.upperreports.demo.load",
                                                          order=70))
