from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlansConfig(AppConfig):
    name = "qualitygov.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from qualitygov.core import registry
        from qualitygov.core.access import LOGIN
        from qualitygov.core.events import events_of, register_events

        from . import events

        registry.register_search_source(registry.SearchSource(
            "tasks", pgettext_lazy("search group", "Tasks"), "qualitygov.plans.search.search_tasks", order=10))
        registry.register_nav(registry.NavEntry("plans", _("Plans"), "plans:list", LOGIN, order=10))
        register_events(self.label, events_of(events), keys=events.KEYS, values=getattr(events, "VALUES", None),
                        pairs=getattr(events, "PAIRS", ()))
