from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IndicatorsConfig(AppConfig):
    name = "qualitygov.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events, measures
        from .selectors import RULE_LABELS

        registry.register_search_source(registry.SearchSource(
            "indicators", pgettext_lazy("search group", "Indicators"), "qualitygov.indicators.search.search_indicators", order=30))
        registry.register_nav(
            registry.NavEntry("indicators", _("Indicators"), "indicators:dashboard", LOGIN, order=20)
        )
        registry.register_home_card(registry.HomeCard(
            "indicators", "indicators/home_card.html", "qualitygov.indicators.cards.home_card", order=10, query_budget=12))
        # Values to enter, returned and to review reach the inbox (a progress page) through the registry.
        registry.register_inbox_source(registry.InboxSource("indicators", "qualitygov.indicators.inbox.inbox_items",
                                                            order=20))
        registry.register_demo_loader(
            registry.DemoLoader("indicators", "qualitygov.indicators.demo.load", order=30)
        )
        # Once a day on `qualitygov worker`'s schedule (or `qualitygov indicators remind` from cron);
        # /healthz watches its age.
        registry.register_daily_job(registry.DailyJob(
            "indicators.remind", events.INDICATORS_REMIND, order=20, run="qualitygov.indicators.jobs.nightly_job",
            label=_("Indicator recomputation and reminders")))
        # Data behind a measure changed (a feed imported, a ledger edited): the indicators whose formulas
        # read it are recomputed in the same transaction.
        measures.add_listener("indicators.recompute", _recompute_for_inputs)
        registry.register_demo_loader(
            registry.DemoLoader("indicators.computed", "qualitygov.indicators.demo.load_computed", order=95))
        register_events(self.label, events_of(events), object_types=events.OBJECT_TYPES, keys=events.KEYS, values={**events.VALUES, "rule": RULE_LABELS},
                        pairs=events.PAIRS)
        # The notices this app sends, for the user's 通知设置 page.
        for kind, label in (("indicator_due", _("Indicator values due")),
                            ("indicator_overdue", _("Indicator values overdue")),
                            ("indicator_returned", _("Indicator values returned"))):
            registry.register_notice_kind(kind, label)


def _recompute_for_inputs(*, keys, actor) -> None:
    from .services.computed import recompute_for_inputs

    recompute_for_inputs(keys=keys, actor=actor)
