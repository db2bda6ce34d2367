from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "qualitygov.assessments"
    label = "assessments"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events

        register_events(self.label, events_of(events), keys=events.KEYS)
        registry.register_nav(registry.NavEntry("assessments", _("Assessment"), "assessments:schemes", LOGIN, order=65))
        registry.register_nav(registry.NavEntry("assessment_rounds", _("Assessment rounds"), "assessments:rounds",
                                                LOGIN, order=66))
        registry.register_inbox_source(registry.InboxSource("assessments", "qualitygov.assessments.inbox.inbox_items",
                                                            order=40))
        registry.register_demo_loader(registry.DemoLoader("assessments", "qualitygov.assessments.demo.load", order=60))
        registry.register_demo_loader(registry.DemoLoader("assessment_rounds", "qualitygov.assessments.demo.load_rounds",
                                                          order=61))
