from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    """The one-stop quality-infrastructure service window (质量基础设施一站式服务): requests,
    assignment, completion against a time limit in working days (a versioned rule), the firm's rating;
    totals by industry. Requests are kept by the window's unit and scoped by it."""

    name = "qualitygov.onestop"
    label = "onestop"
    verbose_name = _("One-stop NQI services")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import action_rule
        from qualitygov.core.events import events_of, register_events
        from qualitygov.core.permissions import Action

        from . import events, measures
        from .choices import RequestStatus, ServiceKind

        register_events(self.label, events_of(events), keys=events.KEYS,
                        values={"status": RequestStatus, "kind": ServiceKind})
        registry.register_nav(registry.NavEntry("onestop", _("One-stop services"), "onestop:list",
                                                action_rule(Action.VIEW), order=84, menu="regulation"))
        registry.register_demo_loader(registry.DemoLoader("onestop", "qualitygov.onestop.demo.load", order=86))
        measures.register_all()
