from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Public disclosure (信息公开): explicit publication of records as masked, versioned snapshots,
    and the public site at /public/ that shows only those snapshots."""

    name = "qualitygov.portal"
    label = "portal"
    verbose_name = _("Public disclosure")

    def ready(self) -> None:
        from qualitygov.core.events import events_of, register_events

        from . import builders, events
        from .choices import ItemState, Treatment, VersionAction

        register_events(self.label, events_of(events), keys=events.KEYS,
                        values={"treatment": Treatment, "state": ItemState, "action": VersionAction})
        builders.register_builtin_kinds()
        from qualitygov.core import registry
        from qualitygov.core.access import action_rule
        from qualitygov.core.permissions import Action

        registry.register_nav(registry.NavEntry("portal", _("Public disclosure"), "portal:office",
                                                action_rule(Action.MANAGE), order=90, menu="admin"))
        registry.register_demo_loader(registry.DemoLoader("portal", "qualitygov.portal.demo.load", order=95))
        registry.register_daily_job(registry.DailyJob(
            "portal.rules", events.RULES_RUN, order=90, run="qualitygov.portal.jobs.rules_daily_job",
            label=_("Public disclosure: publication rules")))
