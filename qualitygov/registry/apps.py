from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Market entities (市场主体) keyed by 统一社会信用代码: the directory every local ledger refers to.

    Read by whoever's scope covers the entity's town (district-wide users see all); imported and
    edited by an office holding the district or 区市场监管分局 staff (`services.may_write`).
    """

    name = "qualitygov.registry"
    label = "registry"
    verbose_name = _("Market entities")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import action_rule
        from qualitygov.core.events import events_of, register_events
        from qualitygov.core.permissions import Action

        from . import events, measures

        register_events(self.label, events_of(events), keys=events.KEYS)
        registry.register_nav(registry.NavEntry("registry", _("Market entities"), "registry:list",
                                                action_rule(Action.VIEW), order=74, menu="regulation"))
        # Early (order 15): the ledgers' demo loaders pick their entities from this directory.
        registry.register_demo_loader(registry.DemoLoader("registry", "qualitygov.registry.demo.load", order=15))
        registry.register_search_source(registry.SearchSource(
            "registry", _("Market entities"), "qualitygov.registry.search.search", order=60,
            list_url_name="registry:list"))
        measures.register()
