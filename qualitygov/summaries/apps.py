from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    """Half-year and annual summaries (半年总结 / 年度总结): each member unit files its summary on the
    office's template, with figures pulled from its indicators and work items; the office reviews them
    and consolidates the district's summary (.docx)."""

    name = "qualitygov.summaries"
    label = "summaries"
    verbose_name = _("Summaries")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events

        register_events(self.label, events_of(events), keys=events.KEYS)
        registry.register_nav(registry.NavEntry("summaries", _("Summaries"), "summaries:rounds", LOGIN, order=62,
                                                        menu="cycle"))
        registry.register_inbox_source(registry.InboxSource("summaries", "qualitygov.summaries.inbox.inbox_items",
                                                            order=40))
        registry.register_demo_loader(registry.DemoLoader("summaries", "qualitygov.summaries.demo.load", order=55))
        registry.register_daily_job(registry.DailyJob(
            "summaries.daily", events.SUMMARIES_DAILY, order=40, run="qualitygov.summaries.chase.summaries_daily_job",
            label=_("Summaries: reminders and late units")))
        for kind, label in (("summaries.reminder", _("Summary reminders")),
                            ("summaries.overdue", _("Summaries overdue"))):
            registry.register_notice_kind(kind, label)
