from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpperAssessmentConfig(AppConfig):
    """迎考: the district assessed by the level above. The upper level's scheme is loaded, each item
    assigned to a lead unit as a progress work item (so the inbox, reminders and escalation chase it),
    the lead unit files a self-score and evidence, the office accepts or returns, and the 自评表 and
    the evidence package are exported for the assessors."""

    name = "qualitygov.upperassessment"
    label = "upperassessment"
    verbose_name = _("Upper-level assessment")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events

        register_events(self.label, events_of(events), keys=events.KEYS)
        registry.register_nav(registry.NavEntry("upperassessment", _("Upper assessment"), "upperassessment:list",
                                                LOGIN, order=66, menu="assessment"))
        registry.register_inbox_source(registry.InboxSource("upperassessment",
                                                            "qualitygov.upperassessment.inbox.inbox_items", order=40))
        registry.register_demo_loader(registry.DemoLoader("upperassessment", "qualitygov.upperassessment.demo.load",
                                                          order=70))
