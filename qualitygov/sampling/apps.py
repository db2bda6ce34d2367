from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    """The district's own supervision sampling and its follow-up (后处置): plans, batches, notices,
    objections and re-tests, orders to correct, re-inspection clocks, escalation and publication.

    Written by the plan's owning unit (区市场监管分局 in the demo); read by district readers and, for the
    batches of their entities, by the towns.
    """

    name = "qualitygov.sampling"
    label = "sampling"
    verbose_name = _("Sampling follow-up")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import action_rule
        from qualitygov.core.events import events_of, register_events
        from qualitygov.core.permissions import Action

        from . import events, measures
        from .choices import Channel, Clock, NoticeMethod, Outcome, Stage, Verdict

        register_events(self.label, events_of(events), keys=events.KEYS, object_types=events.OBJECT_TYPES,
                        values={"stage": Stage, "verdict": Verdict, "notice_method": NoticeMethod, "clock": Clock,
                                "outcome": Outcome, "publication_channel": Channel})
        registry.register_nav(registry.NavEntry("sampling", _("Sampling follow-up"), "sampling:list",
                                                action_rule(Action.VIEW), order=76, menu="regulation"))
        registry.register_inbox_source(registry.InboxSource("sampling", "qualitygov.sampling.inbox.inbox_items",
                                                            order=65))
        # After the market-entity directory's own demo loader, whose entities it samples.
        registry.register_demo_loader(registry.DemoLoader("sampling", "qualitygov.sampling.demo.load", order=85))
        for kind, label in (("sampling_due", _("Sampling follow-up due")),
                            ("sampling_overdue", _("Sampling follow-up overdue"))):
            registry.register_notice_kind(kind, label)
        measures.register()
