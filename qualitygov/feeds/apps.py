from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    """Data feeds (数据接入): periodic exports of the national and provincial systems, mapped per source
    into figures by period, town and category, dry-run before an audited commit that keeps the file.

    Read by users reading the whole district and by each source's responsible unit (towns read their own
    town's figures); imported by an office holding the whole district or that unit's staff.
    """

    name = "qualitygov.feeds"
    label = "feeds"
    verbose_name = _("Data feeds")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import action_rule
        from qualitygov.core.events import events_of, register_events
        from qualitygov.core.permissions import Action

        from . import events
        from .choices import FileStatus
        from .measures import register_all

        register_events(self.label, events_of(events), keys=events.KEYS, values={"status": FileStatus},
                        pairs=["owner"])
        register_all()
        registry.register_nav(registry.NavEntry("feeds", _("Data feeds"), "feeds:sources", action_rule(Action.VIEW),
                                                order=72, menu="regulation"))
        registry.register_demo_loader(registry.DemoLoader("feeds", "qualitygov.feeds.demo.load", order=75))
